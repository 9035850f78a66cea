"""Pages and routes that belong to no domain: health check, language switch, the offline page and
service worker (PWA), and compression of text responses."""
from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import cast

from flask import Blueprint, Response, current_app, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import text

from webapp.extensions import db
from webapp.i18n import LANG_COOKIE
from webapp.redirects import safe_next_url

bp = Blueprint("core", __name__)

# Text we send compressed (zstd, brotli or gzip, whichever the browser takes) when no reverse proxy
# does it: pages, CSS, JS, JSON/GeoJSON, feeds. Images (PNG/JPEG/WebP) are compressed already.
COMPRESS_MIMETYPES = [
    "text/html", "text/css", "text/plain", "text/javascript", "application/javascript", "text/csv",
    "text/calendar", "application/json", "application/geo+json", "application/manifest+json",
    "application/xml", "image/svg+xml",
]


@bp.record_once
def _setup_compression(state) -> None:
    """Flask-Compress on the whole app (registered with the core blueprint, so create_app stays as it is)."""
    app = state.app
    from flask_compress import Compress

    app.config.setdefault("COMPRESS_MIMETYPES", COMPRESS_MIMETYPES)
    # Below about one network packet compression saves no round trip, only CPU.
    app.config.setdefault("COMPRESS_MIN_SIZE", 1400)
    Compress(app)


@bp.after_app_request
def _private_pages_for_signed_in_users(response):
    """A signed-in user's pages may hold personal data: no shared cache (nor the service worker) keeps them."""
    if response.mimetype == "text/html" and "Cache-Control" not in response.headers:
        try:
            signed_in = current_user.is_authenticated
        except Exception:  # no user loader yet, or the database is down: treat as signed in
            signed_in = True
        if signed_in:
            response.cache_control.private = True
            response.cache_control.no_cache = True
    return response


@bp.get("/healthz")
def healthz():
    try:
        row = db.session.execute(text("select version(), postgis_full_version()")).one()
    except Exception:  # any failure to reach the database or PostGIS is "unhealthy"
        db.session.rollback()
        return jsonify(status="unavailable", database=None, postgis=None), 503
    return jsonify(status="ok", database=row[0].split(",")[0], postgis=row[1].split('"')[1])


@bp.post("/taal")
def set_language():
    """The language switch in the header: remember the choice in a cookie for a year."""
    lang = request.form.get("lang", "")
    target = safe_next_url(request.form.get("next"), url_for("core.home"))
    response = redirect(target)
    if lang in current_app.config["LANGUAGES"]:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 24 * 3600, samesite="Lax", httponly=True,
                            secure=current_app.config.get("SESSION_COOKIE_SECURE", False))
    return response


@bp.get("/")
def home():
    """The start page is the places search."""
    return current_app.view_functions["places.search"]()


@bp.get("/api/v1/openapi.json")
def openapi_document():
    from webapp.openapi import document

    return jsonify(document())


@bp.get("/offline")
def offline():
    """The page the service worker shows when there is no network and no kept copy of a page."""
    return render_template("offline.html")


def _service_worker_config() -> dict:
    # webapp/static_files.py puts it there.
    asset_url = cast(Callable[[str], str], current_app.jinja_env.globals["asset_url"])
    shell = [asset_url("css/app.css"), asset_url("js/app.js"), asset_url("icons/icon.svg"),
             asset_url("icons/icon-192.png"), asset_url("icons/icon-512.png"),
             asset_url("icons/icon-maskable-512.png"), url_for("core.offline")]
    return {"shell": shell, "offline": url_for("core.offline"), "logout": url_for("accounts.logout")}


@bp.get("/sw.js")
def service_worker():
    """static/sw.js with the fingerprinted app shell filled in, served from / so its scope is the whole site.

    The version changes whenever a shell file changes, so browsers install the new worker."""
    source = (Path(current_app.root_path) / "static" / "sw.js").read_text(encoding="utf-8")
    config = _service_worker_config()
    config["version"] = hashlib.sha256((source + json.dumps(config)).encode()).hexdigest()[:12]
    body = source.replace("/*CONFIG*/{}/*END*/", json.dumps(config), 1)
    response = Response(body, mimetype="text/javascript")
    response.headers["Service-Worker-Allowed"] = "/"
    response.cache_control.no_cache = True
    response.cache_control.public = True
    return response
