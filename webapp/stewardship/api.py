"""Open data: the public change history of a place or an initiative (JSON). Documented in OpenAPI."""
from __future__ import annotations

from flask import jsonify
from flask_babel import gettext as _

from webapp import openapi
from webapp.domain_errors import NotFound
from webapp.stewardship import services


def _history(subject_type: str, subject_id: int):
    """Readable for everything public (a closed place too); proposals and hidden subjects: 404."""
    subject = services.get_subject(subject_type, subject_id)
    if subject is None or not services.is_public(subject):
        raise NotFound(_("Dit bestaat niet (meer)."))
    revisions = services.history(subject)
    response = jsonify({"data": [{
        "id": r.id,
        "created_at": r.created_at.isoformat() if r.created_at else None,
        "kind": r.kind,
        "by": r.user.public_name if r.user else None,
        "changes": r.changes or {},
        "note": r.note or "",
    } for r in revisions], "open_reports": services.open_report_count(subject),
        "owners": [u.public_name for u in services.active_owners(subject)]})
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def place_history(place_id: int):
    return _history("place", place_id)


def initiative_history(initiative_id: int):
    return _history("initiative", initiative_id)


_HISTORY = {
    "type": "object",
    "properties": {
        "data": {"type": "array", "items": {"$ref": "#/components/schemas/Revision"}},
        "open_reports": {"type": "integer", "description": "open reports (reports about people not counted)"},
        "owners": {"type": "array", "items": {"type": "string"}, "description": "display names of the co-owners"},
    },
}


def _path(tag: str, param: str) -> dict:
    return {"get": {
        "summary": f"Public change history of one {tag}, newest first",
        "tags": ["stewardship"],
        "parameters": [{"name": param, "in": "path", "required": True, "schema": {"type": "integer"}}],
        "responses": {
            "200": {"description": "revisions", "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/History"}}}},
            "404": {"description": "unknown, not published or hidden", "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Error"}}}},
        }}}


openapi.register(
    {"/api/v1/places/{place_id}/history": _path("place", "place_id"),
     "/api/v1/initiatives/{initiative_id}/history": _path("initiative", "initiative_id")},
    {"History": _HISTORY,
     "Revision": {"type": "object", "properties": {
         "id": {"type": "integer"}, "created_at": {"type": "string", "format": "date-time"},
         "kind": {"type": "string", "enum": ["create", "edit", "suggestion", "revert", "status", "confirm", "owner"]},
         "by": {"type": "string", "nullable": True, "description": "display name; null for automatic changes"},
         "changes": {"type": "object", "additionalProperties": {"type": "object", "properties": {
             "old": {}, "new": {}}}},
         "note": {"type": "string"}}}},
)
