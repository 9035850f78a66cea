"""'Download my data': every domain adds what it holds about a user.

Other domains call `register_exporter("places", fn)` at import time, where `fn(user)` returns something
JSON can hold (dicts, lists, strings, numbers). `export_user_data(user)` collects all of them.
"""
from __future__ import annotations

import logging
from datetime import date, datetime
from typing import Any, Callable

log = logging.getLogger(__name__)

_EXPORTERS: dict[str, Callable[[Any], Any]] = {}


def register_exporter(name: str, fn: Callable[[Any], Any]) -> None:
    """Add (or replace) the part `name` of the data download."""
    _EXPORTERS[name] = fn


def exporters() -> dict[str, Callable[[Any], Any]]:
    return dict(_EXPORTERS)


def _jsonable(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def export_account(user) -> dict:
    return {
        "id": user.id,
        "display_name": user.display_name,
        "email": user.email,
        "email_confirmed_at": user.email_confirmed_at,
        "created_at": user.created_at,
        "preferred_locale": user.preferred_locale,
    }


def export_sessions(user) -> list[dict]:
    from webapp.accounts.services import list_sessions

    return [{"device": row.user_agent, "created_at": row.created_at, "last_seen_at": row.last_seen_at}
            for row in list_sessions(user)]


def export_roles(user) -> list[dict]:
    return [{"role": g.role, "gemeente": g.gemeente_code, "granted_at": g.granted_at} for g in user.roles]


def export_user_data(user, now: datetime | None = None) -> dict:
    """Everything we hold about `user`, as one JSON-ready dict."""
    data: dict[str, Any] = {"exported_at": now or datetime.now().astimezone(), "format": "buurtplek-export-1"}
    for name, fn in _EXPORTERS.items():
        data[name] = fn(user)
    log.info("data export for user %s", user.id)
    return _jsonable(data)


register_exporter("account", export_account)
register_exporter("roles", export_roles)
register_exporter("sessions", export_sessions)
