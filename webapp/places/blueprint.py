"""Every URL rule of the places module."""
from __future__ import annotations

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from webapp import navigation
from webapp.places import api, routes

bp = Blueprint("places", __name__, template_folder="templates")
api_bp = Blueprint("places_api", __name__)

bp.add_url_rule("/plekken", "search", routes.search)
bp.add_url_rule("/plekken/<int:place_id>", "detail", routes.detail)

api_bp.add_url_rule("/api/v1/places", "list", api.list_places)
api_bp.add_url_rule("/api/v1/places/<int:place_id>", "get", api.get_place)
api_bp.add_url_rule("/api/v1/gemeenten/<code>/places.geojson", "gemeente_geojson", api.gemeente_geojson)
api_bp.add_url_rule("/api/v1/gemeenten/<code>/places.csv", "gemeente_csv", api.gemeente_csv)

navigation.add("places.search", _l("Plekken zoeken"), order=10)
