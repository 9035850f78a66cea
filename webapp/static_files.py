"""Static files with fingerprinted URLs (long cache), Leaflet served from the xstatic package."""
from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from pathlib import Path

import xstatic.pkg.leaflet as xleaflet
from flask import Blueprint, Flask, send_from_directory, url_for

LEAFLET_DIR = Path(xleaflet.BASE_DIR)
vendor = Blueprint("vendor", __name__)


@vendor.route("/vendor/leaflet/<path:filename>")
def leaflet(filename: str):
    """Leaflet from the xstatic package. Its URLs carry no version, so they are cached for a day, not a
    year: an upgrade of the package reaches every browser by the next day."""
    return send_from_directory(LEAFLET_DIR, filename, max_age=86400)


@lru_cache(maxsize=512)
def _digest(path: str, mtime: float) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]


def init_app(app: Flask) -> None:
    app.register_blueprint(vendor)
    static_root = Path(app.static_folder or "")

    versions: dict[str, str] = {}

    def version_of(filename: str) -> str:
        """The content hash of a static file; "0" when it is missing."""
        full = static_root / filename
        try:
            return _digest(str(full), os.path.getmtime(full))
        except OSError:
            return "0"

    def asset_url(filename: str) -> str:
        """url_for('static') with a content hash, so the file can be cached for a year. The hash is looked
        up once per process (the files do not change while it runs); in debug mode (`flask run --debug`)
        each call checks the file's mtime, so an edited file gets a new URL at once."""
        if app.debug:
            version = version_of(filename)
        elif filename in versions:
            version = versions[filename]
        else:
            version = versions[filename] = version_of(filename)
        return url_for("static", filename=filename, v=version)

    app.jinja_env.globals["asset_url"] = asset_url

    @app.after_request
    def cache_static(response):
        from flask import request

        if request.endpoint == "static" and request.args.get("v"):
            response.cache_control.public = True
            response.cache_control.max_age = 31536000
            response.cache_control.immutable = True
        return response
