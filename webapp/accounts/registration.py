"""Signing up and confirming the address. Sign-up answers the same, in the same time, whether the address
is known or not (no user enumeration). Callers commit."""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from webapp.accounts.errors import AccountError, TokenError
from webapp.accounts.models import User
from webapp.accounts.passwords import hash_password, validate_password
from webapp.accounts.tokens import link, make_token, read_token, utcnow
from webapp.accounts.users import clean_display_name, find_by_email, normalize_email
from webapp.extensions import db
from webapp.mail.services import queue_template_mail

log = logging.getLogger(__name__)

CONFIRM_MAX_AGE = timedelta(days=7)


def confirmation_token(user: User, now: datetime | None = None) -> str:
    return make_token("confirm", {"u": user.id, "e": (user.email or "").lower()}, now)


def create_user(email: str, password: str, display_name: str, locale: str | None = None,
                password_hash: str | None = None) -> User:
    """A new resident, without checks on the mail address. The caller commits."""
    email = normalize_email(email)
    validate_password(password)
    if find_by_email(email) is not None:
        raise AccountError(_l("Er is al een account met dit e-mailadres."), "email")
    user = User(email=email, display_name=clean_display_name(display_name),
                password_hash=password_hash or hash_password(password), preferred_locale=locale)
    db.session.add(user)
    db.session.flush()
    log.info("user %s created", user.id)
    return user


def register(email: str, password: str, display_name: str, locale: str | None = None,
             now: datetime | None = None) -> User | None:
    """Sign up. Answers the same, in the same time, whether the address is known or not (no user
    enumeration): the password is hashed either way; a new address gets a confirmation mail, a known one
    a mail saying someone tried to sign up with it. Returns the new user, or None when the address was
    taken. The caller commits.
    """
    validate_password(password)
    name = clean_display_name(display_name)
    password_hash = hash_password(password)  # the slow part, for known and new addresses alike
    existing = find_by_email(email)
    if existing is not None:
        context = {"login_url": link("accounts.login"), "reset_url": link("accounts.forgot_password")}
        if existing.email_confirmed_at is None:
            context["confirm_url"] = link("accounts.confirm_email", token=confirmation_token(existing, now))
        queue_template_mail(existing, _l("U heeft al een account bij Buurtplek"), "accounts/mail/exists.txt",
                            "account.exists", **context)
        log.info("registration attempt for existing user %s", existing.id)
        return None
    try:
        with db.session.begin_nested():  # the same address signing up twice at the same moment
            user = create_user(email, password, name, locale, password_hash=password_hash)
    except IntegrityError:
        log.info("registration raced with another one for the same address")
        return None
    send_confirmation(user, now)
    return user


def send_confirmation(user: User, now: datetime | None = None) -> None:
    queue_template_mail(user, _l("Bevestig uw e-mailadres"), "accounts/mail/confirm.txt", "account.confirm",
                        confirm_url=link("accounts.confirm_email", token=confirmation_token(user, now)),
                        days=CONFIRM_MAX_AGE.days)


def confirm_email(token: str, now: datetime | None = None) -> User:
    """Mark the address confirmed. Using the link twice is harmless. The caller commits."""
    payload = read_token("confirm", token, CONFIRM_MAX_AGE, now)
    user = db.session.get(User, payload.get("u"))
    if user is None or user.deleted_at is not None or (user.email or "").lower() != payload.get("e"):
        raise TokenError(_l("Deze link hoort bij geen enkel account (meer)."))
    if user.email_confirmed_at is None:
        user.email_confirmed_at = now or utcnow()
        log.info("user %s confirmed their email address", user.id)
    return user
