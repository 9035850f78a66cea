"""The gemeente picker of "Wat is er te doen?", rendered once per app: 343 options on the busiest page, from a
list that changes about once a year (read again after GEMEENTEN_FOR seconds)."""
from __future__ import annotations

import time

from flask import current_app
from markupsafe import Markup

from webapp.areas.services import list_gemeenten

GEMEENTEN_FOR = 600.0
_KEY = "initiatives.gemeente_picker"


def gemeente_options(selected: str = "") -> Markup:
    """The <option> of every gemeente, by name; `selected` (a gemeente code) is marked selected."""
    now = time.monotonic()
    cached: tuple[float, tuple[tuple[str, str], ...], dict[str, Markup]] | None = current_app.extensions.get(_KEY)
    if cached is None or now - cached[0] > GEMEENTEN_FOR:
        cached = (now, tuple(list_gemeenten()), {})
        current_app.extensions[_KEY] = cached
    _, gemeenten, rendered = cached
    if selected not in {code for code, _name in gemeenten}:
        selected = ""   # anything else selects nothing (and is not kept)
    if selected not in rendered:
        option = Markup('<option value="{}"{}>{}</option>')
        rendered[selected] = Markup("").join(
            option.format(code, Markup(" selected") if code == selected else "", name) for code, name in gemeenten)
    return rendered[selected]
