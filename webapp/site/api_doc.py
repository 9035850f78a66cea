"""OpenAPI for the place suggestions (registered at import by webapp.site.blueprint)."""
from __future__ import annotations

from webapp import openapi

CANDIDATE = {"type": "object", "required": ["kind", "label", "name", "lon", "lat", "gemeente"], "properties": {
    "kind": {"type": "string", "enum": ["pc4", "woonplaats", "gemeente", "address"]},
    "label": {"type": "string", "description": "What to show; typed back as q it finds this one place"},
    "name": {"type": "string"}, "lon": {"type": "number"}, "lat": {"type": "number"},
    "gemeente": {"type": "string"}}}

PATHS = {
    "/api/v1/plaatsen": {"get": {
        "summary": "Postcodes and places starting with q, biggest first (suggestions for a search field)",
        "operationId": "suggestPlaces", "tags": ["places"],
        "parameters": [{"name": "q", "in": "query", "required": False, "schema": {"type": "string", "maxLength": 120},
                        "description": "At least 2 characters: the start of a postcode or of a place name "
                                       "(case and accents do not matter). Shorter: an empty list."}],
        "responses": {"200": {"description": "OK", "content": {"application/json": {"schema": {
            "type": "object", "required": ["q", "results"], "properties": {
                "q": {"type": "string"},
                "results": {"type": "array", "maxItems": 8,
                            "items": {"$ref": "#/components/schemas/PlaceCandidate"}}}}}}}}}},
}

openapi.register(PATHS, {"PlaceCandidate": CANDIDATE})
