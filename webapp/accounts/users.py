"""Finding and making users, and their name and language."""
from __future__ import annotations

import logging

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from webapp.accounts.errors import AccountError
from webapp.accounts.models import User
from webapp.extensions import db

log = logging.getLogger(__name__)


def normalize_email(email: str) -> str:
    return (email or "").strip()


def find_by_email(email: str) -> User | None:
    stmt = select(User).where(func.lower(User.email) == normalize_email(email).lower(), User.deleted_at.is_(None))
    return db.session.scalars(stmt).first()


def clean_display_name(name: str) -> str:
    cleaned = " ".join((name or "").split())
    cleaned = "".join(ch for ch in cleaned if ch.isprintable())
    if len(cleaned) < 2:
        raise AccountError(_l("Vul een naam in van minstens 2 tekens."), "display_name")
    if len(cleaned) > 80:
        raise AccountError(_l("Kies een naam van hoogstens 80 tekens."), "display_name")
    return cleaned


def update_profile(user: User, display_name: str, locale: str | None) -> None:
    user.display_name = clean_display_name(display_name)
    if locale not in (None, "", *current_app.config.get("LANGUAGES", ["nl", "en"])):
        raise AccountError(_l("Kies een taal uit de lijst."), "preferred_locale")
    user.preferred_locale = locale or None
    log.info("user %s updated their profile", user.id)
