"""The rules of saving: only a logged-in resident saves, only what they may see, only for themselves.

Subjects are reached through the stewardship subject registry (a place, an initiative), never by their
models directly. The caller commits.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert

from webapp.domain_errors import NotAllowed, NotFound
from webapp.extensions import db
from webapp.saved.models import SavedItem
from webapp.stewardship import registry
from webapp.stewardship.services import can_view, get_subject

MAX_SAVED = 500


@dataclass(frozen=True)
class Saved:
    subject_type: str
    subject_id: int
    title: str
    path: str


def _require_user(user: Any) -> None:
    if user is None or not getattr(user, "is_authenticated", False):
        raise NotAllowed(_("Log in om plekken te bewaren."))


def _visible_subject(user: Any, subject_type: str, subject_id: int) -> Any:
    if registry.by_name(subject_type) is None:
        raise NotFound(_("Dit bestaat niet (meer)."))
    subject = get_subject(subject_type, subject_id)
    if subject is None or not can_view(user, subject):
        raise NotFound(_("Dit bestaat niet (meer)."))
    return subject


def save(user: Any, subject_type: str, subject_id: int) -> None:
    _require_user(user)
    _visible_subject(user, subject_type, subject_id)
    if count(user) >= MAX_SAVED:
        raise NotAllowed(_("U kunt hoogstens %(n)s dingen bewaren.", n=MAX_SAVED))
    db.session.execute(insert(SavedItem).values(user_id=user.id, subject_type=subject_type, subject_id=subject_id)
                       .on_conflict_do_nothing())


def unsave(user: Any, subject_type: str, subject_id: int) -> None:
    """Only the resident's own rows are touched (the user is in the key)."""
    _require_user(user)
    db.session.execute(delete(SavedItem).where(SavedItem.user_id == user.id, SavedItem.subject_type == subject_type,
                                               SavedItem.subject_id == subject_id))


def is_saved(user: Any, subject_type: str, subject_id: int) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return db.session.get(SavedItem, (user.id, subject_type, subject_id)) is not None


def count(user: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(SavedItem).where(SavedItem.user_id == user.id)) or 0


def saved_of(user: Any) -> list[Saved]:
    """What the resident saved and may still see, newest first (a subject gone or hidden is left out)."""
    _require_user(user)
    rows = db.session.scalars(select(SavedItem).where(SavedItem.user_id == user.id)
                              .order_by(SavedItem.created_at.desc(), SavedItem.subject_id)).all()
    result = []
    for row in rows:
        kind = registry.by_name(row.subject_type)
        subject = get_subject(row.subject_type, row.subject_id) if kind else None
        if kind is None or subject is None or not can_view(user, subject):
            continue
        result.append(Saved(row.subject_type, row.subject_id, kind.title(subject), kind.public_path(subject)))
    return result
