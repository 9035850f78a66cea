"""The OpenAPI document at /api/v1/openapi.json. Each domain registers its paths and schemas at import."""
from __future__ import annotations

from typing import Any

_PATHS: dict[str, Any] = {}
_SCHEMAS: dict[str, Any] = {}


def register(paths: dict[str, Any], schemas: dict[str, Any] | None = None) -> None:
    _PATHS.update(paths)
    _SCHEMAS.update(schemas or {})


def document(server_url: str = "/") -> dict[str, Any]:
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Buurtplek open data API",
            "version": "1.0.0",
            "description": "Meeting places, neighbourhood initiatives and startbijdragen. Coordinates are "
                           "WGS84 (EPSG:4326), distances in metres, money in integer euro cents.",
            "license": {"name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"},
        },
        "servers": [{"url": server_url}],
        "paths": dict(sorted(_PATHS.items())),
        "components": {
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["error"],
                    "properties": {"error": {"type": "object", "required": ["code", "message"], "properties": {
                        "code": {"type": "string"}, "message": {"type": "string"},
                        "param": {"type": "string", "description": "the query parameter that was wrong"}}}},
                },
                **_SCHEMAS,
            }
        },
    }
