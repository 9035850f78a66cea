"""Read functions over initiatives (and the places they meet at) for the domains above initiatives.

Grants reads initiatives only through these functions, never through the initiatives tables or models.
"""
from __future__ import annotations

from typing import Any

from geoalchemy2 import WKTElement
from geoalchemy2.shape import to_shape
from sqlalchemy import select

from webapp.extensions import db
from webapp.initiatives.models import Initiative


def by_id(initiative_id: int) -> Initiative | None:
    """The initiative, or None."""
    return db.session.get(Initiative, initiative_id)


def initiative_point(initiative_id: int) -> tuple[float, float] | None:
    """(lon, lat) of the initiative: its own location, else the location of its first place (lowest id);
    None when it has neither."""
    initiative = by_id(initiative_id)
    if initiative is None:
        return None
    geometry: Any = initiative.location  # a loaded value: WKB from the database, WKT when just set
    if geometry is None and initiative.places:
        geometry = min(initiative.places, key=lambda place: place.id).location
    if geometry is None:
        return None
    if isinstance(geometry, str):  # set as (E)WKT text in this transaction and not read back yet
        geometry = WKTElement(geometry, extended=geometry.upper().startswith("SRID="))
    point: Any = to_shape(geometry)  # a POINT column: a shapely Point
    return (float(point.x), float(point.y))


def _title_filter(query: str) -> str:
    """An ILIKE pattern for a title search: at most 80 characters, no wildcards of the visitor's own."""
    return f"%{query.strip()[:80].replace('%', '').replace('_', '')}%"


def initiatives_in(gemeente_code: str, query: str = "", limit: int | None = 25) -> list[Initiative]:
    """The visible (not hidden) initiatives of a gemeente, by title; `query` narrows on the title."""
    stmt = select(Initiative).where(Initiative.gemeente_code == gemeente_code, Initiative.hidden.is_(False))
    if query.strip():
        stmt = stmt.where(Initiative.title.ilike(_title_filter(query)))
    stmt = stmt.order_by(Initiative.title)
    if limit is not None:
        stmt = stmt.limit(limit)
    return list(db.session.scalars(stmt))


def visible_initiatives(gemeente_code: str) -> list[Initiative]:
    """Every visible initiative of a gemeente, oldest first (e.g. for demo data)."""
    return list(db.session.scalars(select(Initiative).where(
        Initiative.gemeente_code == gemeente_code, Initiative.hidden.is_(False)).order_by(Initiative.id)))
