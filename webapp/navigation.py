"""The header menu. Domains add their items at import time; order decides the position."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import request, url_for
from flask_login import current_user


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: object
    order: int
    visible: Callable[[object], bool]


_ITEMS: list[NavItem] = []


def add(endpoint: str, label, order: int = 50, visible: Callable[[object], bool] = lambda user: True) -> None:
    if any(item.endpoint == endpoint for item in _ITEMS):
        return
    _ITEMS.append(NavItem(endpoint, label, order, visible))
    _ITEMS.sort(key=lambda item: item.order)


def nav_items() -> list[dict]:
    items = []
    for item in _ITEMS:
        if not item.visible(current_user):
            continue
        url = url_for(item.endpoint)
        items.append({"url": url, "label": item.label, "active": request.path == url})
    return items


def _defaults() -> None:
    """Items that belong to no single domain's list: starting an initiative sits beside proposing a place."""
    from flask_babel import lazy_gettext as _l

    add("initiatives.create", _l("Initiatief starten"), order=35)


_defaults()
