""""Wat is er te doen?" in one statement: the dates of the activities near a point, expanded, sorted and
cut to one page by PostgreSQL.

The dates follow `recurrence.py` exactly (tested against it on the demo data and on generated activities):
a local start date and time per date, "once", "weekly", "biweekly" (every 7 or 14 days from `starts_on`) and
"monthly" (the Nth weekday of the month, or the last), ending at `ends_on`; each local wall-clock time gets
the offset valid on that day (a time skipped by the clock change counts as before it, a time that occurs
twice is the first one, as `to_utc`). So a request reads only the rows of the page it shows, and only the
columns it shows — no ORM objects, no expansion in Python.

The rules are not written again here: "public", the statuses the search shows, "listed" for a place and the
distance measure are `rules.py`, `places.visibility` and `webapp.geo`, compiled into the statement.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import Any

from sqlalchemy import Float, cast, literal_column, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.sql.elements import ColumnElement

from webapp import geo
from webapp.extensions import db
from webapp.initiatives.models import Initiative
from webapp.initiatives.recurrence import MAX_WINDOW, Instance
from webapp.initiatives.rules import SEARCH_STATUSES, public
from webapp.places.attributes import ATTRIBUTE_KEYS
from webapp.places.models import Place
from webapp.places.visibility import listed_filter

PAGE_SIZE = 25   # dates on one page of "Wat is er te doen?"


@dataclass(frozen=True)
class PlaceRow:
    """The place of a date as the public sees it (only listed places are read)."""
    id: int
    name: str
    address: str | None
    status: str
    hidden: bool


@dataclass(frozen=True)
class InitiativeRow:
    id: int
    title: str
    summary: str
    location_name: str


@dataclass(frozen=True)
class Cancellation:
    on_date: date
    reason: str


@dataclass(frozen=True)
class ActivityRow:
    """What a date shows of its activity; `cancellations` holds this date's cancellation, if any."""
    id: int
    title: str
    place_id: int | None
    place: PlaceRow | None
    initiative: InitiativeRow
    cancellations: tuple[Cancellation, ...]


@dataclass(frozen=True)
class Found:
    instance: Instance
    initiative: InitiativeRow
    place: PlaceRow | None
    distance: float | None  # metres from the search point


@dataclass(frozen=True)
class Page:
    found: list[Found]
    total: int        # dates in the whole period (all pages)
    number: int       # this page, from 1
    size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def first(self) -> int:
        return (self.number - 1) * self.size + 1


def sql_of(expression: ColumnElement[Any]) -> str:
    """A rule's SQL expression with its constants inlined (it names the tables, not aliases)."""
    return str(expression.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}))


@cache
def rules() -> dict[str, str]:
    """The named rules as SQL: public, statuses, listed; distance_* and within_* of a
    place or an initiative's own location to the point :lon/:lat (:radius)."""
    here = geo.point(literal_column(":lon"), literal_column(":lat"))   # bound when the statement runs
    rules = {
        "public": sql_of(public()),
        "statuses": sql_of(Initiative.status.in_(SEARCH_STATUSES)),
        "listed": sql_of(listed_filter()),
    }
    # Where a date takes place: its place, or (without a place) its initiative's own location.
    for name, column in (("place", Place.location), ("own", Initiative.location)):
        there = geo.geography(column)
        rules[f"distance_{name}"] = sql_of(cast(geo.distance_m(there, here), Float))
        rules[f"within_{name}"] = sql_of(geo.within_m(there, here, literal_column(":radius")))
    return rules


def _as_utc(local: str, tz: str) -> str:
    """A local wall-clock time (timestamp without time zone) as UTC the way `recurrence.to_utc` does:
    PostgreSQL reads a time that occurs twice as the later one, zoneinfo (fold=0) as the earlier one."""
    return (f"CASE WHEN (({local} AT TIME ZONE {tz}) - interval '1 hour') AT TIME ZONE {tz} = {local} "
            f"THEN ({local} AT TIME ZONE {tz}) - interval '1 hour' ELSE {local} AT TIME ZONE {tz} END")


def _local_end(row: str) -> str:
    """The local end of a date: on the same day, or the next when it ends after midnight."""
    return (f"({row}.day + {row}.end_time + CASE WHEN {row}.end_time <= {row}.start_time "
            "THEN interval '1 day' ELSE interval '0' END)")


def box_degrees(radius: float, lat: float) -> float:
    """Half the side of a lon/lat box around a point at `lat` that holds every point within `radius`
    metres (for an index step on a geometry GiST index; the exact test is `geo.within_m`)."""
    return radius / (111_320 * max(0.01, math.cos(math.radians(min(89.0, abs(lat) + 1.0)))))


# The date of the Nth weekday (or the last, -1) of the month that starts at g.m.
_NTH_WEEKDAY = """CASE WHEN c.nth = -1
      THEN (g.m + interval '1 month' - interval '1 day')::date
           - ((extract(isodow FROM g.m + interval '1 month' - interval '1 day')::int - c.isodow + 7) % 7)
      ELSE g.m::date + ((c.isodow - extract(isodow FROM g.m)::int + 7) % 7) + 7 * (c.nth - 1) END"""


# An activity's rule in the form `dates_of` reads (from `initiative_activities a`; the period is :start, :end).
RULE_COLUMNS = """a.id, a.title, a.place_id, a.starts_on, a.start_time, a.end_time, a.frequency, a.timezone,
         coalesce(a.month_week, CASE WHEN (extract(day FROM a.starts_on)::int - 1) / 7 = 4 THEN -1
                                     ELSE (extract(day FROM a.starts_on)::int - 1) / 7 + 1 END) AS nth,
         extract(isodow FROM a.starts_on)::int AS isodow,
         CASE a.frequency WHEN 'biweekly' THEN 14 ELSE 7 END AS period,
         (CAST(:start AS timestamptz) AT TIME ZONE a.timezone)::date AS lo,
         least((CAST(:end AS timestamptz) AT TIME ZONE a.timezone)::date, a.ends_on) AS hi"""


def dates_of(source: str) -> str:
    """SELECT of every row of `source` (a FROM item named c with RULE_COLUMNS) once per local date of its
    rule in the period, with `day` (the local date) and `starts_at` (UTC). Dates outside [:start, :end)
    by the clock still need the caller's test on starts_at."""
    return f"""
  SELECT c.*, d.day, {_as_utc("(d.day + c.start_time)", "c.timezone")} AS starts_at
    FROM {source}
   CROSS JOIN LATERAL (
     SELECT CASE WHEN c.frequency = 'monthly' THEN {_NTH_WEEKDAY} ELSE g.m::date END AS day
       FROM generate_series(
              CASE c.frequency
                WHEN 'once' THEN c.starts_on::timestamp
                WHEN 'monthly' THEN date_trunc('month', greatest(c.starts_on, c.lo)::timestamp)
                ELSE (c.starts_on + (greatest(0, c.lo - c.starts_on) + c.period - 1) / c.period * c.period)::timestamp
              END,
              CASE WHEN c.frequency = 'once' THEN c.starts_on ELSE c.hi END::timestamp,
              CASE c.frequency WHEN 'monthly' THEN interval '1 month' ELSE c.period * interval '1 day' END) AS g(m)
      OFFSET 0
   ) d
   WHERE d.day >= greatest(c.starts_on, c.lo) AND d.day <= c.hi"""


def ends_at(row: str) -> str:
    """The UTC end of a row of `dates_of`."""
    return _as_utc(_local_end(row), f"{row}.timezone")


def _candidates(point: bool, filters: list[str], where: str) -> str:
    """The activities that may have a date in the period: two parts, each driven by a geometry GiST index
    (activities at a place in the box around the point; activities without a place whose initiative lies in
    it), then the exact radius on the sphere."""
    named = rules()
    columns = f"""{RULE_COLUMNS},
         initiatives.id AS initiative_id, initiatives.title AS initiative_title, initiatives.summary,
         initiatives.location_name,
         CASE WHEN {named["listed"]} THEN places.id END AS shown_place_id,
         places.name AS place_name, places.address AS place_address, places.status AS place_status,
         places.hidden AS place_hidden,
         {named[f"distance_{where}"] if point else "NULL::float"} AS distance"""
    conditions = " ".join([f"AND {named['public']} AND {named['statuses']}",
                           f"AND {named[f'within_{where}']}" if point else ""] + ["AND " + f for f in filters])
    box = "ST_Expand(ST_SetSRID(ST_MakePoint(:lon, :lat), 4326), :box)"
    # LATERAL ... OFFSET 0: index lookups per place or initiative in the box (a few thousand), never a hash
    # of the whole activities or initiatives table.
    activities = ("SELECT * FROM initiative_activities a WHERE a.{key} = {outer}.id {extra} "
                  "AND a.starts_on <= :last_day AND (a.ends_on IS NULL OR a.ends_on >= :first_day) OFFSET 0")
    if where == "place":
        return f"""
  SELECT {columns}
    FROM places
   CROSS JOIN LATERAL ({activities.format(key="place_id", outer="places", extra="")}) a
   CROSS JOIN LATERAL (SELECT * FROM initiatives WHERE initiatives.id = a.initiative_id OFFSET 0) initiatives
   WHERE places.hidden IS false {f"AND places.location && {box}" if point else ""} {conditions}"""
    # The box alone picks the initiatives (its own index scan; the other tests follow per row).
    near = f"(SELECT * FROM initiatives WHERE location && {box} OFFSET 0)" if point else "initiatives"
    return f"""
  SELECT {columns}
    FROM {near} initiatives
   CROSS JOIN LATERAL ({activities.format(key="initiative_id", outer="initiatives", extra="AND a.place_id IS NULL")}) a
    LEFT JOIN places ON false
   WHERE true {conditions}"""


def _statement(point: bool, filters: list[str], include_cancelled: bool) -> str:
    return f"""
WITH c AS ({_candidates(point, filters, "place")}
  UNION ALL {_candidates(point, filters, "own")}
), dated AS ({dates_of("c")}
)
SELECT dated.*, {ends_at("dated")} AS ends_at,
       x.activity_id IS NOT NULL AS cancelled, x.reason, count(*) OVER () AS total
  FROM dated
  LEFT JOIN initiative_activity_cancellations x ON x.activity_id = dated.id AND x.on_date = dated.day
 WHERE dated.starts_at >= :start AND dated.starts_at < :end {"" if include_cancelled else "AND x.activity_id IS NULL"}
 ORDER BY dated.starts_at, coalesce(dated.distance, 0), dated.id
 LIMIT :limit OFFSET :offset"""


def _found(row: Any) -> Found:
    place = (PlaceRow(row.shown_place_id, row.place_name, row.place_address, row.place_status, row.place_hidden)
             if row.shown_place_id is not None else None)
    initiative = InitiativeRow(row.initiative_id, row.initiative_title, row.summary, row.location_name)
    cancellations = (Cancellation(row.day, row.reason or ""),) if row.cancelled else ()
    activity = ActivityRow(row.id, row.title, row.place_id, place, initiative, cancellations)
    instance = Instance(activity, row.starts_at.astimezone(UTC), row.ends_at.astimezone(UTC), row.day,  # type: ignore[arg-type]
                        row.cancelled)
    return Found(instance, initiative, place, row.distance)


def find(start: datetime, end: datetime, lon: float | None = None, lat: float | None = None,
         radius: float = 5000, theme: str | None = None, audience: str | None = None, free: bool = False,
         access: tuple[str, ...] = (), include_cancelled: bool = True, limit: int = 200,
         offset: int = 0) -> tuple[list[Found], int]:
    """Activity dates in [start, end) near a point, sorted by time then distance (then activity):
    `limit` of them from `offset`, and how many there are in all."""
    end = min(end, start + MAX_WINDOW)
    try:
        first_day = (start - timedelta(days=1)).date()
        last_day = (end + timedelta(days=1)).date()
        datetime.combine(last_day + timedelta(days=2), time.min)   # the ends of the last dates fit
    except OverflowError:   # year 1 or 9999: nothing takes place there
        return [], 0
    if end <= start or limit <= 0:
        return [], 0
    params: dict[str, Any] = {"start": start, "end": end, "first_day": first_day, "last_day": last_day,
                              "limit": limit, "offset": max(0, offset)}
    filters = []
    if theme:
        filters.append(":theme = ANY(initiatives.themes)")
        params["theme"] = theme
    if audience:
        filters.append(":audience = ANY(initiatives.audience)")
        params["audience"] = audience
    if free:
        filters.append("initiatives.cost = 'free'")
    for key in sorted(set(access)):
        if key in ATTRIBUTE_KEYS:   # a known column name, never the raw input
            filters.append(sql_of(getattr(Place, key) == "yes"))
    point = lon is not None and lat is not None
    if point:
        assert lat is not None
        params.update(lon=lon, lat=lat, radius=radius,
                      box=box_degrees(radius, lat))
    rows = db.session.execute(text(_statement(point, filters, include_cancelled)), params).all()
    total = rows[0].total if rows else 0
    return [_found(row) for row in rows], total


def page(start: datetime, end: datetime, lon: float | None, lat: float | None, radius: float,
         number: int = 1, size: int = PAGE_SIZE, **filters: Any) -> Page:
    """One page of `find`; a page past the end is the last page."""
    found, total = find(start, end, lon, lat, radius, limit=size, offset=(number - 1) * size, **filters)
    if not found and total == 0 and number > 1:
        # Past the end (or nothing at all): count once, then show the last page.
        _, total = find(start, end, lon, lat, radius, limit=1, **filters)
        if total:
            last = -(-total // size)
            found, total = find(start, end, lon, lat, radius, limit=size, offset=(last - 1) * size, **filters)
            return Page(found, total, last, size)
        number = 1
    return Page(found, total, number, size)
