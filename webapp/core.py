"""Pages and routes that belong to no domain: health check, language switch."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, redirect, render_template, request, url_for
from sqlalchemy import text

from webapp.extensions import db
from webapp.i18n import LANG_COOKIE

bp = Blueprint("core", __name__)


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
    target = request.form.get("next") or url_for("core.home")
    if not target.startswith("/") or target.startswith("//"):
        target = url_for("core.home")
    response = redirect(target)
    if lang in current_app.config["LANGUAGES"]:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    return response


@bp.get("/")
def home():
    """The start page is the places search (endpoint `places.search`) once that exists."""
    search = current_app.view_functions.get("places.search")
    if search is not None:
        return search()
    return render_template("home.html")


@bp.get("/api/v1/openapi.json")
def openapi_document():
    from webapp.openapi import document

    return jsonify(document())
