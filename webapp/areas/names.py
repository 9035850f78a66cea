"""Idempotent loaders for the search data: PC4 postcodes and place names (GeoNames CSVs, data/README.md)."""
from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select

from webapp.areas.geocode import fold
from webapp.areas.models import Gemeente, PlaceName, Postcode4
from webapp.areas.services import LoadError, LoadReport
from webapp.extensions import db


def _rows(path: Path, needed: set[str]) -> list[dict[str, str]]:
    try:
        with Path(path).open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            missing = needed - set(reader.fieldnames or [])
            if missing:
                raise LoadError(f"{path}: de kolommen {', '.join(sorted(missing))} ontbreken")
            return list(reader)
    except FileNotFoundError as exc:
        raise LoadError(f"{path}: bestand niet gevonden") from exc


def _sync(model: Any, key_of: Any, wanted: dict[Any, dict[str, Any]], report: LoadReport) -> None:
    """Make the table hold exactly `wanted` (by key), counting what was added, changed or kept."""
    existing = {key_of(row): row for row in db.session.scalars(select(model))}
    for key, values in wanted.items():
        row = existing.pop(key, None)
        if row is None:
            db.session.add(model(**values))
            report.inserted += 1
        elif any(getattr(row, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(row, k, v)
            report.updated += 1
        else:
            report.unchanged += 1
    for row in existing.values():
        db.session.delete(row)
    db.session.commit()


def load_postcodes(path: Path) -> LoadReport:
    """Load the PC4 postcodes (pc4, lat, lon, places, gemeente, gemeente_code)."""
    report = LoadReport()
    wanted: dict[str, dict[str, Any]] = {}
    for n, rec in enumerate(_rows(path, {"pc4", "lat", "lon", "places", "gemeente", "gemeente_code"}), start=2):
        try:
            pc4 = rec["pc4"].strip()
            if len(pc4) != 4 or not pc4.isdigit():
                raise ValueError(pc4)
            wanted[pc4] = {"pc4": pc4, "lat": float(rec["lat"]), "lon": float(rec["lon"]),
                           "places": rec["places"].strip()[:300], "gemeente": rec["gemeente"].strip()[:120],
                           "gemeente_code": _gm(rec["gemeente_code"])}
        except ValueError:
            report.rejected.append(f"regel {n}: geen geldige postcode of punt")
    _sync(Postcode4, lambda r: r.pc4, wanted, report)
    return report


def _gm(code: str) -> str:
    code = code.strip()
    return f"GM{code.zfill(4)}" if code.isdigit() else code[:6]


def load_place_names(path: Path) -> LoadReport:
    """Load woonplaatsen with their alternate names, plus the names of the loaded gemeenten.

    Run after `flask areas load` (gemeenten): a gemeente is found from the point inside its boundary.
    """
    report = LoadReport()
    wanted: dict[tuple[str, str, str], dict[str, Any]] = {}
    needed = {"geonameid", "name", "alternatenames", "lat", "lon", "province", "gemeente", "population"}
    for n, rec in enumerate(_rows(path, needed), start=2):
        try:
            ref, label = rec["geonameid"].strip(), rec["name"].strip()
            base = {"kind": "woonplaats", "ref": ref, "label": label[:200], "lat": float(rec["lat"]),
                    "lon": float(rec["lon"]), "gemeente": rec["gemeente"].strip()[:120],
                    "province": rec["province"].strip()[:60], "population": int(rec["population"] or 0)}
        except ValueError:
            report.rejected.append(f"regel {n}: geen geldig punt of inwonertal")
            continue
        names = [label] + [a for a in rec["alternatenames"].split(",") if a.strip()]
        for i, name in enumerate(names):
            key = fold(name)[:200]
            if key and ("woonplaats", ref, key) not in wanted:
                wanted[("woonplaats", ref, key)] = {**base, "key": key, "name": name.strip()[:200],
                                                    "is_primary": i == 0}
    point = func.ST_PointOnSurface(Gemeente.boundary)
    for code, name, lon, lat, population in db.session.execute(
        select(Gemeente.code, Gemeente.name, func.ST_X(point), func.ST_Y(point), Gemeente.population)
    ):
        key = fold(name)[:200]
        wanted[("gemeente", code, key)] = {"kind": "gemeente", "ref": code, "label": name, "key": key,
                                           "name": name, "lon": lon, "lat": lat, "gemeente": name,
                                           "province": "", "population": population or 0, "is_primary": True}
    _sync(PlaceName, lambda r: (r.kind, r.ref, r.key), wanted, report)
    return report


def clear() -> None:
    """Remove the search data (tests)."""
    db.session.execute(delete(PlaceName))
    db.session.execute(delete(Postcode4))
    db.session.commit()
