"""Buurten: loading them from a CBS-style GeoJSON file (idempotent), and which gemeenten have them."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from shapely import wkb
from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import load_only

from webapp.areas.models import Gemeente
from webapp.areas.services import LoadError, LoadReport, clean_multipolygon
from webapp.extensions import db
from webapp.insight.models import RD_NEW, Buurt

BUURTCODE_RE = re.compile(r"^BU\d{8}$")
GEMEENTE_RE = re.compile(r"^GM\d{4}$")


@dataclass
class BuurtLoadReport(LoadReport):
    skipped: int = 0          # buurten of another gemeente than --gemeente
    notes: list[str] = field(default_factory=list)


def _read_features(path: Path) -> list[dict[str, Any]]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise LoadError(f"File not found: {path}") from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise LoadError(f"{path} is not valid JSON: {exc}") from exc
    if (not isinstance(data, dict) or data.get("type") != "FeatureCollection"
            or not isinstance(data.get("features"), list)):
        raise LoadError(f"{path} is not a GeoJSON FeatureCollection")
    return [f for f in data["features"] if isinstance(f, dict)]


def _inhabitants(value: Any, label: str, report: BuurtLoadReport) -> int:
    """CBS writes unknown or secret figures as empty or negative numbers: they count as 0 (and are reported)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0 or value != int(value):
        report.notes.append(f"{label}: inhabitants unknown ({value!r}), counted as 0")
        return 0
    return int(value)


def load_buurten(path: Path, gemeente_code: str | None = None, commit: bool = True) -> BuurtLoadReport:
    """Create or update buurten from a CBS-style GeoJSON (buurtcode, buurtnaam, aantal_inwoners); a second
    load of the same file changes nothing. The gemeente is the file's `gemeentecode`, else the one in the
    buurtcode (BU0344xxxx is in GM0344). With `gemeente_code` only that gemeente's buurten are loaded.
    A loader of reference data for the command line: it commits, unless `commit=False` (the demo)."""
    if gemeente_code is not None and not GEMEENTE_RE.match(gemeente_code):
        raise LoadError(f"Not a gemeente code: {gemeente_code} (e.g. GM0344)")
    if gemeente_code is not None and db.session.get(Gemeente, gemeente_code) is None:
        raise LoadError(f"Unknown gemeente {gemeente_code}: load the gemeenten first")
    report = BuurtLoadReport()
    known_gemeenten = set(db.session.scalars(select(Gemeente.code)))
    existing = {row.code: row for row in db.session.execute(
        select(Buurt.code, Buurt.name, Buurt.gemeente_code, Buurt.inhabitants,
               func.ST_AsBinary(Buurt.boundary).label("wkb")))}
    seen: set[str] = set()
    for feature in _read_features(path):
        props = feature.get("properties") if isinstance(feature.get("properties"), dict) else {}
        assert isinstance(props, dict)
        code, name = props.get("buurtcode"), props.get("buurtnaam")
        if not isinstance(code, str) or not BUURTCODE_RE.match(code) or not isinstance(name, str) or not name.strip():
            report.rejected.append(f"feature without a buurtcode (BU + 8 digits) and buurtnaam: {str(props)[:80]}")
            continue
        name = " ".join(name.split())[:120]
        gemeente = props.get("gemeentecode") if isinstance(props.get("gemeentecode"), str) else "GM" + code[2:6]
        if gemeente_code is not None and gemeente != gemeente_code:
            report.skipped += 1
            continue
        if gemeente not in known_gemeenten:
            report.rejected.append(f"{code}: unknown gemeente {gemeente}")
            continue
        if code in seen:
            report.rejected.append(f"{code}: appears twice in the file")
            continue
        seen.add(code)
        inhabitants = _inhabitants(props.get("aantal_inwoners"), code, report)
        geom = clean_multipolygon(feature.get("geometry") or {}, code, report)
        if geom is None:
            continue
        old = existing.get(code)
        if old is not None and (old.name, old.gemeente_code, old.inhabitants) == (name, gemeente, inhabitants) \
                and wkb.loads(bytes(old.wkb)).equals_exact(geom, 0):
            report.unchanged += 1
            continue
        boundary = func.ST_GeomFromWKB(geom.wkb, 4326)
        values = {"code": code, "name": name, "gemeente_code": gemeente, "inhabitants": inhabitants,
                  "boundary": boundary, "boundary_rd": func.ST_Multi(func.ST_Transform(boundary, RD_NEW))}
        stmt = insert(Buurt).values(**values)
        stmt = stmt.on_conflict_do_update(
            index_elements=[Buurt.code],
            set_={k: stmt.excluded[k] for k in ("name", "gemeente_code", "inhabitants", "boundary", "boundary_rd")})
        db.session.execute(stmt)
        if old is None:
            report.inserted += 1
        else:
            report.updated += 1
    if commit:
        db.session.commit()
    return report


def gemeente(code: str) -> Gemeente | None:
    if not isinstance(code, str) or not GEMEENTE_RE.match(code):
        return None
    return db.session.get(Gemeente, code)


@dataclass(frozen=True)
class GemeenteWithBuurten:
    code: str
    name: str
    buurten: int
    inhabitants: int


def gemeenten_with_buurten() -> list[GemeenteWithBuurten]:
    """The gemeenten whose buurten are loaded (the insight pages that have something to show), by name."""
    rows = db.session.execute(
        select(Gemeente.code, Gemeente.name, func.count(Buurt.code), func.coalesce(func.sum(Buurt.inhabitants), 0))
        .join(Buurt, Buurt.gemeente_code == Gemeente.code).group_by(Gemeente.code, Gemeente.name)
        .order_by(Gemeente.name))
    return [GemeenteWithBuurten(code, name, count, int(total)) for code, name, count, total in rows]


def buurt_choices(gemeente_code: str) -> list[tuple[str, str]]:
    """(code, name) of the gemeente's buurten, by name: for a grant round's priority buurten."""
    return [(code, name) for code, name in db.session.execute(
        select(Buurt.code, Buurt.name).where(Buurt.gemeente_code == gemeente_code).order_by(Buurt.name, Buurt.code))]


def buurt_at(location: Any) -> Buurt | None:
    """The buurt that contains `location` (a PostGIS point), or None outside every buurt."""
    if location is None:
        return None
    return db.session.scalars(select(Buurt).options(load_only(Buurt.code, Buurt.name, Buurt.gemeente_code,
                                                              Buurt.inhabitants))
                              .where(func.ST_Intersects(Buurt.boundary, location)).limit(1)).first()
