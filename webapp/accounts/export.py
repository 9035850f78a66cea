"""'Download my data': every domain adds what it holds about a user.

Other domains call `register_exporter("places", fn)` at import time, where `fn(user)` returns something
JSON can hold (dicts, lists, strings, numbers). `export_user_data(user)` collects all of them. Mail sits
below accounts and knows no users: its part (the mails sent to the user's address) is registered here.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from webapp.accounts.models import User
from webapp.accounts.sessions import list_sessions
from webapp.mail.export import export_mails

log = logging.getLogger(__name__)

Exporter = Callable[[User], Any]
_EXPORTERS: dict[str, Exporter] = {}


def register_exporter(name: str, fn: Exporter) -> None:
    """Add (or replace) the part `name` of the data download."""
    _EXPORTERS[name] = fn


def exporters() -> dict[str, Exporter]:
    return dict(_EXPORTERS)


def _jsonable(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def export_account(user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "display_name": user.display_name,
        "email": user.email,
        "email_confirmed_at": user.email_confirmed_at,
        "created_at": user.created_at,
        "preferred_locale": user.preferred_locale,
    }


def export_sessions(user: User) -> list[dict[str, Any]]:
    return [{"device": row.user_agent, "created_at": row.created_at, "last_seen_at": row.last_seen_at}
            for row in list_sessions(user)]


def export_roles(user: User) -> list[dict[str, Any]]:
    return [{"role": g.role, "gemeente": g.gemeente_code, "granted_at": g.granted_at} for g in user.roles]


def export_user_data(user: User, now: datetime | None = None) -> dict[str, Any]:
    """Everything we hold about `user`, as one JSON-ready dict."""
    data: dict[str, Any] = {"exported_at": now or datetime.now().astimezone(), "format": "buurtplek-export-1"}
    for name, fn in _EXPORTERS.items():
        data[name] = fn(user)
    log.info("data export for user %s", user.id)
    result: dict[str, Any] = _jsonable(data)
    return result


register_exporter("account", export_account)
register_exporter("roles", export_roles)
register_exporter("sessions", export_sessions)
register_exporter("mails", lambda user: export_mails(user.email))
