"""The OpenAPI document at /api/v1/openapi.json. Each domain registers its paths and schemas at import."""
from __future__ import annotations

from typing import Any

_PATHS: dict[str, Any] = {}
_SCHEMAS: dict[str, Any] = {}


ERROR_SCHEMA = {"$ref": "#/components/schemas/Error"}
# Answers any operation can give, added where an operation does not describe them itself: a control character
# anywhere in the request is a 400 (webapp/converters.py), a path that cannot be an id a 404, and a database
# that cannot be reached a 503 with Retry-After (webapp/errors.py).
COMMON_RESPONSES: dict[str, str] = {
    "400": "Bad input (for example a control character in a parameter); `error.param` names the parameter "
           "when it is one",
    "503": "The service is unavailable for a moment; try again after Retry-After seconds",
}
PATH_RESPONSES: dict[str, str] = {"404": "Not found"}
CSV_DIALECT = ("The CSV dialect (RFC 4180): UTF-8 without byte order mark, comma as separator, CRLF line ends, "
               "double quotes around a value only when it holds a comma, quote or line break (a quote inside "
               "is doubled), and a first row with the column names. A text value that a spreadsheet would "
               "evaluate as a formula starts with a single quote.")


def error(description: str) -> dict[str, Any]:
    """A response answered with the JSON error body (`{"error": {"code", "message", "param"?}}`)."""
    return {"description": description, "content": {"application/json": {"schema": ERROR_SCHEMA}}}


def register(paths: dict[str, Any], schemas: dict[str, Any] | None = None) -> None:
    _PATHS.update(paths)
    _SCHEMAS.update(schemas or {})


def _with_common_responses(paths: dict[str, Any]) -> dict[str, Any]:
    """Each operation with the answers every operation can give (a copy: the registered paths stay as they are)."""
    out: dict[str, Any] = {}
    for path, item in sorted(paths.items()):
        out[path] = {}
        for method, operation in item.items():
            responses = dict(operation.get("responses", {}))
            common = {**COMMON_RESPONSES, **(PATH_RESPONSES if "{" in path else {})}
            for status, description in common.items():
                responses.setdefault(status, error(description))
            if "503" in responses:
                responses["503"] = {**responses["503"], "headers": {"Retry-After": {
                    "description": "seconds to wait", "schema": {"type": "integer"}}}}
            out[path][method] = {**operation, "responses": dict(sorted(responses.items()))}
    return out


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
        "paths": _with_common_responses(_PATHS),
        "components": {
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["error"],
                    "properties": {"error": {"type": "object", "required": ["code", "message"], "properties": {
                        "code": {"type": "string"}, "message": {"type": "string"},
                        "param": {"type": "string", "description": "the parameter or body field that was wrong"}}}},
                },
                **_SCHEMAS,
            }
        },
    }
