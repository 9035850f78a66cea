"""Places as open data: GeoJSON Features (snake_case, metres), A11yJSON PlaceInfo, CSV rows."""
from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from operator import attrgetter
from typing import Any
from urllib.parse import urlsplit

from flask import g
from geoalchemy2.shape import to_shape
from shapely import wkt as shapely_wkt

from webapp.csv_safety import spreadsheet_safe
from webapp.places import barriers, hours
from webapp.places.attributes import ATTRIBUTE_KEYS, ATTRIBUTES_BY_KEY
from webapp.places.models import Place
from webapp.urls import absolute_url

# One way to write a moment in the open data: UTC with microseconds ("2026-11-28T01:02:03.660470+00:00").
# search.py writes the same with TIMESTAMP_SQL_FORMAT, so the SQL-built and Python-built answers agree to
# the character (PostgreSQL's own JSON cuts trailing zeros of the microseconds; Python's isoformat drops a
# zero fraction altogether).
TIMESTAMP_SQL_FORMAT = 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"'


def timestamp(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def lonlat(place) -> tuple[float, float]:
    """(lon, lat): from a search row's lon/lat columns, or from a Place's loaded WKB (no query)."""
    if hasattr(place, "lon"):
        return place.lon, place.lat
    value = place.location
    if isinstance(value, str):   # set in this session as EWKT ("SRID=4326;POINT(x y)"), not yet reloaded
        pt: Any = shapely_wkt.loads(value.split(";", 1)[-1])
    else:
        pt = to_shape(value)
    return pt.x, pt.y


_attribute_values = attrgetter(*ATTRIBUTE_KEYS)


def visible_attributes(place: Place) -> dict[str, str]:
    """Attribute values; toilets_wheelchair is not applicable (left out) where there are no toilets."""
    values = dict(zip(ATTRIBUTE_KEYS, _attribute_values(place), strict=True))
    if place.toilets == "no":
        values.pop("toilets_wheelchair")
    return values


def reported_attributes(place: Place) -> list[str]:
    return sorted(barriers.all_flags().get(place.id, set()))


def place_url(place_id: int | str) -> str:
    """The public URL of a place page, on PUBLIC_URL (never the request's Host). Built once per request,
    then string work: it is called per row."""
    prefix = g.get("_place_url_prefix")
    if prefix is None:
        prefix = g._place_url_prefix = absolute_url("places.detail", place_id=0)[:-1]
    return f"{prefix}{place_id}"


def properties(place: Place, distance: float | None = None, open_state: str | None = None) -> dict[str, Any]:
    props: dict[str, Any] = {
        "id": place.id,
        "name": place.name,
        "description": place.description or "",
        "category": place.category,
        "address": place.address or "",
        "gemeente_code": place.gemeente_code,
        "website": place.website or "",
        "phone": place.phone or "",
        "email": place.email or "",
        "opening_hours": place.opening_hours or "",
        "open_now": None if (open_state or "unknown") == "unknown" else open_state == "open",
        "cost": place.cost,
        "languages": list(place.languages or []),
        "audience": list(place.audience or []),
        "activities": list(place.activities or []),
        "host_name": place.host_name or "",
        "house_rules": place.house_rules or "",
        "safe_space_for": list(place.safe_space_for or []),
        "attributes": visible_attributes(place),
        "attribute_meta": place.attribute_meta or {},
        # Attributes with an open barrier report: "gemeld: mogelijk niet juist" (webapp/places/barriers.py).
        "reported_attributes": reported_attributes(place),
        "osm_id": place.osm_id,
        "updated_at": timestamp(place.updated_at),
        "url": place_url(place.id),
        "status": place.status,
    }
    if distance is not None:
        props["distance_m"] = round(distance, 1)
    return props


def feature(place: Place, distance: float | None = None, open_state: str | None = None) -> dict[str, Any]:
    lon, lat = lonlat(place)
    if open_state is None:
        open_state = hours.state_at(place.opening_hours, coords=(lat, lon))
    return {
        "type": "Feature",
        "id": place.id,
        "geometry": {"type": "Point", "coordinates": [round(lon, 7), round(lat, 7)]},
        "properties": properties(place, distance, open_state),
    }


def feature_collection(features: list[dict], **extra) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": features, **extra}


# --- A11yJSON 31 (https://sozialhelden.github.io/a11yjson/, npm `@sozialhelden/a11yjson`): a PlaceInfo is
# {geometry, properties} and nothing else at its root (no GeoJSON `type`, no `_id`); every record validates
# against the package's own schema (scripts/validate_a11yjson.js, tests/places/test_a11yjson.py).
# Unknown is left out (A11yJSON: undefined = unknown). 'limited' is `partiallyAccessibleWith` / grade
# "partially" for the wheelchair and left out of yes/no facts (it is neither true nor false). What A11yJSON
# has no field for goes into `properties.tags` (the standard's place for a source's own fields, string
# values), under the OpenStreetMap keys of webapp/places/osm.py: each known attribute (yes / limited / no),
# `opening_hours`, `fee`, `language:<code>`. The distance from a search centre is not a fact of the place:
# it is left out of this format (the GeoJSON output has `distance_m`). An attribute with an open barrier
# report ("gemeld: mogelijk niet juist", webapp/places/barriers.py) adds the tag
# `buurtplek:reported:<osm key>` = "possibly_wrong" (tags are the schema's place for a source's own facts).

REPORTED_TAG_PREFIX = "buurtplek:reported:"
REPORTED_TAG_VALUE = "possibly_wrong"

OSM_OBJECT_URL = "https://www.openstreetmap.org/"
_COST_TO_FEE = {"free": "no", "contribution": "donation", "paid": "yes"}   # as osm.COST_TAGS


def _bool(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


def _clean(obj):
    """Leave out what is unknown: None, and objects that end up empty (lists are kept: [] says "none")."""
    if isinstance(obj, dict):
        cleaned = {k: _clean(v) for k, v in obj.items()}
        return {k: v for k, v in cleaned.items() if v is not None and v != {}}
    return obj


def _absolute_url(value: str | None) -> str | None:
    """An http(s) URL with a host (what the schema's `new URL()` check and a link need), else None."""
    value = (value or "").strip()
    try:
        parts = urlsplit(value)
    except ValueError:       # e.g. "http://[bad"
        return None
    if parts.scheme in ("http", "https") and parts.netloc and not any(c.isspace() for c in value):
        return value
    return None


def _email(value: str | None) -> str | None:
    """An address the schema accepts: an @ and a dot in the domain (A11yJSON's own check)."""
    value = (value or "").strip()
    local, at, domain = value.partition("@")
    return value if at and "." in domain else None


def a11yjson_tags(place: Place) -> dict[str, str]:
    """The extension tags (OpenStreetMap keys, string values) of a place's A11yJSON record."""
    tags: dict[str, str] = {str(ATTRIBUTES_BY_KEY[key].osm): value
            for key, value in visible_attributes(place).items() if value != "unknown" and ATTRIBUTES_BY_KEY[key].osm}
    if place.opening_hours:
        tags["opening_hours"] = place.opening_hours
    if place.cost in _COST_TO_FEE:
        tags["fee"] = _COST_TO_FEE[place.cost]
    for code in place.languages or []:
        tags[f"language:{code}"] = "yes"
    for key in reported_attributes(place):
        osm = ATTRIBUTES_BY_KEY[key].osm if key in ATTRIBUTES_BY_KEY else None
        tags[f"{REPORTED_TAG_PREFIX}{osm or key}"] = REPORTED_TAG_VALUE
    if place.website and not _absolute_url(place.website):
        tags["website"] = place.website      # not a full URL: kept as text, not as placeWebsiteUrl
    if place.email and not _email(place.email):
        tags["email"] = place.email
    return dict(sorted(tags.items()))


def a11yjson(place: Place, distance: float | None = None) -> dict[str, Any]:
    """One A11yJSON PlaceInfo. `distance` is accepted for symmetry with feature() and left out (see above)."""
    restrooms = None
    if place.toilets in ("yes", "limited"):
        restrooms = [_clean({"isAccessibleWithWheelchair": _bool(place.toilets_wheelchair)})]
    elif place.toilets == "no":
        restrooms = []
    accessibility = {
        "accessibleWith": {"wheelchair": _bool(place.wheelchair), "guideDog": _bool(place.assistance_dogs)},
        "partiallyAccessibleWith": {"wheelchair": True if place.wheelchair == "limited" else None},
        "wheelchairAccessibilityGrade": {"yes": "fully", "limited": "partially", "no": "not"}.get(place.wheelchair),
        "entrances": ([{"properties": {"isLevel": _bool(place.step_free_entrance)}}]
                      if _bool(place.step_free_entrance) is not None else None),
        "hasInductionLoop": _bool(place.hearing_loop),
        "isQuiet": _bool(place.quiet_space),
        "isWellLit": _bool(place.well_lit),
        "animalPolicy": {"allowsAssistanceDogs": _bool(place.assistance_dogs)},
        # No count is known for 'yes' (that stays in tags["capacity:disabled"]); 'no' is a count of 0.
        "parking": {"forWheelchairUsers": {"count": 0 if place.disabled_parking == "no" else None}},
        "restrooms": restrooms,
    }
    lon, lat = lonlat(place)
    props = {
        "originalId": str(place.id),
        "name": {"nl": place.name},
        "description": {"nl": place.description} if place.description else None,
        "category": place.category,
        "address": {"text": {"nl": place.address}} if place.address else None,
        "phoneNumber": place.phone or None,
        "emailAddress": _email(place.email),
        "placeWebsiteUrl": _absolute_url(place.website),
        "infoPageUrl": place_url(place.id),
        "sameAs": [OSM_OBJECT_URL + place.osm_id] if place.osm_id else None,
        "accessibility": _clean(accessibility),
        "tags": a11yjson_tags(place) or None,
    }
    return {"geometry": {"type": "Point", "coordinates": [round(lon, 7), round(lat, 7)]},
            "properties": _clean(props)}


# --- CSV (RFC 4180): UTF-8, comma, CRLF line ends, minimal quoting, a header row; one row per place, flat
# columns, the same snake_case names as the GeoJSON. Lists are joined with ';'.

CSV_COLUMNS = ["id", "name", "category", "address", "gemeente_code", "lon", "lat", "website", "phone", "email",
               "opening_hours", "cost", "languages", "audience", "activities", "host_name",
               *ATTRIBUTE_KEYS, "updated_at", "url"]


def _csv_cell(value) -> str:
    """A text cell: neutralised only where a spreadsheet would evaluate it (webapp/csv_safety.py)."""
    return spreadsheet_safe("" if value is None else str(value))


def csv_text(places: list[Place]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for place in places:
        lon, lat = lonlat(place)
        row = {
            **{key: getattr(place, key) for key in ATTRIBUTE_KEYS},
            "id": place.id, "name": place.name, "category": place.category, "address": place.address,
            "gemeente_code": place.gemeente_code, "lon": f"{lon:.7f}", "lat": f"{lat:.7f}",
            "website": place.website, "phone": place.phone, "email": place.email,
            "opening_hours": place.opening_hours, "cost": place.cost or "",
            "languages": ";".join(place.languages or []), "audience": ";".join(place.audience or []),
            "activities": ";".join(place.activities or []), "host_name": place.host_name,
            "updated_at": timestamp(place.updated_at) or "",
            "url": place_url(place.id),
        }
        if place.toilets == "no":
            row["toilets_wheelchair"] = ""
        writer.writerow([_csv_cell(row[c]) if c not in ("lon", "lat", "id") else row[c] for c in CSV_COLUMNS])
    return out.getvalue()
