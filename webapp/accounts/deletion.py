"""Deleting an account (the row stays so contributions keep an author, "Oud-bewoner"), the hook other
domains use to tidy up, and removing sign-ups that were never confirmed. Callers commit."""
from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from webapp.accounts.errors import AccountError
from webapp.accounts.models import RoleGrant, User
from webapp.accounts.passwords import check_password
from webapp.accounts.sessions import end_all_sessions
from webapp.accounts.tokens import utcnow
from webapp.extensions import db
from webapp.mail.services import forget_address

log = logging.getLogger(__name__)

UNCONFIRMED_KEEP = timedelta(days=30)

_DELETE_HOOKS: list[Callable[[User], object]] = []


def on_account_deleted(fn: Callable[[User], object]) -> Callable[[User], object]:
    """Other domains register `fn(user)` to tidy up (e.g. end co-ownerships) when an account goes.
    It runs inside the same transaction, before the personal data is removed."""
    _DELETE_HOOKS.append(fn)
    return fn


def delete_account(user: User, password: str, now: datetime | None = None) -> None:
    """Delete my account. The row stays so my contributions keep an author ("oud-bewoner"), but the
    email, password and roles go, the name is replaced and every session ends. The caller commits."""
    if not check_password(user, password):
        raise AccountError(_l("Uw wachtwoord klopt niet."), "password")
    for hook in _DELETE_HOOKS:
        hook(user)
    address = user.email
    user.email = None
    user.password_hash = None
    user.display_name = "-"
    user.preferred_locale = None
    user.email_confirmed_at = None
    user.deleted_at = now or utcnow()
    user.session_version = (user.session_version or 1) + 1
    end_all_sessions(user)
    db.session.execute(delete(RoleGrant).where(RoleGrant.user_id == user.id))
    db.session.expire(user, ["roles"])
    forget_address(address or "")
    log.info("user %s deleted their account", user.id)


def purge_unconfirmed(now: datetime | None = None, keep: timedelta = UNCONFIRMED_KEEP) -> int:
    """Remove sign-ups whose address was never confirmed within `keep` (they could never log in, so they
    made nothing). A row something still points at is emptied instead of deleted. The caller commits."""
    cutoff = (now or utcnow()) - keep
    stale = db.session.scalars(select(User).where(User.email_confirmed_at.is_(None), User.deleted_at.is_(None),
                                                  User.email.is_not(None), User.created_at < cutoff)).all()
    for user in stale:
        address = user.email
        try:
            with db.session.begin_nested():
                db.session.delete(user)
        except IntegrityError:
            user.email = None
            user.password_hash = None
            user.display_name = "-"
            user.deleted_at = now or utcnow()
        forget_address(address or "")
    if stale:
        log.info("%s unconfirmed sign-ups removed", len(stale))
    return len(stale)
