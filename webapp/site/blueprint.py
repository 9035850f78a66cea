"""Every URL rule of the site package."""
from __future__ import annotations

from flask import Blueprint

from webapp.extensions import limiter
from webapp.site import api_doc, routes  # noqa: F401  (api_doc registers the OpenAPI paths)

bp = Blueprint("site", __name__, template_folder="templates")
api_bp = Blueprint("site_api", __name__)

SUGGEST_RATE = "120 per minute"   # one request per typed letter; a person types far fewer

bp.add_url_rule("/colofon", "colofon", routes.colofon)
api_bp.add_url_rule("/api/v1/plaatsen", "plaatsen", limiter.limit(SUGGEST_RATE)(routes.plaatsen))
