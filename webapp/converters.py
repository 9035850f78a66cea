"""Bounded input conversion: integers in URLs, query strings and forms; JSON request bodies.

- Ids fit PostgreSQL's `integer` (2^31 - 1). A larger number can never be one of our ids, so it is
  "not found" (404 in a URL) or a clear 400 in a query string or form, never a database error (500).
- Request JSON nested deeper than MAX_JSON_DEPTH is a 400 (Python's parser would hit its recursion
  limit, a 500), and HTML routes take form posts only: a JSON body there is a 415, so WTForms never
  sees lists or objects where it expects strings.
- Control characters (NUL and the like) in a query string, form or JSON body are one clear 400.
"""
from __future__ import annotations

import builtins
import re

from flask import request
from flask.json.provider import DefaultJSONProvider
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import BadRequest, UnsupportedMediaType
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1          # PostgreSQL integer / serial
MAX_JSON_DEPTH = 32
_ASCII_DIGITS = re.compile(r"[0-9]{1,10}")


class BoundedInt(IntegerConverter):
    """`<int:...>` that only matches 0..2^31-1 written with ASCII digits; anything larger is a 404."""

    regex = r"[0-9]+"

    def __init__(self, map, fixed_digits: int = 0, min: int | None = None, max: int | None = MAX_ID,
                 signed: bool = False) -> None:
        bound = MAX_ID if max is None else builtins.min(max, MAX_ID)
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=bound, signed=signed)


def parse_id(raw) -> int | None:
    """An id from a query string or form value: ASCII digits, 1..2^31-1; None for anything else."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw if 1 <= raw <= MAX_ID else None
    text = str(raw or "").strip()
    if not _ASCII_DIGITS.fullmatch(text):
        return None
    value = int(text)
    return value if 1 <= value <= MAX_ID else None


def parse_ids(values) -> list[int]:
    """The valid ids among `values` (see parse_id), in order, without repeats."""
    seen: list[int] = []
    for raw in values or []:
        value = parse_id(raw)
        if value is not None and value not in seen:
            seen.append(value)
    return seen


def json_depth(value) -> int:
    """How deeply lists and objects nest in a parsed JSON value (a scalar is 0), without recursion."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            item = list(item.values())
        if isinstance(item, list):
            depth += 1
            deepest = max(deepest, depth)
            stack.extend((child, depth) for child in item)
    return deepest


class BoundedJSONProvider(DefaultJSONProvider):
    """Flask's JSON, but request bodies that nest too deeply are invalid JSON (get_json: 400 or None)."""

    def loads(self, s, **kwargs):
        try:
            value = super().loads(s, **kwargs)
        except RecursionError:
            raise ValueError("JSON nested too deeply") from None
        if json_depth(value) > MAX_JSON_DEPTH:
            raise ValueError("JSON nested too deeply")
        return value


FORMS_ONLY = _l("Stuur dit formulier vanaf de website; andere gegevens (zoals JSON) nemen we hier niet aan.")


class FormsOnlyError(UnsupportedMediaType):
    """JSON sent to a form route; its description is shown to the user (webapp/errors.py)."""
    user_message = True


class ControlCharactersError(BadRequest):
    """Control characters in the input; its description is shown to the user (webapp/errors.py)."""
    user_message = True


def _refuse_json_on_html_routes():
    if request.method in ("POST", "PUT", "PATCH", "DELETE") and request.is_json \
            and not request.path.startswith("/api/"):
        raise FormsOnlyError(description=str(FORMS_ONLY))


# C0 control characters but tab, newline and carriage return, and DEL: no one types them, PostgreSQL
# refuses NUL in text (a 500), and the others hide text or break exports.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
NO_CONTROL_CHARACTERS = _l("Uw tekst bevat een onzichtbaar stuurteken dat we niet kunnen opslaan (bijvoorbeeld uit "
                           "een kopie). Typ de tekst opnieuw en probeer het nog eens.")


# `next` is only ever a redirect target, checked by the one safe-next function (webapp/redirects.py),
# which sends a control-character trick to a safe page instead of refusing it.
NEVER_STORED = {"next"}


def _strings(value):
    """Every string in a parsed JSON value (keys too), without recursion."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _refuse_control_characters():
    """A control character anywhere in the query string, the form or the JSON body: one clear 400."""
    values = []
    for source in (request.args, request.form):
        for key, value in source.items(multi=True):
            if key not in NEVER_STORED:
                values += [key, value]
    if request.is_json:
        values.extend(_strings(request.get_json(silent=True)))
    if any(CONTROL_CHARACTERS.search(value) for value in values):
        raise ControlCharactersError(description=str(NO_CONTROL_CHARACTERS))


def init_app(app) -> None:
    """Replace Flask's unbounded `int` converter (call before any blueprint registers its rules) and
    its JSON parser; HTML routes refuse JSON bodies."""
    app.url_map.converters["int"] = BoundedInt
    json_settings = {k: getattr(app.json, k) for k in ("ensure_ascii", "sort_keys", "compact", "mimetype")}
    app.json = BoundedJSONProvider(app)
    for key, value in json_settings.items():
        setattr(app.json, key, value)
    app.before_request(_refuse_json_on_html_routes)
    app.before_request(_refuse_control_characters)
