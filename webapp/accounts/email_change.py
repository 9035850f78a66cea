"""Changing the email address: a link to the new address, a notice with an "undo" link to the old one.
Nothing changes before the link is used. Callers commit."""
from __future__ import annotations

import hashlib
import logging
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l

from webapp.accounts.errors import AccountError, TokenError
from webapp.accounts.models import User
from webapp.accounts.passwords import check_password
from webapp.accounts.sessions import end_all_sessions
from webapp.accounts.tokens import link, make_token, read_token, utcnow
from webapp.accounts.users import find_by_email, normalize_email
from webapp.extensions import db
from webapp.mail.services import queue_template_mail

log = logging.getLogger(__name__)

EMAIL_CHANGE_MAX_AGE = timedelta(hours=24)
EMAIL_UNDO_MAX_AGE = timedelta(days=14)


def _email_fingerprint(address: str | None) -> str:
    return hashlib.sha256((address or "").lower().encode()).hexdigest()[:16]


def email_change_token(user: User, new_email: str, now: datetime | None = None) -> str:
    return make_token("email", {"u": user.id, "e": normalize_email(new_email), "o": _email_fingerprint(user.email)},
                      now)


def request_email_change(user: User, new_email: str, password: str, now: datetime | None = None) -> None:
    """Send a link to the new address; the address changes only when that link is used.
    A taken address gets a short notice instead (same answer to the user). The caller commits."""
    new_email = normalize_email(new_email)
    if not check_password(user, password):
        raise AccountError(_l("Uw wachtwoord klopt niet."), "password")
    if new_email.lower() == (user.email or "").lower():
        raise AccountError(_l("Dit is al uw e-mailadres."), "email")
    owner = find_by_email(new_email)
    if owner is not None:
        queue_template_mail(owner, _l("Iemand wilde uw e-mailadres gebruiken"), "accounts/mail/email_taken.txt",
                            "account.email_taken", reset_url=link("accounts.forgot_password"))
        log.info("user %s asked to move to an address that has an account", user.id)
        return
    queue_template_mail(user, _l("Bevestig uw nieuwe e-mailadres"), "accounts/mail/email_change.txt",
                        "account.email_change", to_address=new_email, new_email=new_email,
                        confirm_url=link("accounts.confirm_email_change",
                                         token=email_change_token(user, new_email, now)),
                        hours=int(EMAIL_CHANGE_MAX_AGE.total_seconds() // 3600))
    log.info("user %s asked to change their email address", user.id)


def confirm_email_change(token: str, now: datetime | None = None) -> User:
    """Use the link from the new address. Works once: afterwards the old address no longer matches.
    The old address gets a notice. The caller commits."""
    now = now or utcnow()
    payload = read_token("email", token, EMAIL_CHANGE_MAX_AGE, now)
    user = db.session.get(User, payload.get("u"))
    new_email = payload.get("e") or ""
    if user is None or user.deleted_at is not None or _email_fingerprint(user.email) != payload.get("o"):
        raise TokenError(_l("Deze link is al gebruikt of hoort bij geen enkel account (meer)."))
    if find_by_email(new_email) is not None:
        raise TokenError(_l("Er is inmiddels al een account met dit e-mailadres."))
    old_email = user.email
    user.email = new_email
    user.email_confirmed_at = now
    undo = make_token("email-undo", {"u": user.id, "e": old_email, "n": _email_fingerprint(new_email)}, now)
    queue_template_mail(user, _l("Uw e-mailadres is veranderd"), "accounts/mail/email_changed.txt",
                        "account.email_changed", to_address=old_email or "",
                        undo_url=link("accounts.undo_email_change", token=undo),
                        days=EMAIL_UNDO_MAX_AGE.days)
    log.info("user %s changed their email address", user.id)
    return user


def user_for_email_undo(token: str, now: datetime | None = None) -> tuple[User, str]:
    payload = read_token("email-undo", token, EMAIL_UNDO_MAX_AGE, now)
    user = db.session.get(User, payload.get("u"))
    if user is None or user.deleted_at is not None or _email_fingerprint(user.email) != payload.get("n"):
        raise TokenError(_l("Deze link is al gebruikt of hoort bij geen enkel account (meer)."))
    return user, payload.get("e") or ""


def undo_email_change(token: str, now: datetime | None = None) -> User:
    """The old address says "that was not me": the address goes back, the password is cleared and every
    session ends, so whoever changed it is out; the owner then chooses a new password. Caller commits."""
    user, old_email = user_for_email_undo(token, now)
    other = find_by_email(old_email)
    if other is not None and other.id != user.id:
        raise TokenError(_l("Er is inmiddels al een account met dit e-mailadres."))
    user.email = old_email
    user.email_confirmed_at = now or utcnow()
    user.password_hash = None
    user.session_version = (user.session_version or 1) + 1
    end_all_sessions(user)
    log.warning("user %s undid an email change; password cleared", user.id)
    return user
