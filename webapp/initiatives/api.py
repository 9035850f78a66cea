"""JSON API: /api/v1/initiatives (GeoJSON) and /api/v1/initiatives/<id>. Bad input gives 400 naming the param."""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from webapp import openapi
from webapp.domain_errors import Invalid
from webapp.errors import ApiError
from webapp.initiatives import api_query, clock, finding_place, services
from webapp.initiatives.helpers import listed_places
from webapp.initiatives.models import THEMES
from webapp.initiatives.search import parse_float
from webapp.urls import absolute_url

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
MAX_SPAN = timedelta(days=366)
MAX_YEARS_AWAY = 5   # from and to lie at most this many years before or after now
_SAMPLE_ID = 987654321   # stands for the id in a link built once per list


def _moment(name: str, default: datetime, now: datetime) -> datetime:
    """An ISO date (midnight in Amsterdam) or an ISO datetime (UTC when it has no offset), at most
    MAX_YEARS_AWAY years from now (further away there is nothing to expand, and year 1 or 9999 overflows)."""
    raw = (request.args.get(name) or "").strip()
    if not raw:
        return default
    try:
        if len(raw) == 10:
            value = datetime.combine(date.fromisoformat(raw), time.min, AMSTERDAM)
        else:
            value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
            value = value if value.tzinfo else value.replace(tzinfo=UTC)
    except ValueError:
        raise ApiError(_("%(name)s moet een datum zijn zoals 2026-12-01 of 2026-12-01T18:00:00Z.", name=name),
                       param=name) from None
    away = timedelta(days=365 * MAX_YEARS_AWAY + 1)
    if not now - away <= value <= now + away:   # compared as aware datetimes: no conversion, no overflow
        raise ApiError(_("%(name)s mag hoogstens %(years)s jaar van vandaag liggen.", name=name,
                         years=MAX_YEARS_AWAY), code="out_of_range", param=name)
    return value.astimezone(UTC)


def _int(name: str, default: int, low: int, high: int) -> int:
    raw = (request.args.get(name) or "").strip()
    if not raw:
        return default
    if not (raw.isascii() and raw.isdigit()) or not (low <= int(raw) <= high):   # "²".isdigit() is True
        raise ApiError(_("%(name)s moet een geheel getal tussen %(low)s en %(high)s zijn.", name=name, low=low,
                         high=high), param=name)
    return int(raw)


def _instance_json(instance) -> dict:
    return {"start": instance.start.isoformat(), "end": instance.end.isoformat(),
            "activity_id": instance.activity.id, "activity": instance.activity.title,
            "place_id": instance.activity.place_id, "cancelled": instance.cancelled}


def _properties(values: dict, places: list[dict], links: tuple[str, str]) -> dict:
    """The properties every feature has, from plain values (one place that says what the API shows)."""
    touched = values["owners_touched_at"]
    return {
        "id": values["id"], "title": values["title"], "summary": values["summary"],
        "themes": list(values["themes"]), "audience": list(values["audience"]),
        "languages": list(values["languages"]), "cost": values["cost"], "status": values["status"],
        "url": links[0], "ical_url": links[1], "places": places,
        "location_name": values["location_name"] or None,
        "volunteer_roles": list(values["volunteer_roles"]),
        "updated_at": touched.isoformat() if touched else None,
    }


def _geometry(coords) -> dict | None:
    return {"type": "Point", "coordinates": [round(coords[0], 6), round(coords[1], 6)]} if coords else None


def _feature(initiative, distance=None, dates=None, full: bool = False) -> dict:
    values = {name: getattr(initiative, name) for name in api_query.VALUES}
    places = [{"id": p.id, "name": p.name, "address": p.address} for p in listed_places(initiative)]
    links = (absolute_url("initiatives.detail", initiative_id=initiative.id),
             absolute_url("initiatives.initiative_ics", initiative_id=initiative.id))
    props = _properties(values, places, links)
    if distance is not None:
        props["distance_m"] = round(distance)
    if dates is not None:
        props["next_dates"] = [_instance_json(i) for i in dates]
    if full:
        props["description"] = initiative.description
        props["cost_note"] = initiative.cost_note
        props["activities"] = [{
            "id": a.id, "title": a.title, "place_id": a.place_id, "frequency": a.frequency,
            "month_week": a.month_week, "starts_on": a.starts_on.isoformat(),
            "ends_on": a.ends_on.isoformat() if a.ends_on else None,
            "start_time": a.start_time.strftime("%H:%M"), "end_time": a.end_time.strftime("%H:%M"),
            "timezone": a.timezone, "cancelled_dates": sorted(d.isoformat() for d in a.cancelled_dates),
        } for a in initiative.activities]
    return {"type": "Feature", "id": initiative.id, "geometry": _geometry(services.coordinates(initiative)),
            "properties": props}


def _link_maker(endpoint: str):
    """A function id -> absolute link of `endpoint`, built once (not a URL build per feature)."""
    sample = absolute_url(endpoint, initiative_id=_SAMPLE_ID)
    head, tail = sample.split(str(_SAMPLE_ID), 1)
    return lambda initiative_id: f"{head}{initiative_id}{tail}"


def _nearby_feature(found: api_query.Nearby, detail, ical) -> dict:
    initiative_id = found.values["id"]
    props = _properties(found.values, found.places, (detail(initiative_id), ical(initiative_id)))
    if found.distance is not None:
        props["distance_m"] = round(found.distance)
    props["next_dates"] = found.next_dates
    return {"type": "Feature", "id": initiative_id, "geometry": _geometry(found.coordinates), "properties": props}


def _geojson(payload: dict):
    """GeoJSON (RFC 7946) is sent as application/geo+json, as the OpenAPI document says."""
    response = jsonify(payload)
    response.mimetype = "application/geo+json"
    return response


def list_initiatives():
    try:
        args = finding_place.locate(request.args, take_first=True).args   # q: a postcode or place
        lat = parse_float(args, "lat", -90, 90)
        lon = parse_float(args, "lon", -180, 180)
    except Invalid as exc:   # the API's own 400 body: code "bad_request", `param` naming the parameter
        raise ApiError(exc.message, param=exc.field) from None
    if (lat is None) != (lon is None):
        raise ApiError(_("Geef zowel lat als lon op."), param="lat" if lat is None else "lon")
    radius = _int("radius", 5000, 100, services.MAX_RADIUS)
    limit = _int("limit", 100, 1, 500)
    theme = (request.args.get("theme") or "").strip() or None
    if theme and theme not in THEMES:
        raise ApiError(_("Onbekend thema. Kies uit: %(list)s.", list=", ".join(THEMES)), param="theme")
    now = clock.utcnow()
    start = _moment("from", now, now)
    end = _moment("to", start + timedelta(days=30), now)
    if end <= start:
        raise ApiError(_("to moet na from liggen."), param="to")
    if end - start > MAX_SPAN:
        raise ApiError(_("De periode is te lang (hoogstens 366 dagen)."), param="to")
    detail, ical = _link_maker("initiatives.detail"), _link_maker("initiatives.initiative_ics")
    features = [_nearby_feature(found, detail, ical)
                for found in api_query.nearby(lon, lat, radius, theme, limit, start, end)]
    return _geojson({"type": "FeatureCollection", "features": features,
                     "from": start.isoformat(), "to": end.isoformat()})


def get_initiative(initiative_id: int):
    initiative = services.get_visible(initiative_id, None)
    if initiative is None:
        raise ApiError(_("Dit initiatief bestaat niet (meer)."), status=404, code="not_found")
    return _geojson(_feature(initiative, dates=services.upcoming(initiative, limit=10), full=True))


def list_participants(initiative_id: int):
    """Who said "doe mee": owners only (401 anonymous, 403 others)."""
    if not current_user.is_authenticated:
        raise ApiError(_("U moet eerst inloggen."), status=401, code="unauthorized")
    initiative = services.get_visible(initiative_id, current_user)
    if initiative is None:
        raise ApiError(_("Dit initiatief bestaat niet (meer)."), status=404, code="not_found")
    rows = services.participants(initiative, current_user)   # NotAllowed: 403 "forbidden" with its message
    return jsonify({"participants": [{"name": p.user.public_name, "kind": p.kind, "role": p.role,
                                      "message": p.message, "since": p.created_at.isoformat()} for p in rows]})


_ERR = openapi.error("Bad input; `error.param` names the parameter")
_NOT_FOUND = openapi.error("No such initiative, or it is hidden")
_INSTANCE = {"type": "object", "properties": {
    "start": {"type": "string", "format": "date-time"}, "end": {"type": "string", "format": "date-time"},
    "activity_id": {"type": "integer"}, "activity": {"type": "string"},
    "place_id": {"type": "integer", "nullable": True}, "cancelled": {"type": "boolean"}}}
_ID = {"name": "initiative_id", "in": "path", "required": True, "schema": {"type": "integer"}}
_HISTORY = "#/paths/~1api~1v1~1initiatives~1{initiative_id}~1history/get"

openapi.register(
    paths={
        "/api/v1/initiatives": {"get": {
            "summary": "Neighbourhood initiatives near a point, with their next activity dates",
            "operationId": "listInitiatives", "tags": ["initiatives"],
            "parameters": [
                {"name": "q", "in": "query", "schema": {"type": "string", "maxLength": 120},
                 "description": "postcode (1234 or 1234 AB) or place (town, also alternate names, or gemeente); "
                                "sets lat/lon (wins over them); an ambiguous name uses the best (most inhabitants); "
                                "unknown: 400 with error.param q"},
                {"name": "lat", "in": "query", "schema": {"type": "number", "minimum": -90, "maximum": 90},
                 "description": "latitude (WGS84); give lat and lon together"},
                {"name": "lon", "in": "query", "schema": {"type": "number", "minimum": -180, "maximum": 180}},
                {"name": "radius", "in": "query", "schema": {"type": "integer", "minimum": 100, "maximum": 50000,
                                                             "default": 5000}, "description": "metres"},
                {"name": "from", "in": "query", "schema": {"type": "string", "format": "date-time"},
                 "description": "start of the period for next_dates (date or date-time; default now; "
                                "at most 5 years before or after today)"},
                {"name": "to", "in": "query", "schema": {"type": "string", "format": "date-time"},
                 "description": "end of the period (default from + 30 days; at most 366 days after from, "
                                "at most 5 years from today)"},
                {"name": "theme", "in": "query", "schema": {"type": "string", "enum": list(THEMES)}},
                {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 500,
                                                            "default": 100}},
            ],
            "responses": {"200": {"description": "GeoJSON FeatureCollection, nearest first",
                                  "content": {"application/geo+json": {"schema": {
                                      "$ref": "#/components/schemas/InitiativeCollection"}}},
                                  "links": {"getInitiative": {
                                      "operationId": "getInitiative",
                                      "parameters": {"initiative_id": "$response.body#/features/0/id"},
                                      "description": "The first initiative found, in full"}}},
                          "400": _ERR},
        }},
        "/api/v1/initiatives/{initiative_id}": {"get": {
            "summary": "One initiative with its activities (rules, cancelled dates) and next dates",
            "operationId": "getInitiative", "tags": ["initiatives"],
            "parameters": [_ID],
            "responses": {"200": {"description": "GeoJSON Feature", "content": {"application/geo+json": {
                "schema": {"$ref": "#/components/schemas/InitiativeFeature"}}},
                "links": {"initiativeHistory": {"operationRef": _HISTORY,
                                                "parameters": {"initiative_id": "$response.body#/id"},
                                                "description": "Its public change history"},
                          "meetingPlace": {"operationId": "getPlace",
                                           "parameters": {"place_id": "$response.body#/properties/places/0/id"},
                                           "description": "The first place where it meets"},
                          "initiativeParticipants": {"operationId": "listInitiativeParticipants",
                                                     "parameters": {"initiative_id": "$response.body#/id"},
                                                     "description": "Who takes part (owners only)"}}},
                "404": _NOT_FOUND},
        }},
        "/api/v1/initiatives/{initiative_id}/participants": {"get": {
            "summary": "Who said 'doe mee' (the initiative's owners only; needs login)",
            "operationId": "listInitiativeParticipants", "tags": ["initiatives"],
            "parameters": [_ID],
            "responses": {"200": {"description": "The participants", "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Participants"}}}},
                "401": openapi.error("Not logged in"), "403": openapi.error("Not an owner of the initiative"),
                "404": _NOT_FOUND},
        }},
    },
    schemas={
        "InitiativeFeature": {"type": "object", "required": ["type", "id", "geometry", "properties"], "properties": {
            "type": {"type": "string", "enum": ["Feature"]}, "id": {"type": "integer"},
            "geometry": {"type": "object", "nullable": True, "required": ["type", "coordinates"], "properties": {
                "type": {"type": "string", "enum": ["Point"]},
                "coordinates": {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2}}},
            "properties": {"type": "object", "properties": {
                "id": {"type": "integer"}, "title": {"type": "string"}, "summary": {"type": "string"},
                "themes": {"type": "array", "items": {"type": "string"}},
                "audience": {"type": "array", "items": {"type": "string"}},
                "languages": {"type": "array", "items": {"type": "string"}},
                "cost": {"type": "string", "nullable": True},
                "status": {"type": "string", "enum": ["idea", "active", "paused", "ended"]},
                "url": {"type": "string"}, "ical_url": {"type": "string"},
                "distance_m": {"type": "integer"},
                "next_dates": {"type": "array", "items": _INSTANCE}}}}},
        "InitiativeCollection": {"type": "object", "required": ["type", "features"], "properties": {
            "type": {"type": "string", "enum": ["FeatureCollection"]},
            "features": {"type": "array", "items": {"$ref": "#/components/schemas/InitiativeFeature"}},
            "from": {"type": "string", "format": "date-time"}, "to": {"type": "string", "format": "date-time"}}},
        "Participants": {"type": "object", "required": ["participants"], "properties": {
            "participants": {"type": "array", "items": {"type": "object", "properties": {
                "name": {"type": "string"}, "kind": {"type": "string", "enum": ["join", "volunteer"]},
                "role": {"type": "string"},
                "message": {"type": "string", "nullable": True},
                "since": {"type": "string", "format": "date-time"}}}}}},
    },
)
