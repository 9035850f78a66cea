"""Signed links for mails: itsdangerous signatures with SECRET_KEY and a salt per purpose, so one kind of
link can never be used as another. Each link's own rules (what it carries, how long it lives) are in the
module that uses it."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

from webapp.accounts.errors import TokenError
from webapp.urls import absolute_url


def utcnow() -> datetime:
    return datetime.now(UTC)


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"buurtplek.accounts.{purpose}")


def make_token(purpose: str, payload: dict[str, Any], now: datetime | None = None) -> str:
    serializer = _serializer(purpose)
    if now is None:
        return str(serializer.dumps(payload))
    # itsdangerous takes the time from the signer; freeze it for tests and reproducible links.
    signer = serializer.make_signer()
    assert isinstance(signer, TimestampSigner)
    signer.get_timestamp = lambda: int(now.timestamp())  # type: ignore[method-assign]
    return signer.sign(serializer.dump_payload(payload)).decode()


def read_token(purpose: str, token: str, max_age: timedelta, now: datetime | None = None) -> dict[str, Any]:
    serializer = _serializer(purpose)
    try:
        payload, signed_at = serializer.loads(token, return_timestamp=True)
    except SignatureExpired:  # pragma: no cover - we check the age ourselves below
        raise TokenError(_l("Deze link is verlopen."), expired=True) from None
    except BadSignature:
        raise TokenError(_l("Deze link klopt niet. Kopieer de hele link uit de mail.")) from None
    age = (now or utcnow()) - signed_at
    if age > max_age:
        raise TokenError(_l("Deze link is verlopen."), expired=True)
    if not isinstance(payload, dict):
        raise TokenError(_l("Deze link klopt niet. Kopieer de hele link uit de mail."))
    return payload


def link(endpoint: str, **values: Any) -> str:
    """An absolute link for a mail (on PUBLIC_URL; works without a request)."""
    return absolute_url(endpoint, **values)
