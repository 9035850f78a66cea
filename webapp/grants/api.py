"""Open data (JSON and CSV) of granted startbijdragen per gemeente, and a small staff API for decisions."""
from __future__ import annotations

import csv
import gzip
import io
from collections.abc import Callable
from typing import Any

from flask import Response, abort, current_app, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.http import is_resource_modified

from webapp import openapi
from webapp.csv_safety import spreadsheet_safe
from webapp.errors import ApiError
from webapp.extensions import db
from webapp.grants import services as svc
from webapp.grants.models import GrantApplication
from webapp.grants.services import open_data
from webapp.i18n import current_locale
from webapp.transactions import commit_or_raise

CSV_COLUMNS = ["round_id", "round", "initiative_id", "initiative", "purpose", "amount_cents", "amount_eur",
               "date", "paid", "district"] + [f"round_{key}" for key in svc.FIGURE_KEYS]


def _gemeente(code: str) -> Any:
    gemeente = svc.gemeente_brief(code)
    if gemeente is None:
        raise ApiError(_("Deze gemeente bestaat niet."), status=404, code="not_found", param="code")
    return gemeente


def _public_document(code: str) -> dict:
    gemeente = _gemeente(code)
    rounds = []
    for item in svc.public_overview(code):
        r = item["round"]
        rounds.append({
            "id": r.id, "name": r.name, "opens_on": r.opens_on.isoformat(), "closes_on": r.closes_on.isoformat(),
            "area": svc.area_name(r), "max_amount_cents": r.max_amount_cents,
            # The round's figures, one definition (services/budget.round_totals).
            **{key: item["totals"][key] for key in svc.FIGURE_KEYS},
            "grants": [{"initiative_id": g["initiative_id"], "initiative": g["initiative"], "purpose": g["purpose"],
                        "amount_cents": g["amount_cents"], "date": g["date"].isoformat() if g["date"] else None,
                        "paid": g["paid"], "district": g["district"]} for g in item["grants"]],
        })
    return {"gemeente": {"code": gemeente.code, "name": gemeente.name}, "rounds": rounds}


def _csv_body(code: str) -> bytes:
    document = _public_document(code)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for r in document["rounds"]:
        figures = [r[key] for key in svc.FIGURE_KEYS]
        name = spreadsheet_safe(r["name"])
        for g in r["grants"]:
            cents = g["amount_cents"]
            # Every text cell, the round's name too: nothing a spreadsheet would run as a formula.
            writer.writerow([r["id"], name, g["initiative_id"],
                             spreadsheet_safe(g["initiative"]), spreadsheet_safe(g["purpose"]), cents,
                             f"{cents // 100}.{cents % 100:02d}", g["date"] or "", "yes" if g["paid"] else "no",
                             spreadsheet_safe(g["district"])] + figures)
    return out.getvalue().encode()


def _json_body(code: str) -> bytes:
    return jsonify(_public_document(code)).get_data()


# ---------------------------------------------------------------- open data: made once per change

MAX_AGE = 60   # seconds a client or shared cache may use a download without asking again
# Flask-Compress appends the encoding to a strong ETag ("…:gzip"); a client sends that form back.
_ENCODINGS = ("", ":zstd", ":br", ":gzip", ":deflate")


def _open_data(code: str, kind: str, mimetype: str, build: Callable[[str], bytes],
               headers: dict[str, str]) -> Response:
    """The download `kind` of a gemeente: 304 when the client has the current one; else the body made at
    the last change (made now when there was none). The fingerprint is read at most every few seconds per
    process (services/open_data.current); tests read it on every request."""
    version = open_data.current(code, current_locale(), fresh_for=open_data.fresh_seconds(current_app),
                                check=lambda: _gemeente(code))
    common = {"Cache-Control": f"public, max-age={MAX_AGE}", "Vary": "Accept-Language, Cookie",
              "Access-Control-Allow-Origin": "*"}
    for suffix in _ENCODINGS:
        if not is_resource_modified(request.environ, etag=version.etag + suffix,
                                    last_modified=version.last_modified):
            response = Response(status=304, headers=common)
            response.set_etag(version.etag + suffix)
            if version.last_modified is not None:
                response.last_modified = version.last_modified
            return response
    body = open_data.BODIES.get_or_make((kind, code, version.etag), lambda: build(code))
    etag = version.etag
    if request.accept_encodings["gzip"] > 0 and len(body) >= current_app.config.get("COMPRESS_MIN_SIZE", 1400):
        # Compressed once per change too (Flask-Compress would compress ~1 MB on every request); the ETag
        # in the form Flask-Compress gives a compressed answer.
        plain = body
        body = open_data.BODIES.get_or_make((kind, code, version.etag, "gzip"),
                                            lambda: gzip.compress(plain, compresslevel=6, mtime=0))
        headers = {**headers, "Content-Encoding": "gzip"}
        etag += ":gzip"
    response = Response(body, mimetype=mimetype, headers={**common, **headers})
    response.set_etag(etag)
    if version.last_modified is not None:
        response.last_modified = version.last_modified
    return response


def public_json(code: str):
    return _open_data(code, "json", "application/json", _json_body, {})


def public_csv(code: str):
    return _open_data(code, "csv", "text/csv", _csv_body,
                      {"Content-Disposition": f'attachment; filename="startbijdragen-{code}.csv"'})


# ---------------------------------------------------------------- staff API

def _application(application_id: int) -> GrantApplication:
    if not current_user.is_authenticated:
        abort(401)
    application = db.session.get(GrantApplication, application_id)
    if application is None:
        raise ApiError(_("Deze aanvraag bestaat niet."), status=404, code="not_found")
    return application


def _application_json(a: GrantApplication) -> dict:
    return {"id": a.id, "round_id": a.round_id, "initiative_id": a.initiative_id, "status": a.status,
            "title": a.title, "amount_cents": a.amount_cents, "granted_cents": a.granted_cents,
            "quick_lane": a.quick_lane, "due_on": a.due_on.isoformat() if a.due_on else None,
            "decision_reason": a.decision_reason,
            "budget_lines": [{"description": line.description, "amount_cents": line.amount_cents}
                             for line in a.lines]}


def application_json(application_id: int):
    application = _application(application_id)
    if not svc.can_view(current_user, application):
        abort(403)
    return jsonify(_application_json(application))


def decide_json(application_id: int):
    application = _application(application_id)
    if not svc.can_decide(current_user, application):
        abort(403)
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ApiError(_("Stuur JSON met decision, reason en eventueel amount_cents."), code="invalid_json")
    amount = body.get("amount_cents")
    if amount is not None and (not isinstance(amount, int) or isinstance(amount, bool)):
        raise ApiError(_("amount_cents moet een heel getal (centen) zijn."), param="amount_cents")
    # A broken rule answers 400 ("rule_broken"), too little budget 409 ("budget_exceeded"), with the field as
    # `param` (webapp.errors); nothing is saved then.
    commit_or_raise(lambda: svc.decide(current_user, application, str(body.get("decision", "")),
                                       str(body.get("reason") or ""), amount))
    return jsonify(_application_json(application))


_GRANT = {"type": "object", "properties": {
    "initiative_id": {"type": "integer"}, "initiative": {"type": "string"},
    "purpose": {"type": "string", "description": "short purpose, as the applicant wrote it"},
    "amount_cents": {"type": "integer"}, "date": {"type": "string", "format": "date", "nullable": True},
    "paid": {"type": "boolean"}, "district": {"type": "string"}}}
_ERR = {"$ref": "#/components/schemas/Error"}
_CODE = {"name": "code", "in": "path", "required": True, "schema": {"type": "string", "example": "GM0363"},
         "description": "CBS gemeentecode"}
_ID = {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}
_APPLICATION_OK = {"description": "the application", "content": {"application/json": {
    "schema": {"$ref": "#/components/schemas/GrantApplication"}}}}

openapi.register({
    "/api/v1/gemeenten/{code}/startbijdragen": {"get": {
        "summary": "Startbijdragen of a gemeente: every round's budget, granted, paid and remaining money, "
                   "and every granted startbijdrage (no personal data)",
        "operationId": "gemeenteStartbijdragen", "tags": ["startbijdragen"], "parameters": [_CODE],
        "responses": {"200": {"description": "rounds and grants", "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/GrantOverview"}}},
            "links": {"grantedInitiative": {
                "operationId": "getInitiative",
                "parameters": {"initiative_id": "$response.body#/rounds/0/grants/0/initiative_id"},
                "description": "The initiative of the first grant"}}},
            "404": {"description": "unknown gemeente", "content": {"application/json": {"schema": _ERR}}}}}},
    "/api/v1/gemeenten/{code}/startbijdragen.csv": {"get": {
        "summary": "The granted startbijdragen of a gemeente as CSV (one row per grant)",
        "operationId": "gemeenteStartbijdragenCsv", "tags": ["startbijdragen"], "parameters": [_CODE],
        "responses": {"200": {"description": "CSV with columns " + ", ".join(CSV_COLUMNS) + ". "
                                             + openapi.CSV_DIALECT,
                              "content": {"text/csv": {"schema": {"type": "string"}}}},
                      "404": {"description": "unknown gemeente", "content": {"application/json": {"schema": _ERR}}}}}},
    "/api/v1/startbijdragen/aanvragen/{id}": {"get": {
        "summary": "One application (for its applicant and the gemeente's staff; needs login)",
        "operationId": "getGrantApplication", "tags": ["startbijdragen"], "parameters": [_ID],
        "responses": {"200": _APPLICATION_OK, "401": openapi.error("not logged in"),
                      "403": openapi.error("not allowed"), "404": openapi.error("unknown application")}}},
    "/api/v1/startbijdragen/aanvragen/{id}/besluit": {"post": {
        "summary": "Decide on an application (staff of the gemeente; not on one they submitted)",
        "operationId": "decideGrantApplication", "tags": ["startbijdragen"], "parameters": [_ID],
        "requestBody": {"required": True, "content": {"application/json": {"schema": {
            "type": "object", "required": ["decision", "reason"], "properties": {
                "decision": {"type": "string", "enum": ["approve", "reject"]},
                "reason": {"type": "string", "description": "shown to the applicant"},
                "amount_cents": {"type": "integer", "description": "a lower amount than asked (optional)"}}}}}},
        "responses": {"200": {**_APPLICATION_OK, "description": "the application after the decision"},
                      "400": openapi.error("a rule was broken, or the body is not the JSON described"),
                      "401": openapi.error("not logged in"), "403": openapi.error("not allowed"),
                      "404": openapi.error("unknown application"),
                      "409": openapi.error("not enough budget left"),
                      "413": openapi.error("the body is larger than 6 MB")}}},
}, {
    "GrantApplication": {"type": "object", "required": ["id", "round_id", "status"], "properties": {
        "id": {"type": "integer"}, "round_id": {"type": "integer"},
        "initiative_id": {"type": "integer", "nullable": True}, "status": {"type": "string"},
        "title": {"type": "string"}, "amount_cents": {"type": "integer"},
        "granted_cents": {"type": "integer", "nullable": True}, "quick_lane": {"type": "boolean"},
        "due_on": {"type": "string", "format": "date", "nullable": True},
        "decision_reason": {"type": "string", "nullable": True},
        "budget_lines": {"type": "array", "items": {"type": "object", "properties": {
            "description": {"type": "string"}, "amount_cents": {"type": "integer"}}}}}},
    "GrantOverview": {"type": "object", "properties": {
        "gemeente": {"type": "object", "properties": {"code": {"type": "string"}, "name": {"type": "string"}}},
        "rounds": {"type": "array", "items": {"type": "object", "properties": {
            "id": {"type": "integer"}, "name": {"type": "string"}, "opens_on": {"type": "string", "format": "date"},
            "closes_on": {"type": "string", "format": "date"}, "area": {"type": "string"},
            "max_amount_cents": {"type": "integer"}, "budget_cents": {"type": "integer"},
            "granted_cents": {"type": "integer"}, "paid_cents": {"type": "integer"},
            "provisional_cents": {"type": "integer"}, "in_payment_cents": {"type": "integer"},
            "refunded_cents": {"type": "integer"},
            "remaining_cents": {"type": "integer"}, "grants": {"type": "array", "items": _GRANT}}}}}},
})
