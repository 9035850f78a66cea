"""The open-data API for places (thin: parse, call the search, serialise). Documented in OpenAPI below."""
from __future__ import annotations

import orjson
from flask import Response, request
from flask_babel import gettext as _

from webapp import openapi
from webapp.errors import ApiError
from webapp.places import search as searching
from webapp.places import serialize, where
from webapp.places.attributes import ACTIVITIES, ATTRIBUTE_KEYS, AUDIENCES, CATEGORIES, COSTS

FORMATS = ("geojson", "a11yjson")


def _format() -> str:
    fmt = (request.args.get("format") or "geojson").strip().lower()
    if fmt not in FORMATS:
        raise ApiError(_("Onbekende waarde voor %(param)s: %(value)s", param="format", value=fmt[:20]),
                       code="unknown_value", param="format")
    return fmt


def _json(payload, content_type: str):
    # orjson: compact UTF-8 in C, keys in their own order (jsonify sorts them; that costs on 200 features).
    return _response(orjson.dumps(payload), content_type)


def _response(body: bytes | str, content_type: str) -> Response:
    response = Response(body, content_type=content_type)
    response.headers["Access-Control-Allow-Origin"] = "*"   # open data: any site may read it
    return response


OPEN_NOW_JSON = {"open": "true", "closed": "false", "unknown": "null"}


def list_places():
    fmt = _format()
    params = searching.parse_params(request.args)
    where.locate(params, take_first=True)  # q: the best candidate (the page asks "Bedoelt u ...?" instead)
    if fmt == "a11yjson":
        result = searching.search(params)
        return _json([serialize.a11yjson(h.place, h.distance) for h in result.hits], "application/json")
    # The hot path: PostgreSQL writes each Feature's JSON; Python adds open_now and joins them.
    result = searching.search(params, geojson_url_prefix=serialize.place_url(""))
    features = ",".join(
        f'{{"type":"Feature","id":{h.place.id},"geometry":{h.place.geom},'
        f'"properties":{h.place.props[:-1]},"open_now":{OPEN_NOW_JSON[h.open_state]}}}}}'
        for h in result.hits)
    extra = orjson.dumps({"centre": {"type": "Point", "coordinates": list(result.centre or ())},
                          "radius_m": params.effective_radius(), **_origin(params)})
    body = f'{{"type":"FeatureCollection","features":[{features}],'.encode() + extra[1:]
    return _response(body, "application/geo+json")


def _origin(params: searching.SearchParams) -> dict:
    """Where distances are measured from, when q gave the point: {"origin": {"kind", "name"}}."""
    if params.origin_kind is None:
        return {}
    return {"origin": {"kind": params.origin_kind, "name": params.origin_name}}


def get_place(place_id: int):
    fmt = _format()
    place = searching.get_public(place_id)
    if place is None:
        raise ApiError(_("Deze plek bestaat niet (meer)."), status=404, code="not_found")
    if fmt == "a11yjson":
        return _json(serialize.a11yjson(place), "application/json")
    return _json(serialize.feature(place), "application/geo+json")


def _gemeente(code: str):
    gemeente, places = searching.gemeente_places(code.upper())
    if gemeente is None:
        raise ApiError(_("Onbekende gemeente: %(value)s", value=code[:20]), status=404, code="not_found",
                       param="code")
    return gemeente, places


def gemeente_geojson(code: str):
    fmt = _format()
    gemeente, places = _gemeente(code)
    if fmt == "a11yjson":
        return _json([serialize.a11yjson(p) for p in places], "application/json")
    features = [serialize.feature(p) for p in places]
    return _json(serialize.feature_collection(features, gemeente={"code": gemeente.code, "name": gemeente.name}),
                 "application/geo+json")


def gemeente_csv(code: str):
    gemeente, places = _gemeente(code)
    response = _response(serialize.csv_text(places), "text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="buurtplek-{gemeente.code}.csv"'
    return response


# ---------------------------------------------------------------------------------------------
# OpenAPI

TRI = {"type": "string", "enum": ["yes", "limited", "no", "unknown"]}
_ERR = {"description": "Bad input; `error.param` names the parameter",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
_NOT_FOUND = {"description": "Not found",
              "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def _q(name, schema, description, explode=None):
    p = {"name": name, "in": "query", "required": False, "schema": schema, "description": description}
    if explode is not None:
        p["explode"] = explode
    return p


FORMAT_PARAM = _q("format", {"type": "string", "enum": list(FORMATS), "default": "geojson"},
                  "geojson (default) or a11yjson (a list of A11yJSON PlaceInfo objects)")
SEARCH_PARAMETERS = [
    _q("q", {"type": "string", "maxLength": searching.MAX_Q},
       "Postcode (1234 or 1234 AB: its 4 digits) or place: a town or village (also alternate names, e.g. Frisian), "
       "or a gemeente; case and accents do not matter. Sets the search centre (wins over lat/lon); when a name "
       "fits several places the best (most inhabitants) is used; `origin` in the answer says which. Unknown: 400 "
       "with error.param q"),
    _q("lat", {"type": "number", "minimum": -90, "maximum": 90}, "Latitude (WGS84) of the search centre; with lon"),
    _q("lon", {"type": "number", "minimum": -180, "maximum": 180}, "Longitude (WGS84); with lat"),
    _q("gemeente", {"type": "string", "pattern": "^GM[0-9]{4}$"},
       "CBS gemeente code: without lat/lon, search the whole gemeente from its centre"),
    _q("radius", {"type": "number", "exclusiveMinimum": True, "minimum": 0, "maximum": searching.MAX_RADIUS,
                  "default": searching.DEFAULT_RADIUS},
       "Radius in metres around lat/lon (a gemeente search covers the whole gemeente)"),
    _q("limit", {"type": "integer", "minimum": 1, "maximum": searching.MAX_LIMIT, "default": searching.DEFAULT_LIMIT},
       "Maximum number of places"),
    _q("category", {"type": "array", "items": {"type": "string", "enum": list(CATEGORIES)}}, "Any of these categories"),
    _q("need", {"type": "array", "items": {"type": "string", "enum": list(ATTRIBUTE_KEYS)}},
       "Accessibility/safety attributes that must be 'yes'"),
    _q("audience", {"type": "array", "items": {"type": "string", "enum": list(AUDIENCES)}},
       "Intended for any of these"),
    _q("language", {"type": "array", "items": {"type": "string", "pattern": "^[a-z]{2,3}$"}},
       "Any of these languages spoken (ISO 639 codes)"),
    _q("open_now", {"type": "boolean"}, "Only places open now (Europe/Amsterdam, Dutch public holidays)"),
    _q("open_at", {"type": "string", "format": "date-time"},
       "Only places open at this local time (at most 5 years before or after today)"),
    _q("free", {"type": "boolean"}, "Only free places"),
    _q("newcomers", {"type": "boolean"},
       "'Nieuw in de buurt': walk-in, free or voluntary contribution, host present, house rules published"),
    FORMAT_PARAM,
]

PLACE_PROPERTIES = {
    "type": "object",
    "required": ["id", "name", "category", "attributes", "url"],
    "properties": {
        "id": {"type": "integer"},
        "name": {"type": "string"},
        "description": {"type": "string"},
        "category": {"type": "string", "enum": list(CATEGORIES)},
        "address": {"type": "string"},
        "gemeente_code": {"type": "string", "nullable": True},
        "website": {"type": "string"}, "phone": {"type": "string"}, "email": {"type": "string"},
        "opening_hours": {"type": "string", "description": "OpenStreetMap opening_hours syntax"},
        "open_now": {"type": "boolean", "nullable": True, "description": "null: unknown"},
        "cost": {"type": "string", "enum": [*COSTS, None], "nullable": True, "description": "null: unknown"},
        "languages": {"type": "array", "items": {"type": "string"}},
        "audience": {"type": "array", "items": {"type": "string", "enum": list(AUDIENCES)}},
        "activities": {"type": "array", "items": {"type": "string", "enum": list(ACTIVITIES)}},
        "host_name": {"type": "string"},
        "house_rules": {"type": "string"},
        "safe_space_for": {"type": "array", "items": {"type": "string"}},
        "attributes": {"type": "object", "properties": {k: TRI for k in ATTRIBUTE_KEYS}, "additionalProperties": False,
                       "description": "toilets_wheelchair is left out when toilets is 'no'"},
        "attribute_meta": {"type": "object", "additionalProperties": {"type": "object"}},
        "osm_id": {"type": "string", "nullable": True},
        "updated_at": {"type": "string", "format": "date-time", "nullable": True},
        "url": {"type": "string"},
        "status": {"type": "string", "enum": ["published", "closed"],
                   "description": "closed: the place no longer receives visitors (only in the detail; lists and "
                                  "searches hold published places only)"},
        "distance_m": {"type": "number", "description": "metres from the search centre"},
    },
}
POINT = {"type": "object", "required": ["type", "coordinates"], "properties": {
    "type": {"type": "string", "enum": ["Point"]},
    "coordinates": {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2}}}
SCHEMAS = {
    "PlaceProperties": PLACE_PROPERTIES,
    "PlaceFeature": {"type": "object", "required": ["type", "geometry", "properties"], "properties": {
        "type": {"type": "string", "enum": ["Feature"]}, "id": {"type": "integer"}, "geometry": POINT,
        "properties": {"$ref": "#/components/schemas/PlaceProperties"}}},
    "PlaceCollection": {"type": "object", "required": ["type", "features"], "properties": {
        "type": {"type": "string", "enum": ["FeatureCollection"]},
        "features": {"type": "array", "items": {"$ref": "#/components/schemas/PlaceFeature"}},
        "centre": POINT, "radius_m": {"type": "integer", "nullable": True},
        "origin": {"type": "object", "description": "What q was found to be (only with q)", "properties": {
            "kind": {"type": "string", "enum": ["pc4", "woonplaats", "gemeente", "address"]},
            "name": {"type": "string"}}},
        "gemeente": {"type": "object", "properties": {"code": {"type": "string"}, "name": {"type": "string"}}}}},
    "A11yPlaceInfo": {"type": "object", "required": ["geometry", "properties"], "additionalProperties": False,
                      "description": "A11yJSON 31 PlaceInfo (npm @sozialhelden/a11yjson; validated with its own "
                                     "schema). Unknown values are left out; facts A11yJSON has no field for are "
                                     "in properties.tags under OpenStreetMap keys. See docs/places.md.",
                      "properties": {
        "geometry": POINT,
        "properties": {"type": "object", "required": ["name", "category", "originalId"], "properties": {
            "originalId": {"type": "string", "description": "the place id"},
            "name": {"type": "object", "additionalProperties": {"type": "string"}}, "category": {"type": "string"},
            "accessibility": {"type": "object"},
            "tags": {"type": "object", "additionalProperties": {"type": "string"}}}}}},
}


def _geo(ref):
    return {"description": "OK", "content": {
        "application/geo+json": {"schema": {"$ref": f"#/components/schemas/{ref}"}},
        "application/json": {"schema": {"oneOf": [
            {"$ref": f"#/components/schemas/{ref}"},
            {"type": "array", "items": {"$ref": "#/components/schemas/A11yPlaceInfo"}},
            {"$ref": "#/components/schemas/A11yPlaceInfo"}]}}}}


_TO_PLACE = {"getPlace": {"operationId": "getPlace", "parameters": {"place_id": "$response.body#/features/0/id"},
                          "description": "The first place found, in full"}}
_TO_HISTORY = {"placeHistory": {"operationRef": "#/paths/~1api~1v1~1places~1{place_id}~1history/get",
                                "parameters": {"place_id": "$response.body#/id"},
                                "description": "Its public change history"}}
CODE_PARAM = {"name": "code", "in": "path", "required": True, "schema": {"type": "string", "pattern": "^GM[0-9]{4}$"}}
PATHS = {
    "/api/v1/places": {"get": {
        "summary": "Published places near a point (or in a gemeente), nearest first",
        "operationId": "listPlaces", "tags": ["places"], "parameters": SEARCH_PARAMETERS,
        "responses": {"200": {**_geo("PlaceCollection"), "links": _TO_PLACE}, "400": _ERR}}},
    "/api/v1/places/{place_id}": {"get": {
        "summary": "One public place: published, or closed (see status)", "operationId": "getPlace", "tags": ["places"],
        "parameters": [{"name": "place_id", "in": "path", "required": True, "schema": {"type": "integer"}},
                       FORMAT_PARAM],
        "responses": {"200": {**_geo("PlaceFeature"), "links": _TO_HISTORY}, "400": _ERR, "404": _NOT_FOUND}}},
    "/api/v1/gemeenten/{code}/places.geojson": {"get": {
        "summary": "Every published place of a gemeente", "operationId": "gemeentePlacesGeojson", "tags": ["places"],
        "parameters": [CODE_PARAM, FORMAT_PARAM],
        "responses": {"200": {**_geo("PlaceCollection"), "links": _TO_PLACE}, "400": _ERR, "404": _NOT_FOUND}}},
    "/api/v1/gemeenten/{code}/places.csv": {"get": {
        "summary": "Every published place of a gemeente as CSV", "operationId": "gemeentePlacesCsv", "tags": ["places"],
        "parameters": [CODE_PARAM],
        "responses": {"200": {"description": "CSV, one row per place; columns: " + ", ".join(serialize.CSV_COLUMNS)
                                             + ". " + openapi.CSV_DIALECT,
                              "content": {"text/csv": {"schema": {"type": "string"}}}}, "404": _NOT_FOUND}}},
}

openapi.register(PATHS, SCHEMAS)
