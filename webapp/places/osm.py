"""The mapping between our place fields and OpenStreetMap tags: one table, used both ways, lossless.

Import (`flask places import FILE`) reads GeoJSON, Overpass JSON, OSM XML or PBF (`osm_readers.py`).
Every tag of an imported object is kept unchanged in `Place.osm_tags`, and the values our fields got from
those tags in `Place.osm_values`. Export (`flask places export`) writes the kept tags back unchanged,
except the tags of a field whose value now differs from the value read (a person edited it): those are
written from the field, under the keys the object used (`contact:phone` stays `contact:phone`), keeping
what our field cannot say (`language:nl=main`, `community_centre:for` values we have no audience for).
A place that was not imported gets tags made from its fields only.
Categories have one primary tag each (for places made here or whose category was edited); a few extra tags
are read as that category (e.g. `amenity=social_facility` -> other) and stay as they are on export.
"""
from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from shapely.geometry import shape
from sqlalchemy import func, select, text

from webapp.extensions import db
from webapp.i18n import local_today
from webapp.places import hours
from webapp.places.attributes import ATTRIBUTES
from webapp.places.models import Place
from webapp.places.osm_readers import ReadError, point_of, read_format

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
# Extra tags read as a category (kept as they are on export unless the category is edited).
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

# attribute key -> OSM tag key (from attributes.py). Read: yes / limited / no, plus the richer values
# below; the tag itself is kept, so `wheelchair=designated` or `capacity:disabled=2` is exported as is.
ATTRIBUTE_TAGS: dict[str, str] = {a.key: a.osm for a in ATTRIBUTES if a.osm}
TRI_VALUES = {"yes": "yes", "designated": "yes", "limited": "limited", "partial": "limited", "no": "no"}

# plain text fields
TEXT_TAGS: dict[str, tuple[str, ...]] = {   # field -> (tag written for a new place, other tags read)
    "name": ("name",),
    "description": ("description",),
    "website": ("website", "contact:website", "url"),
    "phone": ("phone", "contact:phone"),
    "email": ("email", "contact:email"),
    "opening_hours": ("opening_hours",),
}
TEXT_LIMITS = {"name": 160, "description": 100_000, "website": 300, "phone": 40, "email": 254,
               "opening_hours": 500, "address": 200}
COST_TAGS = {"free": "no", "contribution": "donation", "paid": "yes"}   # cost -> fee=*
FEE_TO_COST = {v: k for k, v in COST_TAGS.items()}
# audience -> value of community_centre:for / social_facility:for
AUDIENCE_TAGS = {"everyone": "all", "youth": "juvenile", "elderly": "senior", "women": "woman",
                 "lgbti": "lgbtq", "newcomers": "migrant", "disability": "disabled"}
TAG_TO_AUDIENCE = {v: k for k, v in AUDIENCE_TAGS.items()}
AUDIENCE_KEY = "community_centre:for"
AUDIENCE_KEYS = (AUDIENCE_KEY, "social_facility:for")
LANGUAGE_VALUES = ("yes", "main")    # language:<code>=yes|main means the language is spoken
ADDRESS_KEYS = ("addr:street", "addr:housenumber", "addr:postcode", "addr:city")
ADDRESS_FULL = "addr:full"
STREET_RE = re.compile(r"^(?P<street>.+?) (?P<number>\d[\w\-/ ]*)$")
TOWN_RE = re.compile(r"^(?P<postcode>\d{4} ?[A-Z]{2})?(?: ?(?P<city>\D.*))?$")

MAPPED_KEYS = ({k for k, _ in TAG_TO_CATEGORY} | set(ATTRIBUTE_TAGS.values())
               | {t for tags in TEXT_TAGS.values() for t in tags} | {"fee", ADDRESS_FULL, *AUDIENCE_KEYS}
               | set(ADDRESS_KEYS))
TAG_LIMIT = 255   # OSM's limit for keys and values

# Every field the mapping reads, with its value when no tag says anything.
FIELD_DEFAULTS: dict[str, Any] = {"category": None, **{f: "" for f in TEXT_TAGS}, "address": "", "cost": None,
                                  "languages": [], "audience": [], **{a: "unknown" for a in ATTRIBUTE_TAGS}}


def is_mapped(key: str) -> bool:
    return key in MAPPED_KEYS or key.startswith("language:")


# ---------------------------------------------------------------------------------------------
# tags -> values

def format_address(tags: dict[str, str]) -> str:
    street = " ".join(x for x in (tags.get("addr:street"), tags.get("addr:housenumber")) if x)
    town = " ".join(x for x in (tags.get("addr:postcode"), tags.get("addr:city")) if x)
    return ", ".join(x for x in (street, town) if x)


def split_address(address: str) -> dict[str, str]:
    """addr:* tags for an address written as format_address writes it ("Street 12, 1234 AB City"); missing
    parts are left out ("Street 12", "Street 12, City"). Any other text becomes `addr:full`."""
    address = (address or "").strip()
    if not address:
        return {}
    pieces = [p.strip() for p in address.split(",")]
    parts: dict[str, str | None] = {}
    if len(pieces) <= 2:
        street = STREET_RE.match(pieces[0])
        town = TOWN_RE.match(pieces[-1])
        if len(pieces) == 2 and street and town:
            parts = {"addr:street": street["street"], "addr:housenumber": street["number"],
                     "addr:postcode": town["postcode"], "addr:city": town["city"]}
        elif len(pieces) == 1 and street:
            parts = {"addr:street": street["street"], "addr:housenumber": street["number"]}
        elif len(pieces) == 1 and town and town["postcode"]:
            parts = {"addr:postcode": town["postcode"], "addr:city": town["city"]}
    found = {k: v.strip() for k, v in parts.items() if v and v.strip()}
    return found if found and format_address(found) == address else {ADDRESS_FULL: address}


def _category_tag(tags: dict[str, str]) -> tuple[str, str] | None:
    for (key, value) in TAG_TO_CATEGORY:
        if tags.get(key) == value:
            return key, value
    return None


def category_from_tags(tags: dict[str, str]) -> str | None:
    tag = _category_tag(tags)
    return TAG_TO_CATEGORY[tag] if tag else None


def _languages(tags: dict[str, str]) -> list[str]:
    return sorted(key[9:] for key, value in tags.items()
                  if key.startswith("language:") and value in LANGUAGE_VALUES and re.fullmatch(r"[a-z]{2,3}", key[9:]))


def _audience(tags: dict[str, str]) -> list[str]:
    audience: list[str] = []
    for key in AUDIENCE_KEYS:
        for raw in (tags.get(key) or "").split(";"):
            value = TAG_TO_AUDIENCE.get(raw.strip())
            if value and value not in audience:
                audience.append(value)
    return audience


def _attribute_value(key: str, raw: str) -> str | None:
    value = TRI_VALUES.get(str(raw).strip().lower())
    if value is None and key == "capacity:disabled" and str(raw).strip().isdigit():
        value = "yes" if int(raw) > 0 else "no"
    return value


def values_from_tags(tags: dict[str, str], warnings: list[str]) -> dict[str, Any]:
    """Our field values from OSM tags. Only tags that are present set a field."""
    values: dict[str, Any] = {}
    for fieldname, keys in TEXT_TAGS.items():
        for key in keys:
            if tags.get(key) and str(tags[key]).strip():
                values[fieldname] = str(tags[key]).strip()
                break
    if "opening_hours" in values and not hours.is_valid(values["opening_hours"]):
        warnings.append(f"opening_hours {values['opening_hours']!r} is not valid; left out (the tag is kept)")
        del values["opening_hours"]
    if any(tags.get(k) for k in ADDRESS_KEYS):
        values["address"] = format_address(tags)
    elif tags.get(ADDRESS_FULL):
        values["address"] = tags[ADDRESS_FULL].strip()
    if tags.get("fee") in FEE_TO_COST:
        values["cost"] = FEE_TO_COST[tags["fee"]]
    if languages := _languages(tags):
        values["languages"] = languages
    if audience := _audience(tags):
        values["audience"] = audience
    for attr, key in ATTRIBUTE_TAGS.items():
        raw = tags.get(key)
        if raw is None:
            continue
        value = _attribute_value(key, raw)
        if value is None:
            warnings.append(f"{key}={raw!r} is not yes/limited/no; left out (the tag is kept)")
            continue
        values[attr] = value
    for fieldname, limit in TEXT_LIMITS.items():
        if fieldname != "name" and len(values.get(fieldname) or "") > limit:
            warnings.append(f"{fieldname} is longer than {limit} characters; left out (the tag is kept)")
            del values[fieldname]
    return values


# ---------------------------------------------------------------------------------------------
# values -> tags

def _current(place: Place, fieldname: str) -> Any:
    value = getattr(place, fieldname)
    if value is None:       # not set yet (a new, unflushed place) or unknown
        value = FIELD_DEFAULTS[fieldname]
    return list(value) if isinstance(value, (list, tuple)) else value


def _write_field(tags: dict[str, str], original: dict[str, str], fieldname: str, value: Any) -> None:
    """Write one field's value into `tags`, replacing the tags it maps to; `original` says which keys
    the OSM object used and what our field cannot express (kept)."""
    if fieldname == "category":
        old = _category_tag(original)
        if old and tags.get(old[0]) == old[1]:
            del tags[old[0]]
        key, tag_value = CATEGORY_TAGS.get(value, CATEGORY_TAGS["other"])
        tags[key] = tag_value
    elif fieldname in TEXT_TAGS:
        keys = TEXT_TAGS[fieldname]
        source = next((k for k in keys if (original.get(k) or "").strip()), keys[0])
        for key in keys:
            tags.pop(key, None)
        if value:
            tags[source] = value
    elif fieldname == "address":
        for key in (*ADDRESS_KEYS, ADDRESS_FULL):
            tags.pop(key, None)
        tags.update(split_address(value))
    elif fieldname == "cost":
        if value in COST_TAGS:
            tags["fee"] = COST_TAGS[value]
        elif original.get("fee") in FEE_TO_COST:
            tags.pop("fee", None)
    elif fieldname == "languages":
        for code in _languages(original):
            if code not in value:
                tags.pop(f"language:{code}", None)
        for code in value:
            if tags.get(f"language:{code}") not in LANGUAGE_VALUES:
                tags[f"language:{code}"] = "yes"
    elif fieldname == "audience":
        wanted = [AUDIENCE_TAGS[a] for a in value if a in AUDIENCE_TAGS]
        audience_keys = [k for k in AUDIENCE_KEYS if original.get(k)] or [AUDIENCE_KEY]
        for key in audience_keys:
            kept = [v.strip() for v in (original.get(key) or "").split(";")
                    if v.strip() and v.strip() not in TAG_TO_AUDIENCE]
            joined = ";".join(wanted + kept)
            if joined:
                tags[key] = joined
            else:
                tags.pop(key, None)
    elif fieldname in ATTRIBUTE_TAGS:
        key = ATTRIBUTE_TAGS[fieldname]
        if value == "unknown":
            tags.pop(key, None)
        else:
            tags[key] = value


def edited_fields(place: Place) -> list[str]:
    """The mapped fields whose value differs from what the OSM import read (all of them when not imported)."""
    if place.osm_tags is None:
        return list(FIELD_DEFAULTS)
    read = place.osm_values or {}
    return [f for f in FIELD_DEFAULTS if _current(place, f) != read.get(f, FIELD_DEFAULTS[f])]


def tags_from_place(place: Place) -> dict[str, str]:
    """OSM tags for a place: the imported tags unchanged, except those of fields a person edited."""
    original = dict(place.osm_tags or {})
    tags = dict(original)
    for fieldname in edited_fields(place):
        _write_field(tags, original, fieldname, _current(place, fieldname))
    if _category_tag(tags) is None:     # never export an object we could not read back
        _write_field(tags, original, "category", place.category)
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


ImportError_ = ReadError   # the file cannot be read at all (older name, kept for callers)


def _osm_id(feature: dict) -> str | None:
    props: dict[str, Any] = feature["properties"] if isinstance(feature.get("properties"), dict) else {}
    raw = feature.get("id") or props.get("@id") or props.get("id")
    if raw is None:
        return None
    raw = str(raw)
    if re.match(r"^(node|way|relation)/\d{1,15}$", raw):
        return raw
    match = re.match(r"^([nwr])(\d{1,15})$", raw)
    if match:
        return {"n": "node", "w": "way", "r": "relation"}[match[1]] + "/" + match[2]
    return None


def _tags(feature: dict, warnings: list[str]) -> dict[str, str]:
    """The OSM tags of a feature (flat properties, or osmtogeojson's `properties.tags`). Keys starting
    with `@` are osmtogeojson's metadata; values that are not text or numbers are not tags."""
    props: dict[str, Any] = feature["properties"] if isinstance(feature.get("properties"), dict) else {}
    raw: dict[str, Any] = props["tags"] if isinstance(props.get("tags"), dict) else props
    tags: dict[str, str] = {}
    for key, value in raw.items():
        key = str(key)
        if key.startswith("@") or value is None or isinstance(value, (dict, list, bool)):
            continue
        value = str(value)
        if "\x00" in key or "\x00" in value or len(key) > TAG_LIMIT or len(value) > TAG_LIMIT or not key:
            warnings.append(f"tag {key[:40]!r} left out: empty, too long (over {TAG_LIMIT}) or with a NUL character")
            continue
        tags[key] = value
    return tags


def read_features(path: Path) -> list[dict]:
    """The features of a GeoJSON, Overpass JSON, OSM XML or PBF file (format from its content/name)."""
    return list(iter_features(path)[1])


def iter_features(path: Path) -> tuple[str, Iterable[dict]]:
    """(format, features) for a file; reading happens while iterating (ReadError when it cannot)."""
    return read_format(Path(path))


def _merge(place: Place, values: dict[str, Any], read: dict[str, Any], label: str, warnings: list[str]) -> dict:
    """The values to set on an existing place: a field a person edited since the last import keeps the
    edit (warned about when OSM changed it too)."""
    before = place.osm_values
    if before is None:
        return values
    merged = {}
    for key, value in values.items():
        if key not in FIELD_DEFAULTS:
            merged[key] = value
            continue
        old_read = before.get(key, FIELD_DEFAULTS[key])
        if _current(place, key) != old_read:           # edited here
            if read.get(key) != old_read:
                warnings.append(f"{label}: {key} was edited here and changed in OpenStreetMap; the edit is kept")
            continue
        merged[key] = value
    return merged


BATCH = 500   # objects per database round trip (gemeente lookup, existing places)

GEMEENTE_CODES_SQL = text("""
    SELECT p.n, g.code
    FROM unnest(CAST(:xs AS float8[]), CAST(:ys AS float8[])) WITH ORDINALITY AS p(x, y, n)
    LEFT JOIN LATERAL (SELECT code FROM gemeenten
                       WHERE ST_Intersects(boundary, ST_SetSRID(ST_MakePoint(p.x, p.y), 4326)) LIMIT 1) g ON true
""")


def _gemeente_codes(points: list) -> list[str | None]:
    """The gemeente code at each point (None outside the Netherlands): one query for the batch."""
    rows = db.session.execute(GEMEENTE_CODES_SQL, {"xs": [p.x for p in points], "ys": [p.y for p in points]})
    codes: dict[int, str | None] = {number: code for number, code in rows.all()}
    return [codes.get(n) for n in range(1, len(points) + 1)]


@dataclass
class _Candidate:
    label: str
    osm_id: str
    tags: dict[str, str]
    point: Any
    warnings: list[str]


def _candidate(number: int, feature: Any, report: ImportReport) -> _Candidate | None:
    """Check one feature; None (with the reason in report.skipped) when it cannot become a place."""
    if not isinstance(feature, dict):
        report.skipped.append(f"feature {number}: not a GeoJSON feature")
        return None
    osm_id = _osm_id(feature)
    label = osm_id or f"feature {number}"
    warnings: list[str] = []
    tags = _tags(feature, warnings)
    if osm_id is None:
        report.skipped.append(f"{label}: no OSM id (node/123, way/123 or relation/123)")
        return None
    if not (tags.get("name") or "").strip():
        report.skipped.append(f"{label}: no name")
        return None
    if category_from_tags(tags) is None:
        report.skipped.append(f"{label} ({tags['name']}): no known category tag (e.g. amenity=community_centre)")
        return None
    try:
        pt = point_of(shape(feature.get("geometry") or {}))
        if pt.is_empty or not (-180 <= pt.x <= 180 and -90 <= pt.y <= 90):
            raise ValueError("outside the world")
    except Exception:
        report.skipped.append(f"{label} ({tags['name']}): no usable geometry")
        return None
    return _Candidate(label, osm_id, tags, pt, warnings)


def import_features(features: Iterable[dict], status: str = "proposed", dry_run: bool = False,
                    progress: Callable[[int], None] | None = None) -> ImportReport:
    """Create or update places by OSM id. One transaction; the caller's session is committed here.
    `progress(n)` is called as objects are done (for a progress bar)."""
    report = ImportReport()
    today = local_today().isoformat()
    batch: list[_Candidate] = []
    with db.session.no_autoflush:
        for number, feature in enumerate(features, start=1):
            candidate = _candidate(number, feature, report)
            if candidate is None:
                if progress is not None:
                    progress(1)
                continue
            batch.append(candidate)
            if len(batch) >= BATCH:
                _import_batch(batch, status, today, report, progress)
                batch = []
        if batch:
            _import_batch(batch, status, today, report, progress)
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    log.info("OSM import: %s created, %s updated, %s unchanged, %s skipped", report.created, report.updated,
             report.unchanged, len(report.skipped))
    return report


def _import_batch(batch: list[_Candidate], status: str, today: str, report: ImportReport,
                  progress: Callable[[int], None] | None) -> None:
    codes = _gemeente_codes([c.point for c in batch])
    existing = {place.osm_id: (place, x, y) for place, x, y in db.session.execute(
        select(Place, func.ST_X(Place.location), func.ST_Y(Place.location))
        .where(Place.osm_id.in_([c.osm_id for c in batch])))}
    for candidate, code in zip(batch, codes, strict=False):
        if progress is not None:
            progress(1)
        label, tags, pt = candidate.label, candidate.tags, candidate.point
        if code is None:
            report.skipped.append(f"{label} ({tags['name']}): not inside a Dutch gemeente")
            continue
        warnings = candidate.warnings
        values = values_from_tags(tags, warnings)
        report.warnings.extend(f"{label}: {w}" for w in warnings)
        values["category"] = category_from_tags(tags)
        values["name"] = values["name"][:TEXT_LIMITS["name"]]
        read = FIELD_DEFAULTS | values       # what the import read, to tell an edit from OSM's value later
        values["gemeente_code"] = code
        meta = {attr: {"source": "osm", "checked": today} for attr in ATTRIBUTE_TAGS if attr in values}
        location = f"SRID=4326;POINT({pt.x} {pt.y})"
        if candidate.osm_id not in existing:
            place = Place(osm_id=candidate.osm_id, status=status, location=location, attribute_meta=meta,
                          osm_tags=tags, osm_values=read, **values)
            db.session.add(place)
            existing[candidate.osm_id] = (place, pt.x, pt.y)   # the same object twice in one file: update
            report.created += 1
            continue
        place, x, y = existing[candidate.osm_id]
        values = _merge(place, values, read, label, report.warnings)
        changed = False
        for key, value in values.items():
            now = _current(place, key) if key in FIELD_DEFAULTS else getattr(place, key)
            if now != value:
                setattr(place, key, value)
                changed = True
        if abs(x - pt.x) > 1e-7 or abs(y - pt.y) > 1e-7:
            place.location = location
            existing[candidate.osm_id] = (place, pt.x, pt.y)
            changed = True
        tags_changed = place.osm_tags != tags or place.osm_values != read
        place.osm_tags, place.osm_values = tags, read
        if changed:
            place.attribute_meta = {**(place.attribute_meta or {}),
                                    **{k: v for k, v in meta.items() if k in values}}
            place.version = (place.version or 1) + 1
            report.updated += 1
        elif tags_changed:
            report.updated += 1
        else:
            report.unchanged += 1
    db.session.flush()      # the next batch sees these places (an object twice in a file)


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


__all__ = ["CATEGORY_TAGS", "ATTRIBUTE_TAGS", "import_features", "export_collection", "iter_features",
           "tags_from_place", "values_from_tags", "read_features", "edited_fields", "ImportReport", "ImportError_"]
