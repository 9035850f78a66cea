"""Which places an initiative can meet at, and finding them by name as the owner types, nearest first.

The one rule of "choosable": a listed place (published, not hidden, not closed: `places.visibility`), or a
place the acting user co-owns that is still a proposal (not hidden). A proposal already linked to the
initiative stays choosable for its other owners while it is a proposal. Never a rejected, closed or hidden
place, never somebody else's proposal. Until a proposal is published, only the initiative's owners see it on
the initiative (`shown_places`); everyone else sees only listed places.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Float, and_, cast, false, func, or_, select
from sqlalchemy.sql.elements import ColumnElement

from webapp import geo
from webapp.converters import parse_ids
from webapp.domain_errors import Invalid
from webapp.extensions import db
from webapp.places.models import Place
from webapp.places.visibility import is_listed, listed_filter
from webapp.stewardship.owned import owned_ids

PROPOSED = "proposed"
MIN_QUERY = 2
MAX_QUERY = 100
LIMIT = 10


@dataclass(frozen=True)
class Found:
    """A place found for the picker; `distance_m` only when a point was given."""
    place: Place
    distance_m: float | None

    @property
    def proposed(self) -> bool:
        return not is_listed(self.place)

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.place.id, "name": self.place.name, "address": self.place.address or "",
                "distance_m": None if self.distance_m is None else round(self.distance_m),
                "proposed": self.proposed}


def _user_id(user: Any) -> int | None:
    return user.id if user is not None and getattr(user, "is_authenticated", False) else None


def choosable_filter(user: Any, linked_ids: Iterable[int] = ()) -> ColumnElement[bool]:
    """SQL of "this user may link this place to an initiative" (see the module's rule)."""
    user_id = _user_id(user)
    proposal = and_(Place.status == PROPOSED, Place.hidden.is_(False))
    own = and_(proposal, Place.id.in_(owned_ids(user_id, "place"))) if user_id is not None else false()
    linked = sorted(set(linked_ids))
    still_linked = and_(proposal, Place.id.in_(linked)) if linked else false()
    return or_(listed_filter(), own, still_linked)


def own_proposals(user: Any) -> list[Place]:
    """The user's places that are still proposals: offered on the form so they can be chosen at once."""
    user_id = _user_id(user)
    if user_id is None:
        return []
    stmt = (select(Place).where(Place.status == PROPOSED, Place.hidden.is_(False),
                                Place.id.in_(owned_ids(user_id, "place"))).order_by(Place.name, Place.id))
    return list(db.session.scalars(stmt))


def find(user: Any, query: str, lon: float | None = None, lat: float | None = None,
         limit: int = LIMIT) -> list[Found]:
    """Choosable places whose name or address contains `query`: nearest first when a point is given, else
    the best name match first. Fewer than two letters: nothing."""
    query = (query or "").strip()[:MAX_QUERY]
    if len(query) < MIN_QUERY:
        return []
    pattern = "%" + query.replace("\\", "").replace("%", "").replace("_", "") + "%"
    matches = or_(Place.name.ilike(pattern), Place.address.ilike(pattern))
    if lon is not None and lat is not None:
        here = geo.point(lon, lat)
        distance = cast(geo.distance_m(geo.geography(Place.location), here), Float)
        stmt = (select(Place, distance).where(choosable_filter(user), matches)
                .order_by(geo.nearest_first(geo.geography(Place.location), here), Place.id).limit(limit))
        return [Found(place, dist) for place, dist in db.session.execute(stmt)]
    stmt = (select(Place).where(choosable_filter(user), matches)
            .order_by(func.similarity(Place.name, query).desc(), Place.name, Place.id).limit(limit))
    return [Found(place, None) for place in db.session.scalars(stmt)]


def by_ids(user: Any, ids: Iterable[Any], linked_ids: Iterable[int] = ()) -> list[Place]:
    """The choosable places among `ids`, by name (for showing a form again). Ids that cannot exist are
    skipped; places the user may not choose are left out, so their name never shows."""
    clean = parse_ids(ids)
    if not clean:
        return []
    stmt = select(Place).where(Place.id.in_(clean), choosable_filter(user, linked_ids)).order_by(Place.name, Place.id)
    return list(db.session.scalars(stmt))


def chosen(user: Any, ids: Iterable[Any] | None, linked_ids: Iterable[int] = ()) -> list[Place]:
    """The places chosen on the form, all choosable, or Invalid (nothing about the others shown).
    A place linked before that can no longer be chosen (rejected, hidden, closed) is quietly let go."""
    wanted = sorted({int(i) for i in parse_ids(ids or [])})
    if not wanted:
        return []
    linked = set(linked_ids)
    places = by_ids(user, wanted, linked)
    missing = set(wanted) - {p.id for p in places}
    if missing - linked:
        raise Invalid(_("Kies alleen plekken die op Buurtplek staan of die u zelf hebt voorgesteld."),
                      "place_ids")
    return places


def shown_places(places: Iterable[Place], may_edit: bool = False) -> list[Place]:
    """The places an initiative shows: all of its (choosable) places to its owners, listed ones to others."""
    return [p for p in places if is_listed(p) or (may_edit and p.status == PROPOSED and not p.hidden)]


def shown_place(place: Place | None) -> Place | None:
    """An activity's place as everyone sees it: the place when listed, else no place (`shown_places`)."""
    return place if place is not None and is_listed(place) else None
