"""Past co-ownership, for rules that must look back in time (e.g. conflicts of interest in grants).

Other domains call `was_owner_since`; they never query the stewardship tables themselves.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import exists, or_, select

from webapp.extensions import db
from webapp.stewardship.models import OwnershipHistory
from webapp.stewardship.services.base import is_owner, subject_type


def was_owner_since(user, subject, since: datetime) -> bool:
    """True when `user` co-owns `subject` now, or co-owned it at any moment at or after `since`."""
    if user is None or getattr(user, "id", None) is None or subject is None or subject.id is None:
        return False
    if is_owner(user, subject):
        return True
    return bool(db.session.scalar(select(exists().where(
        OwnershipHistory.user_id == user.id,
        OwnershipHistory.subject_type == subject_type(subject),
        OwnershipHistory.subject_id == subject.id,
        or_(OwnershipHistory.left_at.is_(None), OwnershipHistory.left_at >= since)))))
