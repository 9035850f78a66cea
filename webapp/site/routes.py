"""Thin controllers: the colofon page and the place suggestions (combobox) API."""
from __future__ import annotations

import json

from flask import Response, render_template, request

from webapp.areas import geocode

SUGGEST_LIMIT = 8


def colofon():
    """GET /colofon: who made the data we use, and under which licence."""
    return render_template("site/colofon.html")


def plaatsen():
    """GET /api/v1/plaatsen?q=: postcodes and places that start with q (for the "Postcode of plaats" field)."""
    found = geocode.suggest(request.args.get("q") or "", limit=SUGGEST_LIMIT)
    body = json.dumps({"q": (request.args.get("q") or "")[:geocode.MAX_TEXT],
                       "results": [c.as_dict() for c in found]}, ensure_ascii=False, separators=(",", ":"))
    response = Response(body, mimetype="application/json")
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response
