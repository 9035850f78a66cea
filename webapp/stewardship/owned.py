"""What a user co-owns: the one definition ("the places / initiatives this user owns"), for any subject type."""
from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select

from webapp.extensions import db
from webapp.stewardship import registry


def owned_ids(user_id: int, type_name: str) -> Select[Any]:
    """SELECT of the ids of the subjects of `type_name` that user `user_id` co-owns (for IN / joins)."""
    kind = registry.by_name(type_name)
    if kind is None:
        raise KeyError(type_name)
    owner = kind.owner_model
    return select(getattr(owner, kind.owner_fk)).where(owner.user_id == user_id)


def owned(user: Any, type_name: str) -> list[Any]:
    """The subjects of `type_name` the user co-owns, by title; nobody (anonymous) owns anything."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    kind = registry.by_name(type_name)
    if kind is None:
        raise KeyError(type_name)
    rows = db.session.scalars(select(kind.model).where(kind.model.id.in_(owned_ids(user.id, type_name))))
    return sorted(rows, key=lambda subject: (kind.title(subject).casefold(), subject.id))
