"""Passwords: argon2 hashing and checking (the same slow step for known and unknown addresses), the
length rule, and setting a new one by a reset link or on the account page. Callers commit."""
from __future__ import annotations

import functools
import hashlib
import logging
import secrets
from datetime import datetime, timedelta

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l

from webapp.accounts.errors import AccountError, TokenError
from webapp.accounts.models import User
from webapp.accounts.sessions import end_all_sessions
from webapp.accounts.tokens import link, make_token, read_token, utcnow
from webapp.accounts.users import find_by_email
from webapp.extensions import db
from webapp.mail.services import queue_template_mail

log = logging.getLogger(__name__)

_STRONG = PasswordHasher()  # argon2-cffi's defaults (RFC 9106 low-memory profile): every real hash
# Only for a TESTING app with PASSWORD_HASH_FAST_FOR_TESTS set (tests/conftest.py): the suite logs in
# thousands of times. Its hashes are weaker than _STRONG's, so a strong hasher rehashes them on login.
_FAST_FOR_TESTS = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1, hash_len=16, salt_len=16,
                                 type=Type.ID)
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 200
RESET_MAX_AGE = timedelta(hours=1)


class _Hasher:
    """The strong hasher, always outside tests; the fast one only in a TESTING app that asks for it."""

    @staticmethod
    def current() -> PasswordHasher:
        if has_app_context() and current_app.testing and current_app.config.get("PASSWORD_HASH_FAST_FOR_TESTS"):
            return _FAST_FOR_TESTS
        return _STRONG

    def hash(self, password: str) -> str:
        return self.current().hash(password)

    def verify(self, stored: str, password: str) -> bool:
        return self.current().verify(stored, password)

    def check_needs_rehash(self, stored: str) -> bool:
        return self.current().check_needs_rehash(stored)


_hasher = _Hasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def _dummy_hash() -> str:
    return _dummy_hash_for(_hasher.current())


@functools.lru_cache(maxsize=2)
def _dummy_hash_for(hasher: PasswordHasher) -> str:
    """A hash of a random password nobody knows, with the same cost as real ones."""
    return hasher.hash(secrets.token_urlsafe(16))


def check_password(user: User | None, password: str) -> bool:
    """Verify with argon2. Without a user or a password hash, a dummy hash is verified instead, so the
    answer takes as long for an unknown address as for a known one."""
    stored = user.password_hash if user is not None else None
    try:
        _hasher.verify(stored or _dummy_hash(), password or "")
    except (VerificationError, InvalidHashError):
        return False
    if user is None or not stored or not password:  # pragma: no cover - the dummy password is unknowable
        return False
    if _hasher.check_needs_rehash(stored):  # weaker (older or test) parameters: upgraded on login
        user.password_hash = _hasher.hash(password)
    return True


def validate_password(password: str) -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise AccountError(_l("Kies een wachtwoord van minstens %(n)s tekens.", n=MIN_PASSWORD_LENGTH), "password")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AccountError(_l("Kies een wachtwoord van hoogstens %(n)s tekens.", n=MAX_PASSWORD_LENGTH), "password")


# --- reset by a link in a mail ---------------------------------------------------------------------

def _hash_fingerprint(user: User) -> str:
    """Changes whenever the password hash changes: binds a reset token to the password it replaces."""
    return hashlib.sha256((user.password_hash or "-").encode()).hexdigest()[:16]


def reset_token(user: User, now: datetime | None = None) -> str:
    return make_token("reset", {"u": user.id, "v": user.session_version, "h": _hash_fingerprint(user)}, now)


def request_password_reset(email: str, now: datetime | None = None) -> None:
    """Mail a reset link when an account has this address; otherwise do nothing (same answer)."""
    user = find_by_email(email)
    if user is None:
        log.info("password reset asked for an unknown address")
        return
    queue_template_mail(user, _l("Nieuw wachtwoord kiezen"), "accounts/mail/reset.txt", "account.reset",
                        reset_url=link("accounts.reset_password", token=reset_token(user, now)),
                        minutes=int(RESET_MAX_AGE.total_seconds() // 60))
    log.info("password reset mailed to user %s", user.id)


def user_for_reset_token(token: str, now: datetime | None = None) -> User:
    """The user a reset link belongs to; TokenError when expired, forged or already used."""
    payload = read_token("reset", token, RESET_MAX_AGE, now)
    user = db.session.get(User, payload.get("u"))
    if (user is None or user.deleted_at is not None or user.session_version != payload.get("v")
            or _hash_fingerprint(user) != payload.get("h")):
        raise TokenError(_l("Deze link is al gebruikt. Vraag een nieuwe link aan."))
    return user


def _set_password(user: User, new_password: str) -> None:
    validate_password(new_password)
    user.password_hash = hash_password(new_password)
    user.session_version = (user.session_version or 1) + 1  # reset links made before stop working
    end_all_sessions(user)  # every browser and remember-me cookie; the route logs this one in anew


def _mail_password_changed(user: User) -> None:
    queue_template_mail(user, _l("Uw wachtwoord is veranderd"), "accounts/mail/password_changed.txt",
                        "account.password_changed", reset_url=link("accounts.forgot_password"))


def reset_password(token: str, new_password: str, now: datetime | None = None) -> User:
    """Set a new password with a reset link; the link dies with it. The caller commits."""
    now = now or utcnow()
    user = user_for_reset_token(token, now)
    _set_password(user, new_password)
    if user.email_confirmed_at is None:
        user.email_confirmed_at = now  # the link reached their mailbox: the address is theirs
    _mail_password_changed(user)
    log.info("user %s reset their password", user.id)
    return user


def change_password(user: User, current_password: str, new_password: str) -> None:
    """Change the password of a logged-in user; other sessions are logged out. The caller commits."""
    if not check_password(user, current_password):
        raise AccountError(_l("Uw huidige wachtwoord klopt niet."), "current_password")
    _set_password(user, new_password)
    _mail_password_changed(user)
    log.info("user %s changed their password", user.id)
