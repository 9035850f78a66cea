"""Error pages in the base layout, JSON errors under /api/, a request id on every request."""
from __future__ import annotations

import logging
import uuid

from flask import Flask, g, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException, InternalServerError

log = logging.getLogger("webapp")

MESSAGES = {
    400: _l("Er klopt iets niet in uw verzoek."),
    401: _l("U moet eerst inloggen."),
    403: _l("U mag dit niet doen."),
    404: _l("Deze pagina bestaat niet (meer)."),
    405: _l("Dit kan niet op deze manier."),
    413: _l("Het bestand is te groot."),
    429: _l("U probeert het te vaak. Wacht even en probeer het dan opnieuw."),
    500: _l("Er ging iets mis bij ons. Probeer het later opnieuw."),
    503: _l("De dienst is even niet beschikbaar."),
}


class ApiError(Exception):
    """A 4xx answer for the JSON API that names what was wrong (e.g. the parameter)."""

    def __init__(self, message: str, status: int = 400, code: str = "bad_request", param: str | None = None):
        super().__init__(str(message))
        self.message = str(message)
        self.status = status
        self.code = code
        self.param = param


def wants_json() -> bool:
    return request.path.startswith("/api/")


def json_error(status: int, code: str, message: str, **extra):
    body = {"error": {"code": code, "message": str(message), **extra}}
    response = jsonify(body)
    response.status_code = status
    return response


def _code_name(exc: HTTPException) -> str:
    return (exc.name or "error").lower().replace(" ", "_")


def init_app(app: Flask) -> None:
    @app.before_request
    def assign_request_id():
        g.request_id = request.headers.get("X-Request-ID", "")[:64] or uuid.uuid4().hex

    @app.after_request
    def expose_request_id(response):
        response.headers["X-Request-ID"] = g.get("request_id", "")
        return response

    @app.errorhandler(ApiError)
    def handle_api_error(exc: ApiError):
        extra = {"param": exc.param} if exc.param else {}
        return json_error(exc.status, exc.code, exc.message, **extra)

    @app.errorhandler(HTTPException)
    def handle_http_error(exc: HTTPException):
        status = exc.code or 500
        message = MESSAGES.get(status, exc.description)
        if status < 500 and exc.description and getattr(exc, "user_message", False):
            message = exc.description
        if wants_json():
            response = json_error(status, _code_name(exc), message)
        else:
            template = f"errors/{status}.html" if status in (400, 403, 404, 500) else "errors/generic.html"
            response = app.make_response((render_template(template, status=status, message=message), status))
        return response

    @app.errorhandler(Exception)
    def handle_unexpected(exc: Exception):
        if isinstance(exc, HTTPException):
            return handle_http_error(exc)
        log.exception("Unhandled error, request id %s", g.get("request_id", "-"))
        try:
            from webapp.extensions import db

            db.session.rollback()
        except Exception:  # pragma: no cover - the database itself may be the problem
            log.exception("rollback after error failed")
        return handle_http_error(InternalServerError())
