"""Error pages in the base layout, JSON errors under /api/, a request id on every request."""
from __future__ import annotations

import logging
import uuid

import psycopg
import sqlalchemy as sa
from flask import Flask, current_app, g, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable

from webapp.domain_errors import DomainError

log = logging.getLogger("webapp")

MESSAGES = {
    400: _l("Er klopt iets niet in uw verzoek."),
    401: _l("U moet eerst inloggen."),
    403: _l("U mag dit niet doen."),
    404: _l("Deze pagina bestaat niet (meer)."),
    405: _l("Dit kan niet op deze manier."),
    409: _l("Dit kan nu niet meer: iemand anders heeft het intussen veranderd."),
    413: _l("Het bestand is te groot."),
    429: _l("U probeert het te vaak. Wacht even en probeer het dan opnieuw."),
    500: _l("Er ging iets mis bij ons. Probeer het later opnieuw."),
    503: _l("De website is even niet bereikbaar. Probeer het over een minuut opnieuw."),
}
RETRY_AFTER_SECONDS = 60
# Posted fields never written back into a page (the browser would keep them in its cache and history).
SECRET_FIELDS = ("password", "wachtwoord", "token")


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


def json_error(status: int, code: str, message: object, **extra):
    body = {"error": {"code": code, "message": str(message), **extra}}
    response = jsonify(body)
    response.status_code = status
    return response


def _code_name(exc: HTTPException) -> str:
    return (exc.name or "error").lower().replace(" ", "_")


def database_unavailable(exc: BaseException | None) -> bool:
    """True when `exc` (or what caused it) says the database cannot be reached or used right now:
    connection refused or lost, the pool's wait ran out, the server shutting down or restarting."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, (sa.exc.OperationalError, sa.exc.InterfaceError, sa.exc.TimeoutError,
                            psycopg.OperationalError, psycopg.InterfaceError)):
            return True
        if isinstance(exc, sa.exc.DBAPIError) and exc.connection_invalidated:
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def _resend_fields() -> list[tuple[str, str]]:
    """What the visitor sent with the form, to send again with one click (secrets left out)."""
    if request.method != "POST" or wants_json():
        return []
    try:
        form = request.form
    except Exception:  # noqa: BLE001 - a body we cannot read: nothing to give back
        return []
    return [(name, value) for name, values in form.lists() for value in values
            if not any(secret in name.lower() for secret in SECRET_FIELDS)]


def unavailable_response():
    """503 with Retry-After: a plain page (or JSON under /api/) that needs no database to render; a form
    that was sent comes back filled in, to send again when the database is back."""
    from flask_login import AnonymousUserMixin

    message = MESSAGES[503]
    if wants_json():
        response = json_error(503, "service_unavailable", message)
    else:
        g._login_user = AnonymousUserMixin()  # the page must not ask the database who is logged in
        fields = _resend_fields()
        secrets_left_out = request.method == "POST" and any(
            any(secret in name.lower() for secret in SECRET_FIELDS) for name in request.form)
        try:
            # Straight from the Jinja environment: no context processor (they may need the database).
            html = current_app.jinja_env.get_template("errors/503.html").render(
                message=message, status=503, fields=fields, action=request.full_path.rstrip("?"),
                files_left_out=bool(request.files), secrets_left_out=secrets_left_out, request=request, g=g)
        except Exception:  # noqa: BLE001 - the last resort must not fail: plain text
            log.exception("could not render the 503 page")
            html = str(message)
        response = current_app.make_response((html, 503))
        if fields:
            response.headers["Cache-Control"] = "no-store"  # it holds what the visitor typed
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def init_app(app: Flask) -> None:
    @app.before_request
    def assign_request_id():
        g.request_id = request.headers.get("X-Request-ID", "")[:64] or uuid.uuid4().hex

    @app.after_request
    def expose_request_id(response):
        response.headers["X-Request-ID"] = g.get("request_id", "")
        if response.status_code == 503:  # every "not now" says when to try again (/healthz too)
            response.headers.setdefault("Retry-After", str(RETRY_AFTER_SECONDS))
        return response

    @app.errorhandler(ApiError)
    def handle_api_error(exc: ApiError):
        extra = {"param": exc.param} if exc.param else {}
        return json_error(exc.status, exc.code, exc.message, **extra)

    @app.errorhandler(DomainError)
    def handle_domain_error(exc: DomainError):
        """The one mapping of the domain error family to HTTP: 400 / 403 / 404 / 409 with the message."""
        _rollback()
        message = exc.message or MESSAGES.get(exc.status, "")
        if wants_json():
            extra = {"param": exc.field} if exc.field else {}
            return json_error(exc.status, exc.code, message, **extra)
        template = f"errors/{exc.status}.html" if exc.status in (400, 403, 404) else "errors/generic.html"
        return app.make_response((render_template(template, status=exc.status, message=message), exc.status))

    @app.errorhandler(HTTPException)
    def handle_http_error(exc: HTTPException):
        if isinstance(exc, ServiceUnavailable):
            return unavailable_response()
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
        if database_unavailable(exc):
            log.warning("database unavailable, request id %s: %s", g.get("request_id", "-"), exc)
            _rollback()
            return unavailable_response()
        log.exception("Unhandled error, request id %s", g.get("request_id", "-"))
        _rollback()
        return handle_http_error(InternalServerError())


def _rollback() -> None:
    """Nothing half-saved: undo what the request did (the database itself may be the problem)."""
    try:
        from webapp.extensions import db

        db.session.rollback()
    except Exception:  # noqa: BLE001
        log.warning("rollback after error failed", exc_info=True)
