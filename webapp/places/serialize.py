"""Places as open data: GeoJSON Features (snake_case, metres), A11yJSON PlaceInfo, CSV rows."""
from __future__ import annotations

import csv
import io
from operator import attrgetter
from typing import Any

from flask import g
from geoalchemy2.shape import to_shape
from shapely import wkt as shapely_wkt

from webapp.places import hours
from webapp.places.attributes import ATTRIBUTE_KEYS
from webapp.places.models import Place
from webapp.urls import absolute_url


def lonlat(place) -> tuple[float, float]:
    """(lon, lat): from a search row's lon/lat columns, or from a Place's loaded WKB (no query)."""
    if hasattr(place, "lon"):
        return place.lon, place.lat
    value = place.location
    if isinstance(value, str):   # set in this session as EWKT ("SRID=4326;POINT(x y)"), not yet reloaded
        pt = shapely_wkt.loads(value.split(";", 1)[-1])
    else:
        pt = to_shape(value)
    return pt.x, pt.y


_attribute_values = attrgetter(*ATTRIBUTE_KEYS)


def visible_attributes(place: Place) -> dict[str, str]:
    """Attribute values; toilets_wheelchair is not applicable (left out) where there are no toilets."""
    values = dict(zip(ATTRIBUTE_KEYS, _attribute_values(place)))
    if place.toilets == "no":
        values.pop("toilets_wheelchair")
    return values


def place_url(place_id: int) -> str:
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
        "osm_id": place.osm_id,
        "updated_at": place.updated_at.isoformat() if place.updated_at else None,
        "url": place_url(place.id),
    }
    if distance is not None:
        props["distance_m"] = round(distance, 1)
    return props


def feature(place: Place, distance: float | None = None, open_state: str | None = None) -> dict[str, Any]:
    if open_state is None:
        open_state = hours.state_at(place.opening_hours)
    lon, lat = lonlat(place)
    return {
        "type": "Feature",
        "id": place.id,
        "geometry": {"type": "Point", "coordinates": [round(lon, 7), round(lat, 7)]},
        "properties": properties(place, distance, open_state),
    }


def feature_collection(features: list[dict], **extra) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": features, **extra}


# --- A11yJSON (https://sozialhelden.github.io/a11yjson/): PlaceInfo = GeoJSON Feature + PlaceProperties.
# Unknown is left out (A11yJSON: undefined = unknown). 'limited' maps to "partially" for the
# wheelchair grade and is left out for yes/no facts (it is neither true nor false).

def _bool(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


def _clean(obj):
    if isinstance(obj, dict):
        cleaned = {k: _clean(v) for k, v in obj.items()}
        return {k: v for k, v in cleaned.items() if v not in (None, {}, [], [{}])}
    if isinstance(obj, list):
        return [x for x in (_clean(v) for v in obj) if x not in (None, {})]
    return obj


def a11yjson(place: Place, distance: float | None = None) -> dict[str, Any]:
    grade = {"yes": "fully", "limited": "partially", "no": "not"}.get(place.wheelchair)
    restrooms = None
    if place.toilets in ("yes", "limited"):
        restrooms = [{"isAccessibleWithWheelchair": _bool(place.toilets_wheelchair)}]
    elif place.toilets == "no":
        restrooms = []
    accessibility = {
        "accessibleWith": {"wheelchair": _bool(place.wheelchair), "guideDog": _bool(place.assistance_dogs)},
        "wheelchairAccessibilityGrade": grade,
        "entrances": [{"isLevel": _bool(place.step_free_entrance)}],
        "hasInductionLoop": _bool(place.hearing_loop),
        "isQuiet": _bool(place.quiet_space),
        "isWellLit": _bool(place.well_lit),
        "hasSeating": _bool(place.seating),
        "animalPolicy": {"allowsServiceAnimals": _bool(place.assistance_dogs)},
        "parking": {"forWheelchairUsers": {"isAvailable": _bool(place.disabled_parking)}},
        "hasEasyLanguageInformation": _bool(place.easy_language),
    }
    lon, lat = lonlat(place)
    props = {
        "name": {"nl": place.name},
        "description": {"nl": place.description} if place.description else None,
        "category": place.category,
        "address": {"text": place.address} if place.address else None,
        "phoneNumber": place.phone or None,
        "emailAddress": place.email or None,
        "placeWebsiteUrl": place.website or None,
        "infoPageUrl": place_url(place.id),
        "openingHours": place.opening_hours or None,
        "accessibility": _clean(accessibility),
        "distance_m": round(distance, 1) if distance is not None else None,
    }
    props = _clean(props)
    if restrooms is not None:
        props.setdefault("accessibility", {})["restrooms"] = _clean(restrooms)
    return {"type": "Feature", "_id": str(place.id),
            "geometry": {"type": "Point", "coordinates": [round(lon, 7), round(lat, 7)]},
            "properties": props}


# --- CSV: one row per place, flat columns, same snake_case names as the GeoJSON.

CSV_COLUMNS = ["id", "name", "category", "address", "gemeente_code", "lon", "lat", "website", "phone", "email",
               "opening_hours", "cost", "languages", "audience", "activities", "host_name",
               *ATTRIBUTE_KEYS, "updated_at", "url"]


def _csv_safe(value) -> str:
    """Neutralise spreadsheet formulas (CSV injection): a leading = + - @ gets a quote."""
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


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
            "updated_at": place.updated_at.isoformat() if place.updated_at else "",
            "url": place_url(place.id),
        }
        if place.toilets == "no":
            row["toilets_wheelchair"] = ""
        writer.writerow([_csv_safe(row[c]) if c not in ("lon", "lat", "id") else row[c] for c in CSV_COLUMNS])
    return out.getvalue()
