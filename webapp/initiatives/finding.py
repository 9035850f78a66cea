"""Finding initiatives: "Wat is er te doen?" near a point, the API's nearby list, initiatives at a place,
and the place picker of the initiative form.

Distances are `webapp.geo`'s one measure (metres on the sphere over geography). The geometry GiST indexes
are used through a bounding box (`&&`) around the point that surely holds the whole circle; the exact
radius test on the sphere follows in the same statement.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Float, cast, func, or_, select, union_all
from sqlalchemy.orm import contains_eager, lazyload
from sqlalchemy.sql.elements import ColumnElement

from webapp import geo
from webapp.extensions import db
from webapp.initiatives import clock, place_picker
from webapp.initiatives.models import Activity, ActivityCancellation, Initiative, initiative_places
from webapp.initiatives.recurrence import Instance, expand, next_instances
from webapp.initiatives.rules import SEARCH_STATUSES, public
from webapp.places.attributes import ATTRIBUTE_KEYS
from webapp.places.models import Place
from webapp.places.visibility import listed_filter as place_is_listed


@dataclass(frozen=True)
class Found:
    instance: Instance
    initiative: Initiative
    place: Place | None
    distance: float | None  # metres from the search point


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
    """Activity dates in [start, end) near a point, sorted by time then distance.

    One SQL query finds the candidate activities (with their initiative and place, within the radius,
    matching the filters, whose date range overlaps the window); their recurrences are then expanded
    in Python.
    """
    where_location = func.coalesce(Place.location, Initiative.location)
    cancelled = (select(func.array_agg(ActivityCancellation.on_date))
                 .where(ActivityCancellation.activity_id == Activity.id).scalar_subquery())
    stmt = (select(Activity, cancelled.label("cancelled"))
            .join(Activity.initiative)
            .outerjoin(Place, Place.id == Activity.place_id)
            .options(contains_eager(Activity.initiative).lazyload(Initiative.places),
                     contains_eager(Activity.initiative).lazyload(Initiative.activities),
                     contains_eager(Activity.place), lazyload(Activity.cancellations))
            .where(public(), Initiative.status.in_(SEARCH_STATUSES),
                   or_(Place.id.is_(None), Place.hidden.is_(False)),
                   Activity.starts_on <= (end + timedelta(days=1)).date(),
                   or_(Activity.ends_on.is_(None), Activity.ends_on >= (start - timedelta(days=1)).date())))
    if lon is not None and lat is not None:
        here, there = geo.point(lon, lat), geo.geography(where_location)
        stmt = stmt.add_columns(cast(geo.distance_m(there, here), Float).label("distance")).where(
            Activity.id.in_(_activities_near(lon, lat, radius)), geo.within_m(there, here, radius))
    if theme:
        stmt = stmt.where(Initiative.themes.any_() == theme)
    if audience:
        stmt = stmt.where(Initiative.audience.any_() == audience)
    if free:
        stmt = stmt.where(Initiative.cost == "free")
    for key in access:
        if key in ATTRIBUTE_KEYS:
            stmt = stmt.where(getattr(Place, key) == "yes")
    found = []
    for row in db.session.execute(stmt):
        activity = row[0]
        cancelled_dates = set(row[1] or [])
        dist = row[2] if len(row) > 2 else None
        for instance in _expand_with(activity, cancelled_dates, start, end, include_cancelled):
            # A place that is still its owner's proposal (or closed since) is not named: the public never sees it.
            found.append(Found(instance, activity.initiative, place_picker.shown_place(activity.place), dist))
    found.sort(key=lambda f: (f.instance.start, f.distance if f.distance is not None else 0, f.instance.activity.id))
    return found[:limit]


def _box_around(geometry: Any, lon: float, lat: float, radius: float) -> ColumnElement[bool]:
    """`geometry` lies in a lon/lat box around the point that holds every point within `radius` metres
    (an index step on the geometry GiST index, not a distance: the exact test is `geo.within_m`)."""
    degrees = radius / (111_320 * max(0.01, math.cos(math.radians(min(89.0, abs(lat) + 1.0)))))
    centre = func.ST_SetSRID(func.ST_MakePoint(lon, lat), 4326)
    return geometry.op("&&")(func.ST_Expand(centre, degrees))


def _activities_near(lon: float, lat: float, radius: float) -> Any:
    """Ids of activities whose place (or, without a place, whose initiative) lies in the box around the
    point: two index scans on the geometry GiST indexes, combined in the same statement."""
    at_places = (select(Activity.id).join(Place, Place.id == Activity.place_id)
                 .where(_box_around(Place.location, lon, lat, radius)))
    own = (select(Activity.id).join(Initiative, Initiative.id == Activity.initiative_id)
           .where(Activity.place_id.is_(None), _box_around(Initiative.location, lon, lat, radius)))
    return union_all(at_places, own)


def _expand_with(activity: Activity, cancelled_dates: set[date], start: datetime, end: datetime,
                 include_cancelled: bool) -> list[Instance]:
    """expand() with the cancelled dates from the search query (no extra query per activity)."""
    proxy = _ActivityView(activity, cancelled_dates)
    return [Instance(activity, i.start, i.end, i.local_date, i.cancelled)
            for i in expand(proxy, start, end, include_cancelled)]


class _ActivityView:
    """An activity with the cancelled dates the search query already read."""

    def __init__(self, activity: Activity, cancelled_dates: set[date]):
        self._activity = activity
        self.cancelled_dates = cancelled_dates

    def __getattr__(self, name: str) -> Any:
        return getattr(self._activity, name)


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
