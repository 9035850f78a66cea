"""Finding initiatives: "Wat is er te doen?" near a point, the API's nearby list, initiatives at a place,
and the place picker of the initiative form.

"Wat is er te doen?" itself is one statement in `whats_on_query.py`.
Distances are `webapp.geo`'s one measure (metres on the sphere over geography). The geometry GiST indexes
are used through a bounding box (`&&`) around the point that surely holds the whole circle; the exact
radius test on the sphere follows in the same statement.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Float, cast, func, select, union_all
from sqlalchemy.sql.elements import ColumnElement

from webapp import geo
from webapp.extensions import db
from webapp.initiatives import clock, whats_on_query
from webapp.initiatives.models import Activity, Initiative, initiative_places
from webapp.initiatives.recurrence import Instance, next_instances
from webapp.initiatives.rules import public
from webapp.initiatives.whats_on_query import Found
from webapp.places.models import Place
from webapp.places.visibility import listed_filter as place_is_listed


def upcoming(initiative: Initiative, now: datetime | None = None, limit: int = 5) -> list[Instance]:
    return next_instances(initiative.activities, now or clock.utcnow(), limit=limit)


def initiatives_at_place(place: Place, now: datetime | None = None) -> list[tuple[Initiative, list[Instance]]]:
    """The visible initiatives held at a place with their next dates there (for the place page)."""
    now = now or clock.utcnow()
    # Held here: linked to the place, or one of its activities is there (two index scans, not a test
    # on every initiative).
    held_here = union_all(select(initiative_places.c.initiative_id).where(initiative_places.c.place_id == place.id),
                          select(Activity.initiative_id).where(Activity.place_id == place.id))
    stmt = (select(Initiative)
            .where(public(), Initiative.status != "ended", Initiative.id.in_(held_here))
            .order_by(Initiative.title))
    result = []
    for initiative in db.session.scalars(stmt):
        here = [a for a in initiative.activities if a.place_id in (place.id, None)]
        result.append((initiative, next_instances(here, now, limit=3)))
    return result


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
