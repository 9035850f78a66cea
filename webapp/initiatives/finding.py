"""Finding initiatives: "Wat is er te doen?" near a point, the API's nearby list, initiatives at a place,
and the place picker of the initiative form.

"Wat is er te doen?" itself is one statement in `whats_on_query.py`.
Distances are `webapp.geo`'s one measure (metres on the sphere over geography). The geometry GiST indexes
are used through a bounding box (`&&`) around the point that surely holds the whole circle; the exact
radius test on the sphere follows in the same statement.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import Executable, Float, and_, cast, func, or_, select, union_all
from sqlalchemy.sql.elements import ColumnElement

from webapp import geo
from webapp.extensions import db
from webapp.initiatives import clock, whats_on_query
from webapp.initiatives.models import Activity, ActivityCancellation, Initiative, initiative_places
from webapp.initiatives.recurrence import Instance, next_instances
from webapp.initiatives.rules import public
from webapp.initiatives.whats_on_query import Found
from webapp.places.models import Place
from webapp.places.visibility import listed_filter as place_is_listed


def upcoming(initiative: Initiative, now: datetime | None = None, limit: int = 5) -> list[Instance]:
    return next_instances(initiative.activities, now or clock.utcnow(), limit=limit)


@dataclass(frozen=True)
class HeldHere:
    """An initiative as the place panel and the place poster show it."""

    id: int
    title: str
    summary: str


@dataclass(frozen=True)
class ActivityDates:
    """What `recurrence` needs of an activity to expand its dates (no place, no geometry)."""

    id: int
    starts_on: date
    start_time: time
    end_time: time
    frequency: str
    month_week: int | None
    ends_on: date | None
    timezone: str
    cancelled_dates: frozenset[date]


def _at_place_statement(place_id: int) -> Executable:
    """Each visible initiative (not ended) held at the place, joined to each of its activities there or at its
    own location (NULL when it has none), with the activity's cancelled dates: one statement."""
    held_here = union_all(select(initiative_places.c.initiative_id).where(initiative_places.c.place_id == place_id),
                          select(Activity.initiative_id).where(Activity.place_id == place_id))
    cancelled = (select(func.array_agg(ActivityCancellation.on_date))
                 .where(ActivityCancellation.activity_id == Activity.id).scalar_subquery())
    here = and_(Activity.initiative_id == Initiative.id,
                or_(Activity.place_id == place_id, Activity.place_id.is_(None)))
    return (select(Initiative.id, Initiative.title, Initiative.summary, Activity.id, Activity.starts_on,
                   Activity.start_time, Activity.end_time, Activity.frequency, Activity.month_week,
                   Activity.ends_on, Activity.timezone, cancelled)
            .select_from(Initiative).outerjoin(Activity, here)
            .where(public(), Initiative.status != "ended", Initiative.id.in_(held_here))
            .order_by(Initiative.title, Initiative.id, Activity.starts_on, Activity.id))


def initiatives_at_place(place: Place, now: datetime | None = None) -> list[tuple[HeldHere, list[Instance]]]:
    """The visible initiatives held at a place (linked to it, or one of their activities is there), by title,
    with their next 3 dates there (its activities at the place or at the initiative's own location): one
    statement reading only what the place panel and the place poster show."""
    now = now or clock.utcnow()
    held: dict[int, tuple[HeldHere, list[ActivityDates]]] = {}
    for row in db.session.execute(_at_place_statement(place.id)):
        entry = held.setdefault(row[0], (HeldHere(row[0], row[1], row[2]), []))
        if row[3] is not None:
            entry[1].append(ActivityDates(row[3], row[4], row[5], row[6], row[7], row[8], row[9], row[10],
                                          frozenset(row[11] or ())))
    return [(initiative, next_instances(activities, now, limit=3)) for initiative, activities in held.values()]


def whats_on(start: datetime, end: datetime, lon: float | None = None, lat: float | None = None,
             radius: float = 5000, theme: str | None = None, audience: str | None = None, free: bool = False,
             access: tuple[str, ...] = (), include_cancelled: bool = True, limit: int = 200) -> list[Found]:
    """Activity dates in [start, end) near a point, sorted by time then distance: the first `limit`
    (one statement, see `whats_on_query`)."""
    found, _total = whats_on_query.find(start, end, lon, lat, radius, theme, audience, free, access,
                                        include_cancelled, limit)
    return found


def whats_on_page(start: datetime, end: datetime, lon: float | None, lat: float | None, radius: float,
                  number: int = 1, theme: str | None = None, audience: str | None = None, free: bool = False,
                  access: tuple[str, ...] = ()) -> whats_on_query.Page:
    """One page of `whats_on` (PAGE_SIZE dates) and how many dates there are in all."""
    return whats_on_query.page(start, end, lon, lat, radius, number, theme=theme, audience=audience, free=free,
                               access=access)


def _box_around(geometry: Any, lon: float, lat: float, radius: float) -> ColumnElement[bool]:
    """`geometry` lies in a lon/lat box around the point that holds every point within `radius` metres
    (an index step on the geometry GiST index, not a distance: the exact test is `geo.within_m`)."""
    centre = func.ST_SetSRID(func.ST_MakePoint(lon, lat), 4326)
    return geometry.op("&&")(func.ST_Expand(centre, whats_on_query.box_degrees(radius, lat)))


def search_initiatives(lon: float | None, lat: float | None, radius: float, theme: str | None = None,
                       limit: int = 100) -> list[tuple[Initiative, float | None]]:
    """Visible initiatives (not ended) within the radius of a point, nearest first (for the API)."""
    conditions = [public(), Initiative.status != "ended"]
    if theme:
        conditions.append(Initiative.themes.any_() == theme)
    distance: ColumnElement[Any] = cast(None, Float)
    order: tuple[Any, ...] = (Initiative.id,)
    if lon is not None and lat is not None:
        here, there = geo.point(lon, lat), geo.geography(Initiative.location)
        distance = cast(geo.distance_m(there, here), Float)
        conditions += [_box_around(Initiative.location, lon, lat, radius), geo.within_m(there, here, radius)]
        order = (distance, Initiative.id)
    stmt = select(Initiative, distance.label("distance")).where(*conditions).order_by(*order).limit(limit)
    return [(initiative, dist) for initiative, dist in db.session.execute(stmt)]


def public_place(place_id: int) -> Place | None:
    """A place as the public sees it (for the place poster), or None."""
    return db.session.scalar(select(Place).where(Place.id == place_id, place_is_listed()))
