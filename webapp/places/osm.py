"""The mapping between our place fields and OpenStreetMap tags: one table, used both ways.

Import (`flask places import FILE`) reads GeoJSON whose feature properties are OSM tags (an Overpass
export via osmtogeojson, or `ogr2ogr` output): every tag listed here is read, everything else is
ignored. Export (`flask places export`) writes the same tags back, so a round trip keeps every mapped
tag. Categories have one primary tag each (written on export); a few extra tags are accepted on import
and become that category (e.g. `leisure=sports_hall` -> sports, exported as `leisure=sports_centre`).
"""
from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from shapely.geometry import shape
from sqlalchemy import func, select

from webapp.extensions import db
from webapp.i18n import local_today
from webapp.places import hours
from webapp.places.attributes import ATTRIBUTES
from webapp.places.models import Place

log = logging.getLogger(__name__)

# category -> the primary OSM tag (key, value), written on export and read on import
CATEGORY_TAGS: dict[str, tuple[str, str]] = {
    "community_centre": ("amenity", "community_centre"),
    "library": ("amenity", "library"),
    "sports": ("leisure", "sports_centre"),
    "park": ("leisure", "park"),
    "playground": ("leisure", "playground"),
    "garden": ("leisure", "garden"),
    "religious_cultural": ("amenity", "place_of_worship"),
    "cafe": ("amenity", "cafe"),
    "other": ("amenity", "social_centre"),
}
# Extra tags accepted on import (normalised to the category's primary tag on export).
CATEGORY_ALIASES: dict[tuple[str, str], str] = {
    ("amenity", "social_facility"): "other",
    ("leisure", "sports_hall"): "sports",
    ("club", "sport"): "sports",
    ("place", "square"): "park",
    ("landuse", "allotments"): "garden",
    ("amenity", "arts_centre"): "religious_cultural",
    ("amenity", "cultural_centre"): "religious_cultural",
    ("amenity", "restaurant"): "cafe",
    ("shop", "coffee"): "cafe",
}
TAG_TO_CATEGORY = {tag: cat for cat, tag in CATEGORY_TAGS.items()} | CATEGORY_ALIASES

# attribute key -> OSM tag key (from attributes.py); values are yes / limited / no in both worlds.
ATTRIBUTE_TAGS: dict[str, str] = {a.key: a.osm for a in ATTRIBUTES if a.osm}
TRI_VALUES = {"yes": "yes", "designated": "yes", "limited": "limited", "partial": "limited", "no": "no"}

# plain text fields
TEXT_TAGS: dict[str, tuple[str, ...]] = {   # field -> (tag written on export, other tags read on import)
    "name": ("name",),
    "description": ("description",),
    "website": ("website", "contact:website", "url"),
    "phone": ("phone", "contact:phone"),
    "email": ("email", "contact:email"),
    "opening_hours": ("opening_hours",),
}
COST_TAGS = {"free": "no", "contribution": "donation", "paid": "yes"}   # cost -> fee=*
FEE_TO_COST = {v: k for k, v in COST_TAGS.items()}
# audience -> community_centre:for=* value
AUDIENCE_TAGS = {"everyone": "all", "youth": "juvenile", "elderly": "senior", "women": "woman",
                 "lgbti": "lgbtq", "newcomers": "migrant", "disability": "disabled"}
TAG_TO_AUDIENCE = {v: k for k, v in AUDIENCE_TAGS.items()}
AUDIENCE_KEY = "community_centre:for"
ADDRESS_KEYS = ("addr:street", "addr:housenumber", "addr:postcode", "addr:city")
ADDRESS_RE = re.compile(r"^(?P<street>.+?) (?P<number>\d[\w\-/ ]*), (?P<postcode>\d{4} ?[A-Z]{2}) (?P<city>.+)$")

MAPPED_KEYS = ({k for k, _ in CATEGORY_TAGS.values()} | set(ATTRIBUTE_TAGS.values())
               | {t for tags in TEXT_TAGS.values() for t in tags} | {"fee", AUDIENCE_KEY} | set(ADDRESS_KEYS))


def is_mapped(key: str) -> bool:
    return key in MAPPED_KEYS or key.startswith("language:")


# ---------------------------------------------------------------------------------------------
# tags -> values

def format_address(tags: dict[str, str]) -> str:
    street = " ".join(x for x in (tags.get("addr:street"), tags.get("addr:housenumber")) if x)
    town = " ".join(x for x in (tags.get("addr:postcode"), tags.get("addr:city")) if x)
    return ", ".join(x for x in (street, town) if x)


def split_address(address: str) -> dict[str, str]:
    match = ADDRESS_RE.match(address or "")
    if not match:
        return {}
    return {"addr:street": match["street"], "addr:housenumber": match["number"],
            "addr:postcode": match["postcode"], "addr:city": match["city"]}


def category_from_tags(tags: dict[str, str]) -> str | None:
    for (key, value), category in TAG_TO_CATEGORY.items():
        if tags.get(key) == value:
            return category
    return None


def values_from_tags(tags: dict[str, str], warnings: list[str]) -> dict[str, Any]:
    """Our field values from OSM tags. Only tags that are present set a field."""
    values: dict[str, Any] = {}
    for fieldname, keys in TEXT_TAGS.items():
        for key in keys:
            if tags.get(key):
                values[fieldname] = str(tags[key]).strip()
                break
    if "opening_hours" in values and not hours.is_valid(values["opening_hours"]):
        warnings.append(f"opening_hours {values['opening_hours']!r} is not valid; left out")
        del values["opening_hours"]
    if any(tags.get(k) for k in ADDRESS_KEYS):
        values["address"] = format_address(tags)
    if tags.get("fee") in FEE_TO_COST:
        values["cost"] = FEE_TO_COST[tags["fee"]]
    languages = sorted(key.split(":", 1)[1] for key, value in tags.items()
                       if key.startswith("language:") and value in ("yes", "main") and re.match(r"^[a-z]{2,3}$", key[9:]))
    if languages:
        values["languages"] = languages
    if tags.get(AUDIENCE_KEY):
        audience = [TAG_TO_AUDIENCE[v.strip()] for v in tags[AUDIENCE_KEY].split(";") if v.strip() in TAG_TO_AUDIENCE]
        if audience:
            values["audience"] = audience
    for attr, key in ATTRIBUTE_TAGS.items():
        raw = tags.get(key)
        if raw is None:
            continue
        value = TRI_VALUES.get(str(raw).strip().lower())
        if value is None and key == "capacity:disabled" and str(raw).isdigit():
            value = "yes" if int(raw) > 0 else "no"
        if value is None:
            warnings.append(f"{key}={raw!r} is not yes/limited/no; left out")
            continue
        values[attr] = value
    return values


def tags_from_place(place: Place) -> dict[str, str]:
    """OSM tags for a place (only known values; unknown attributes are left out, as in OSM)."""
    tags: dict[str, str] = {}
    key, value = CATEGORY_TAGS.get(place.category, CATEGORY_TAGS["other"])
    tags[key] = value
    for fieldname, keys in TEXT_TAGS.items():
        text = getattr(place, fieldname) or ""
        if text:
            tags[keys[0]] = text
    if place.address:
        parts = split_address(place.address)
        if parts:
            tags.update(parts)
    if place.cost in COST_TAGS:
        tags["fee"] = COST_TAGS[place.cost]
    for code in place.languages or []:
        tags[f"language:{code}"] = "yes"
    audience = [AUDIENCE_TAGS[a] for a in place.audience or [] if a in AUDIENCE_TAGS]
    if audience:
        tags[AUDIENCE_KEY] = ";".join(audience)
    for attr, key in ATTRIBUTE_TAGS.items():
        value = getattr(place, attr)
        if value != "unknown":
            tags[key] = value
    return dict(sorted(tags.items()))


# ---------------------------------------------------------------------------------------------
# import / export

@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


class ImportError_(ValueError):
    """The file cannot be read at all."""


def _osm_id(feature: dict) -> str | None:
    props = feature.get("properties") or {}
    raw = feature.get("id") or props.get("@id") or props.get("id")
    if raw is None:
        return None
    raw = str(raw)
    if re.match(r"^(node|way|relation)/\d+$", raw):
        return raw
    match = re.match(r"^([nwr])(\d+)$", raw)
    if match:
        return {"n": "node", "w": "way", "r": "relation"}[match[1]] + "/" + match[2]
    return None


def _tags(feature: dict) -> dict[str, str]:
    props = feature.get("properties") or {}
    tags = props.get("tags") if isinstance(props.get("tags"), dict) else props
    return {str(k): str(v) for k, v in tags.items() if v is not None and not str(k).startswith("@")}


def read_features(path: Path) -> list[dict]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ImportError_(f"File not found: {path}") from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ImportError_(f"{path} is not valid JSON: {exc}") from exc
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise ImportError_(f"{path} is not a GeoJSON FeatureCollection")
    return [f for f in data.get("features") or [] if isinstance(f, dict)]


def import_features(features: list[dict], status: str = "proposed", dry_run: bool = False) -> ImportReport:
    """Create or update places by OSM id. One transaction; the caller's session is committed here."""
    from webapp.areas.services import gemeente_at

    report = ImportReport()
    today = local_today().isoformat()
    for number, feature in enumerate(features, start=1):
        osm_id = _osm_id(feature)
        label = osm_id or f"feature {number}"
        tags = _tags(feature)
        if osm_id is None:
            report.skipped.append(f"{label}: no OSM id (node/123, way/123 or relation/123)")
            continue
        if not tags.get("name"):
            report.skipped.append(f"{label}: no name")
            continue
        category = category_from_tags(tags)
        if category is None:
            report.skipped.append(f"{label} ({tags['name']}): no known category tag (e.g. amenity=community_centre)")
            continue
        try:
            geom = shape(feature.get("geometry") or {})
            pt = geom if geom.geom_type == "Point" else geom.representative_point()
        except Exception:
            report.skipped.append(f"{label} ({tags['name']}): no usable geometry")
            continue
        if pt.is_empty:
            report.skipped.append(f"{label} ({tags['name']}): empty geometry")
            continue
        gemeente = gemeente_at(pt.x, pt.y)
        if gemeente is None:
            report.skipped.append(f"{label} ({tags['name']}): not inside a Dutch gemeente")
            continue
        warnings: list[str] = []
        values = values_from_tags(tags, warnings)
        report.warnings.extend(f"{label}: {w}" for w in warnings)
        values["category"] = category
        values["gemeente_code"] = gemeente.code
        values["name"] = values["name"][:160]
        place = db.session.scalars(select(Place).where(Place.osm_id == osm_id)).first()
        meta = {attr: {"source": "osm", "checked": today} for attr in ATTRIBUTE_TAGS if attr in values}
        location = f"SRID=4326;POINT({pt.x} {pt.y})"
        if place is None:
            place = Place(osm_id=osm_id, status=status, location=location, attribute_meta=meta, **values)
            db.session.add(place)
            report.created += 1
            continue
        changed = False
        for key, value in values.items():
            if getattr(place, key) != value:
                setattr(place, key, value)
                changed = True
        current = db.session.execute(select(func.ST_X(Place.location), func.ST_Y(Place.location))
                                     .where(Place.id == place.id)).one()
        if abs(current[0] - pt.x) > 1e-7 or abs(current[1] - pt.y) > 1e-7:
            place.location = location
            changed = True
        if changed:
            place.attribute_meta = {**(place.attribute_meta or {}), **meta}
            place.version = (place.version or 1) + 1
            report.updated += 1
        else:
            report.unchanged += 1
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    log.info("OSM import: %s created, %s updated, %s unchanged, %s skipped", report.created, report.updated,
             report.unchanged, len(report.skipped))
    return report


def export_collection(places_with_coords) -> dict:
    """A GeoJSON FeatureCollection of OSM-tagged features from (place, lon, lat) rows."""
    features = []
    for place, lon, lat in places_with_coords:
        features.append({
            "type": "Feature",
            "id": place.osm_id or f"buurtplek/{place.id}",
            "geometry": {"type": "Point", "coordinates": [round(lon, 7), round(lat, 7)]},
            "properties": tags_from_place(place),
        })
    return {"type": "FeatureCollection", "features": features}


__all__ = ["CATEGORY_TAGS", "ATTRIBUTE_TAGS", "import_features", "export_collection",
           "tags_from_place", "values_from_tags", "read_features", "ImportReport", "ImportError_"]
