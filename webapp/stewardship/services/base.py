"""What every stewardship rule needs: the subject's registered type, the acting user, the co-owner rows.

Stewardship knows no subject model: everything about a subject comes from its registered type
(`webapp/stewardship/registry.py`).
"""
from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import has_request_context
from flask_babel import gettext as _babel_gettext
from sqlalchemy import select

from webapp.domain_errors import NotAllowed
from webapp.extensions import db
from webapp.stewardship import registry
from webapp.stewardship.registry import SubjectType


def _(msgid: str, **variables: Any) -> str:
    """gettext in a request (the user's language); plain Dutch outside one (CLI, demo)."""
    if has_request_context():
        return str(_babel_gettext(msgid, **variables))
    return msgid % variables if variables else msgid


def kind(subject: Any) -> SubjectType:
    """The registered type of a subject object."""
    return registry.of(subject)


def subject_type(subject: Any) -> str:
    return registry.of(subject).name


def get_subject(subject_type_name: str, subject_id: int) -> Any | None:
    found = registry.by_name(subject_type_name)
    if found is None:
        return None
    return db.session.get(found.model, subject_id)


def subject_of(row: Any) -> Any | None:
    """The subject a JoinRequest / Suggestion / Report / Revision is about."""
    return get_subject(row.subject_type, row.subject_id)


def subject_title(subject: Any) -> str:
    return registry.of(subject).title(subject) or ""


def is_public(subject: Any) -> bool:
    """Seen by everyone: the subject domain's one definition."""
    return registry.of(subject).is_public(subject)


def is_closed(subject: Any) -> bool:
    """Public, but closed: nobody joins, suggests or reports any more."""
    return registry.of(subject).is_closed(subject)


def real_user(user: Any) -> Any | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return user


def require(check: bool, message: str = "") -> None:
    """Raise NotAllowed (403) unless `check`."""
    if not check:
        raise NotAllowed(message)


def require_login(user: Any) -> None:
    if real_user(user) is None:
        raise NotAllowed()


def now() -> datetime:
    return datetime.now(UTC)


# --- co-owner rows ---------------------------------------------------------------------------

def owners_of(subject: Any) -> list[Any]:
    """The co-owner rows of a subject, oldest first (row.user is the User)."""
    found = registry.of(subject)
    model = found.owner_model
    return list(db.session.scalars(
        select(model).where(getattr(model, found.owner_fk) == subject.id).order_by(model.since)))


def is_owner(user: Any, subject: Any) -> bool:
    if real_user(user) is None or subject.id is None:
        return False
    found = registry.of(subject)
    return db.session.get(found.owner_model, {"user_id": user.id, found.owner_fk: subject.id}) is not None


def add_owner(subject: Any, user: Any, added_by: Any = None) -> None:
    """Make `user` a co-owner (no-op when already one). The caller commits."""
    if is_owner(user, subject):
        return
    found = registry.of(subject)
    db.session.add(found.owner_model(user_id=user.id, added_by_id=added_by.id if added_by else None,
                                     **{found.owner_fk: subject.id}))


def remove_owner_row(subject: Any, user: Any) -> bool:
    found = registry.of(subject)
    row = db.session.get(found.owner_model, {"user_id": user.id, found.owner_fk: subject.id})
    if row is None:
        return False
    db.session.delete(row)
    db.session.flush()
    return True


def active_owners(subject: Any) -> list[Any]:
    return [row.user for row in owners_of(subject) if row.user.deleted_at is None]
