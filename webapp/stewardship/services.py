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


class EditConflict(Exception):
    """Someone saved the subject after the editor loaded it (optimistic locking).

    `changed` maps each field changed meanwhile to its current value, so the form can show what
    changed while keeping everything the editor typed.
    """

    def __init__(self, changed: dict[str, Any], current_version: int):
        super().__init__("changed meanwhile")
        self.changed = changed
        self.current_version = current_version


def can_edit(user, subject) -> bool:
    """Co-owners edit; so do moderators of the subject's gemeente and admins."""
    from webapp.accounts.models import Role
    from webapp.accounts.permissions import has_role

    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return is_owner(user, subject) or has_role(user, Role.MODERATOR, subject.gemeente_code)


def _plain(value):
    """A JSON-safe form of a column value for the revision log."""
    if isinstance(value, (list, tuple)):
        return list(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def apply_edit(subject, user, new_values: dict[str, Any], expected_version: int, kind: str = "edit",
               note: str = "", credit_to=None) -> Revision | None:
    """Change fields of a subject as one revision, refusing a stale edit.

    The row is locked (SELECT ... FOR UPDATE) and its version compared with the version the editor
    loaded: a mismatch raises EditConflict naming the fields changed meanwhile. Returns the revision,
    or None when nothing changed. The caller checks permission (can_edit) and commits.
    `credit_to`: the user the revision is credited to (e.g. the resident whose suggestion was accepted).
    """
    model = type(subject)
    db.session.refresh(subject, with_for_update=True)
    if subject.version != expected_version:
        changed = {}
        for revision in db.session.scalars(
                select(Revision).where(Revision.subject_type == subject_type(subject),
                                       Revision.subject_id == subject.id).order_by(Revision.id.desc())
                .limit(max(1, subject.version - expected_version))):
            for field_name in revision.changes:
                changed.setdefault(field_name, _plain(getattr(subject, field_name, None)))
        raise EditConflict(changed, subject.version)
    changes = {}
    for field_name, value in new_values.items():
        if not hasattr(model, field_name):
            raise ValueError(f"{model.__name__} has no field {field_name}")
        old = getattr(subject, field_name)
        if _plain(old) != _plain(value):
            changes[field_name] = {"old": _plain(old), "new": _plain(value)}
            setattr(subject, field_name, value)
    if not changes:
        return None
    subject.version += 1
    return record_revision(subject, credit_to or user, changes, kind=kind, note=note)
