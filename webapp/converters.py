"""Bounded integers for URLs, query strings and forms: ids fit PostgreSQL's `integer` (2^31 - 1).

A larger number can never be one of our ids, so it is "not found" (404 in a URL) or a clear 400 in a
query string or form, never a database error (500).
"""
from __future__ import annotations

import builtins
import re

from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1          # PostgreSQL integer / serial
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


def init_app(app) -> None:
    """Replace Flask's unbounded `int` converter; call before any blueprint registers its rules."""
    app.url_map.converters["int"] = BoundedInt
