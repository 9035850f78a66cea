"""Checking a login. Guessing passwords is slowed down per (address, client) by rate limits in the
routes, never by locking the account: a lock would let anyone lock anyone out, and answering differently
for known addresses would tell who has an account."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from webapp.accounts.models import User
from webapp.accounts.passwords import check_password
from webapp.accounts.registration import send_confirmation
from webapp.accounts.tokens import utcnow
from webapp.accounts.users import find_by_email

log = logging.getLogger(__name__)


@dataclass
class LoginResult:
    user: User | None = None
    error: str = ""                       # "invalid", "unconfirmed"

    @property
    def ok(self) -> bool:
        return self.user is not None and not self.error


def authenticate(email: str, password: str, now: datetime | None = None) -> LoginResult:
    """Check a login. A known and an unknown address take the same steps (argon2 verifies a hash either
    way) and get the same answer. Nothing is counted or locked here: the routes slow guessing down per
    (address, client) with rate limits. The caller commits (a re-sent confirmation mail).
    """
    now = now or utcnow()
    user = find_by_email(email)
    if not check_password(user, password) or user is None:
        return LoginResult(error="invalid")
    if user.email_confirmed_at is None:
        send_confirmation(user, now)
        return LoginResult(user=user, error="unconfirmed")
    log.info("user %s logged in", user.id)
    return LoginResult(user=user)
