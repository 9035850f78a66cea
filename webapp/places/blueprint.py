"""Every URL rule of the places module."""
from __future__ import annotations

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from webapp import navigation
from webapp.places import accessibility, api, barriers, manage_routes, routes
from webapp.stewardship.blueprint import rule

bp = Blueprint("places", __name__, template_folder="templates")
api_bp = Blueprint("places_api", __name__)

bp.add_url_rule("/plekken", "search", routes.search)
bp.add_url_rule("/plekken/<int:place_id>", "detail", routes.detail)
bp.add_url_rule("/plekken/<int:place_id>/geschiedenis", "history", manage_routes.history)
# Proposing, editing, publishing (the generic co-beheer pages are stewardship's)
# Each saved step of a proposal counts: 40 an hour is about six proposals.
rule(bp, "/plekken/voorstellen", "propose", manage_routes.propose, ("GET", "POST"), limit="40 per hour")
rule(bp, "/plekken/<int:place_id>/intrekken", "withdraw_proposal", manage_routes.withdraw_proposal)
rule(bp, "/plekken/<int:place_id>/bewerken", "edit", manage_routes.edit, ("GET", "POST"), limit="60 per hour")
rule(bp, "/moderatie/plekken/<int:place_id>/publiceren", "publish", manage_routes.publish)
rule(bp, "/moderatie/plekken/<int:place_id>/afwijzen", "reject", manage_routes.reject)

api_bp.add_url_rule("/api/v1/places", "list", api.list_places)
api_bp.add_url_rule("/api/v1/places/<int:place_id>", "get", api.get_place)
api_bp.add_url_rule("/api/v1/gemeenten/<code>/places.geojson", "gemeente_geojson", api.gemeente_geojson)
api_bp.add_url_rule("/api/v1/gemeenten/<code>/places.csv", "gemeente_csv", api.gemeente_csv)

# The accessibility summary and barrier flags of result cards and place pages (places/_access.html).
bp.add_app_template_global(accessibility.summary, "access_summary")
bp.add_app_template_global(barriers.flags, "barrier_flags")

navigation.add("places.search", _l("Plekken zoeken"), order=10)
navigation.add("places.propose", _l("Plek voorstellen"), order=30)
