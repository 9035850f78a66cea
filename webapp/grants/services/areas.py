"""The gemeenten and districts a round is about: reads of the areas domain, in one place.

Areas exposes `district_at` and `list_gemeenten`; the reads below have no areas function yet (a gemeente
by code, the districts of a gemeente, whether an area covers a point) and are kept here, together, until
areas offers them.
"""
from __future__ import annotations

from sqlalchemy import Row, func, select

from webapp.areas.models import District, Gemeente
from webapp.areas.services import district_at
from webapp.extensions import db
from webapp.grants.models import GrantRound


def gemeente(code: str) -> Gemeente | None:
    return db.session.get(Gemeente, code)


def gemeente_brief(code: str) -> Row[str, str] | None:
    """A gemeente's code and name only (not its boundary and key figures), or None."""
    return db.session.execute(select(Gemeente.code, Gemeente.name).where(Gemeente.code == code)).one_or_none()


def district(district_id: int) -> District | None:
    return db.session.get(District, district_id)


def districts_of(gemeente_code: str) -> list[Row[int, str]]:
    """The id and name of each district of a gemeente, by name (not their boundaries: for choices)."""
    return list(db.session.execute(select(District.id, District.name).where(District.gemeente_code == gemeente_code)
                                   .order_by(District.name)))


def round_covers(grant_round: GrantRound, point: tuple[float, float]) -> bool:
    """True when the round's area (its district, else its gemeente) holds the point (lon, lat)."""
    model, key = (District, District.id == grant_round.district_id) if grant_round.district_id else (
        Gemeente, Gemeente.code == grant_round.gemeente_code)
    stmt = select(func.ST_Intersects(model.boundary, func.ST_SetSRID(func.ST_MakePoint(*point), 4326))).where(key)
    return bool(db.session.scalar(stmt))


def area_name(grant_round: GrantRound) -> str:
    return str(grant_round.district_name if grant_round.district_id else grant_round.gemeente_name)


def district_for(grant_round: GrantRound, point: tuple[float, float] | None) -> int | None:
    """The id of the district of the round's gemeente that holds the point, or None."""
    if point is None:
        return None
    found = district_at(grant_round.gemeente_code, *point)
    return found.id if found else None
