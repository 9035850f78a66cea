"""Co-ownership and revisions for any subject (Place or Initiative). No Flask request inside."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from webapp.extensions import db
from webapp.initiatives.models import Initiative
from webapp.places.models import Place
from webapp.stewardship.models import InitiativeOwner, PlaceOwner, Revision

# subject class -> (type name, owner model, owner FK attribute)
_REGISTRY: dict[type, tuple[str, type, str]] = {
    Place: ("place", PlaceOwner, "place_id"),
    Initiative: ("initiative", InitiativeOwner, "initiative_id"),
}


def subject_type(subject) -> str:
    return _REGISTRY[type(subject)][0]


def _owner_model(subject) -> tuple[type, str]:
    _, model, fk = _REGISTRY[type(subject)]
    return model, fk


def owners_of(subject) -> list:
    """The co-owner rows of a subject, oldest first (row.user is the User)."""
    model, fk = _owner_model(subject)
    stmt = select(model).where(getattr(model, fk) == subject.id).order_by(model.since)
    return list(db.session.scalars(stmt))


def is_owner(user, subject) -> bool:
    if user is None or not getattr(user, "is_authenticated", False) or subject.id is None:
        return False
    model, fk = _owner_model(subject)
    return db.session.get(model, {"user_id": user.id, fk: subject.id}) is not None


def add_owner(subject, user, added_by=None) -> None:
    """Make `user` a co-owner (no-op when already one). The caller commits."""
    if is_owner(user, subject):
        return
    model, fk = _owner_model(subject)
    db.session.add(model(user_id=user.id, added_by_id=added_by.id if added_by else None, **{fk: subject.id}))


def record_revision(subject, user, changes: dict[str, Any], kind: str = "edit", note: str = "") -> Revision:
    """Append a revision {field: {old, new}}. The caller commits (in the same transaction as the change)."""
    revision = Revision(subject_type=subject_type(subject), subject_id=subject.id,
                        user_id=user.id if user else None, kind=kind, changes=changes, note=note)
    db.session.add(revision)
    return revision


def history(subject) -> list[Revision]:
    stmt = (select(Revision)
            .where(Revision.subject_type == subject_type(subject), Revision.subject_id == subject.id)
            .order_by(Revision.id.desc()))
    return list(db.session.scalars(stmt))
