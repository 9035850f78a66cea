"""Rules for areas: point-in-gemeente lookups and idempotent loading of boundary files."""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from shapely.geometry import GeometryCollection, MultiPolygon, Polygon, shape
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity, make_valid
from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert

from webapp.areas.models import District, Gemeente
from webapp.domain_errors import Invalid
from webapp.extensions import db

log = logging.getLogger(__name__)


class LoadError(Invalid):
    """The file cannot be loaded; the message says why, in plain words (the command line shows it)."""


@dataclass
class LoadReport:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    repaired: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)


def _point(lon: float, lat: float) -> Any:
    return func.ST_SetSRID(func.ST_MakePoint(lon, lat), 4326)


def gemeente_at(lon: float, lat: float) -> Gemeente | None:
    """The gemeente whose boundary holds the point, or None (e.g. at sea or abroad)."""
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        return None
    stmt = select(Gemeente).where(func.ST_Intersects(Gemeente.boundary, _point(lon, lat))).limit(1)
    return db.session.scalars(stmt).first()


def district_at(gemeente_code: str, lon: float, lat: float) -> District | None:
    stmt = (
        select(District)
        .where(District.gemeente_code == gemeente_code, func.ST_Intersects(District.boundary, _point(lon, lat)))
        .limit(1)
    )
    return db.session.scalars(stmt).first()


def _read_features(path: Path) -> list[dict[str, Any]]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise LoadError(f"File not found: {path}") from exc
    except json.JSONDecodeError as exc:
        raise LoadError(f"{path} is not valid JSON: {exc}") from exc
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise LoadError(f"{path} is not a GeoJSON FeatureCollection")
    features = data.get("features") or []
    return [f for f in features if isinstance(f, dict)] if isinstance(features, list) else []


def clean_multipolygon(geometry: dict[str, Any], label: str, report: LoadReport) -> MultiPolygon | None:
    """A valid MultiPolygon from GeoJSON, repaired where needed; None (and a reason) when unusable."""
    try:
        geom = shape(geometry)
    except Exception as exc:  # shapely raises several types for broken input
        report.rejected.append(f"{label}: unreadable geometry ({exc})")
        return None
    if not geom.is_valid:
        reason = explain_validity(geom)
        geom = make_valid(geom)
        report.repaired.append(f"{label}: {reason}")
    result: BaseGeometry | None = geom
    if isinstance(geom, GeometryCollection) and not isinstance(geom, MultiPolygon):
        parts = [p for g in geom.geoms if isinstance(g, (Polygon, MultiPolygon))
                 for p in (g.geoms if isinstance(g, MultiPolygon) else [g])]
        result = MultiPolygon(parts) if parts else None
    elif isinstance(geom, Polygon):
        result = MultiPolygon([geom])
    if not isinstance(result, MultiPolygon) or result.is_empty:
        report.rejected.append(f"{label}: not an area (polygon)")
        return None
    return result


def load_gemeenten(path: Path) -> LoadReport:
    """Create or update gemeenten from a CBS/PDOK GeoJSON file; a second load changes nothing."""
    report = LoadReport()
    existing = {code: figures for code, figures in db.session.execute(select(Gemeente.code, Gemeente.key_figures))}
    for feature in _read_features(path):
        props = feature.get("properties") or {}
        code, name = props.get("gemeentecode"), props.get("gemeentenaam")
        if not code or not name or not str(code).startswith("GM"):
            report.rejected.append(f"feature without gemeentecode/gemeentenaam: {str(props)[:80]}")
            continue
        figures = {k: v for k, v in props.items() if k not in ("gemeentecode", "gemeentenaam")}
        if code in existing and existing[code] == figures:
            report.unchanged += 1
            continue
        geom = clean_multipolygon(feature.get("geometry") or {}, code, report)
        if geom is None:
            continue
        values = {
            "code": code,
            "name": name,
            "population": props.get("aantalInwoners"),
            "key_figures": figures,
            "boundary": func.ST_GeomFromText(geom.wkt, 4326),
        }
        stmt = insert(Gemeente).values(**values)
        stmt = stmt.on_conflict_do_update(
            index_elements=[Gemeente.code],
            set_={k: stmt.excluded[k] for k in ("name", "population", "key_figures", "boundary")},
        )
        db.session.execute(stmt)
        if code in existing:
            report.updated += 1
        else:
            report.inserted += 1
    db.session.commit()
    return report


def load_districts(path: Path, gemeente_code: str, code_field: str = "Stadsdeelcode",
                   name_field: str = "Stadsdeel") -> LoadReport:
    """Create or update the districts of one gemeente (e.g. Amsterdam's stadsdelen)."""
    if db.session.get(Gemeente, gemeente_code) is None:
        raise LoadError(f"Unknown gemeente {gemeente_code}: load the gemeenten first")
    report = LoadReport()
    existing = set(db.session.scalars(select(District.code).where(District.gemeente_code == gemeente_code)))
    for feature in _read_features(path):
        props = feature.get("properties") or {}
        code, name = props.get(code_field), props.get(name_field)
        if not code or not name:
            report.rejected.append(f"feature without {code_field}/{name_field}")
            continue
        geom = clean_multipolygon(feature.get("geometry") or {}, str(code), report)
        if geom is None:
            continue
        if code in existing:
            report.unchanged += 1
            continue
        db.session.add(District(gemeente_code=gemeente_code, code=str(code), name=name,
                                boundary=func.ST_GeomFromText(geom.wkt, 4326)))
        report.inserted += 1
    db.session.commit()
    return report


def gemeente_exists(code: str | None) -> bool:
    """True when a gemeente with this CBS code (e.g. GM0363) is loaded."""
    return bool(code) and db.session.get(Gemeente, code) is not None


def list_gemeenten() -> list[tuple[str, str]]:
    """(code, name) of every gemeente, by name: for pickers."""
    return list(db.session.execute(select(Gemeente.code, Gemeente.name).order_by(Gemeente.name)))


def gemeente_centre(code: str) -> tuple[float, float] | None:
    """(lon, lat) of a point surely inside the gemeente (ST_PointOnSurface)."""
    row = db.session.execute(
        select(func.ST_X(func.ST_PointOnSurface(Gemeente.boundary)),
               func.ST_Y(func.ST_PointOnSurface(Gemeente.boundary)))
        .where(Gemeente.code == code)
    ).first()
    return (row[0], row[1]) if row else None
