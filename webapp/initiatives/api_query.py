"""`GET /api/v1/initiatives` in one statement: the visible initiatives near a point, nearest first, each
with its listed places and its next dates in the period (at most NEXT_DATES), read as plain values.

The dates come from `whats_on_query.dates_of` (the same expansion as "Wat is er te doen?", tested against
`recurrence.expand`); "public", "listed" and the distance are the named rules compiled there.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import text

from webapp.extensions import db
from webapp.initiatives.whats_on_query import RULE_COLUMNS, box_degrees, dates_of, ends_at, rules

NEXT_DATES = 10
_UTC_ISO = """'YYYY-MM-DD"T"HH24:MI:SS"+00:00"'"""   # what datetime.isoformat() writes for UTC


@dataclass(frozen=True)
class Nearby:
    """One initiative of the list: its columns, (lon, lat), distance, listed places and next dates as the
    API writes them (dicts)."""
    values: dict[str, Any]
    coordinates: tuple[float, float] | None
    distance: float | None
    places: list[dict[str, Any]]
    next_dates: list[dict[str, Any]]


def _statement(point: bool, theme: bool) -> str:
    named = rules()
    conditions = [named["public"], "initiatives.status <> 'ended'"]
    if theme:
        conditions.append(":theme = ANY(initiatives.themes)")
    distance, order = "NULL::float", "initiatives.id"
    if point:
        distance, order = named["distance_own"], f"{named['distance_own']}, initiatives.id"
        conditions.append(named["within_own"])
    # The box alone picks the rows (one index scan, no parallel workers); the other tests follow per row.
    source = ("(SELECT * FROM initiatives WHERE location && ST_Expand(ST_SetSRID(ST_MakePoint(:lon, :lat), 4326), "
              ":box) OFFSET 0)" if point else "initiatives")
    activities = f"(SELECT {RULE_COLUMNS} FROM initiative_activities a WHERE a.initiative_id = i.id) c"
    return f"""
WITH i AS (
  SELECT initiatives.id, initiatives.title, initiatives.summary, initiatives.themes, initiatives.audience,
         initiatives.languages, initiatives.cost, initiatives.status, initiatives.location_name,
         initiatives.volunteer_roles, initiatives.owners_touched_at,
         ST_X(initiatives.location) AS lon, ST_Y(initiatives.location) AS lat, {distance} AS distance
    FROM {source} initiatives
   WHERE {" AND ".join(conditions)}
   ORDER BY {order}
   LIMIT :limit
)
SELECT i.*,
       (SELECT coalesce(json_agg(json_build_object('id', places.id, 'name', places.name,
                                                   'address', places.address) ORDER BY places.id), '[]')
          FROM initiative_places ip JOIN places ON places.id = ip.place_id
         WHERE ip.initiative_id = i.id AND {named["listed"]}) AS places,
       (SELECT coalesce(json_agg(json_build_object(
                   'start', to_char(t.starts_at AT TIME ZONE 'UTC', {_UTC_ISO}),
                   'end', to_char(t.ends_at AT TIME ZONE 'UTC', {_UTC_ISO}),
                   'activity_id', t.id, 'activity', t.title, 'place_id', t.place_id, 'cancelled', t.cancelled)
                 ORDER BY t.starts_at, t.id), '[]')
          FROM (SELECT dated.*, {ends_at("dated")} AS ends_at, x.activity_id IS NOT NULL AS cancelled
                  FROM ({dates_of(activities)}) dated
                  LEFT JOIN initiative_activity_cancellations x
                         ON x.activity_id = dated.id AND x.on_date = dated.day
                 WHERE dated.starts_at >= :start AND dated.starts_at < :end
                 ORDER BY dated.starts_at, dated.id
                 LIMIT {NEXT_DATES}) t) AS next_dates
  FROM i
 ORDER BY i.distance, i.id"""


VALUES = ("id", "title", "summary", "themes", "audience", "languages", "cost", "status", "location_name",
           "volunteer_roles", "owners_touched_at")


def nearby(lon: float | None, lat: float | None, radius: float, theme: str | None, limit: int,
           start: datetime, end: datetime) -> list[Nearby]:
    """Visible initiatives (not ended) within `radius` metres of the point, nearest first (without a
    point: by id), with their next dates in [start, end)."""
    point = lon is not None and lat is not None
    params: dict[str, Any] = {"limit": limit, "start": start, "end": end, "theme": theme}
    if point:
        assert lat is not None
        params.update(lon=lon, lat=lat, radius=radius, box=box_degrees(radius, lat))
    rows = db.session.execute(text(_statement(point, bool(theme))), params).mappings().all()
    return [Nearby({k: row[k] for k in VALUES},
                   (row["lon"], row["lat"]) if row["lon"] is not None else None,
                   row["distance"], row["places"], row["next_dates"]) for row in rows]
