"""Edits as revisions: record, history, edit with optimistic locking (EditConflict), revert, confirm.

Every revision added to the session is announced with `signals.revision_recorded` (sender: the subject
type's name), so subject domains react in the same transaction without stewardship knowing them.
"""
from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy import select

from webapp.domain_errors import Conflict, Invalid
from webapp.extensions import db
from webapp.i18n import local_today
from webapp.stewardship import registry, signals
from webapp.stewardship.models import Revision
from webapp.stewardship.registry import SubjectType
from webapp.stewardship.services import barriers
from webapp.stewardship.services.base import _, require, subject_type
from webapp.stewardship.services.permissions import can_edit, can_moderate
from webapp.stewardship.services.values import plain, restorable

log = logging.getLogger("webapp.stewardship.services")

# Fields a revert never touches on any subject: publication and moderation state are decisions, not content.
NOT_REVERTIBLE = frozenset({"status", "status_reason", "hidden"})
CONFIRM_FIELD = "attributes_confirmed_on"


class EditConflict(Conflict):
    """Someone saved the subject after the editor loaded it (optimistic locking).

    `changed` maps each field changed meanwhile to its current value, so the form can show what
    changed while keeping everything the editor typed.
    """

    def __init__(self, changed: dict[str, Any], current_version: int):
        super().__init__(_("Iemand anders heeft dit intussen veranderd."))
        self.changed = changed
        self.current_version = current_version


def record_revision(subject: Any, user: Any, changes: dict[str, Any], kind: str = "edit", note: str = "",
                    actor: Any = None) -> Revision:
    """Append a revision {field: {old, new}} credited to `user`; `actor` (default: `user`) is who did it.
    The caller commits (in the same transaction as the change)."""
    type_name = subject_type(subject)
    revision = Revision(subject_type=type_name, subject_id=subject.id,
                        user_id=user.id if user else None, kind=kind, changes=changes, note=note)
    db.session.add(revision)
    acting = actor if actor is not None else user
    signals.revision_recorded.send(type_name, subject=subject, revision=revision, actor=acting)
    _resolve_barriers(subject, acting, changes, kind)
    return revision


def _resolve_barriers(subject: Any, acting: Any, changes: dict[str, Any], kind: str) -> None:
    """A co-owner or moderator who confirms the attributes, or changes a reported one, clears its
    barrier flag (services/barriers.py)."""
    if acting is None:
        return
    if kind == "confirm":
        fields = None
    else:
        fields = set(changes) & set(barriers.reportable_fields(subject))
        if not fields:
            return
    if can_edit(acting, subject):
        barriers.resolve(subject, acting, fields, confirmed=kind == "confirm")


def history(subject: Any) -> list[Revision]:
    stmt = (select(Revision)
            .where(Revision.subject_type == subject_type(subject), Revision.subject_id == subject.id)
            .order_by(Revision.id.desc()))
    return list(db.session.scalars(stmt))


def status_since(subject: Any, status: str) -> datetime | None:
    """When the subject last got `status` (from its history), or None when the history does not say."""
    for revision in history(subject):
        change = (revision.changes or {}).get("status")
        if isinstance(change, dict) and change.get("new") == status:
            return revision.created_at
    return None


def apply_edit(subject: Any, user: Any, new_values: dict[str, Any], expected_version: int, kind: str = "edit",
               note: str = "", credit_to: Any = None) -> Revision | None:
    """Change fields of a subject as one revision, refusing a stale edit.

    The row is locked (SELECT ... FOR UPDATE) and its version compared with the version the editor
    loaded: a mismatch raises EditConflict naming the fields changed meanwhile. Returns the revision,
    or None when nothing changed. The caller checks permission (can_edit) and commits.
    `credit_to`: the user the revision is credited to (e.g. the resident whose suggestion was accepted).
    """
    model = type(subject)
    db.session.refresh(subject, with_for_update=True)
    if subject.version != expected_version:
        changed: dict[str, Any] = {}
        for revision in db.session.scalars(
                select(Revision).where(Revision.subject_type == subject_type(subject),
                                       Revision.subject_id == subject.id).order_by(Revision.id.desc())
                .limit(max(1, subject.version - expected_version))):
            for field_name in revision.changes:
                changed.setdefault(field_name, plain(getattr(subject, field_name, None)))
        raise EditConflict(changed, subject.version)
    changes = {}
    for field_name, value in new_values.items():
        if not hasattr(model, field_name):
            raise ValueError(f"{model.__name__} has no field {field_name}")
        old = getattr(subject, field_name)
        if plain(old) != plain(value):
            changes[field_name] = {"old": plain(old), "new": plain(value)}
            setattr(subject, field_name, value)
    if not changes:
        return None
    subject.version += 1
    return record_revision(subject, credit_to or user, changes, kind=kind, note=note, actor=user)


def check_values(subject_kind: SubjectType, values: dict[str, Any],
                 extra_allowed: tuple[str, ...] = ("location", "gemeente_code")) -> None:
    """Only the type's editable fields (plus `extra_allowed`), and the domain's own value rules. Raises Invalid."""
    unknown = set(values) - set(subject_kind.editable_fields) - set(extra_allowed)
    if unknown:
        raise Invalid(_("Dit veld kunt u hier niet wijzigen: %(fields)s", fields=", ".join(sorted(unknown))))
    if subject_kind.check_values is not None:
        subject_kind.check_values(values)


def edit_subject(user: Any, subject: Any, values: dict[str, Any], expected_version: int,
                 note: str = "") -> Revision | None:
    """A co-owner or moderator saves the edit form. Raises EditConflict when someone saved meanwhile."""
    require(can_edit(user, subject))
    values = dict(values)
    check_values(registry.of(subject), values)
    revision = apply_edit(subject, user, values, expected_version, kind="edit", note=note)
    if revision is not None:
        log.info("%s %s edited by user %s (revision %s)", subject_type(subject), subject.id, user.id, revision.id)
    return revision


def revert_to(moderator: Any, subject: Any, revision: Revision, expected_version: int) -> Revision | None:
    """Put the subject back as it was right after `revision`; itself a new revision."""
    require(can_moderate(moderator, subject))
    if revision.subject_type != subject_type(subject) or revision.subject_id != subject.id:
        raise Invalid(_("Deze versie hoort niet bij deze plek."))
    later = db.session.scalars(select(Revision).where(
        Revision.subject_type == revision.subject_type, Revision.subject_id == revision.subject_id,
        Revision.id > revision.id).order_by(Revision.id)).all()
    keep = NOT_REVERTIBLE | set(registry.of(subject).not_revertible)
    values: dict[str, Any] = {}
    for rev in later:
        for field_name, change in (rev.changes or {}).items():
            if field_name in keep or not hasattr(type(subject), field_name) or not isinstance(change, dict):
                continue
            values.setdefault(field_name, restorable(change.get("old"), field_name))
    if not values:
        raise Invalid(_("Sinds deze versie is er niets veranderd."))
    result = apply_edit(subject, moderator, values, expected_version, kind="revert",
                        note=f"revision {revision.id}")
    log.info("%s %s reverted to revision %s by user %s", subject_type(subject), subject.id, revision.id, moderator.id)
    return result


def can_confirm(subject: Any) -> bool:
    """Subjects with accessibility and safety information a co-owner can confirm as still correct."""
    return hasattr(type(subject), CONFIRM_FIELD)


def confirm_attributes(user: Any, subject: Any) -> None:
    """A co-owner says: the accessibility and safety information is still correct (today)."""
    require(can_confirm(subject) and can_edit(user, subject))
    apply_edit(subject, user, {CONFIRM_FIELD: local_today()}, subject.version, kind="confirm")
    log.info("%s %s attributes confirmed by user %s", subject_type(subject), subject.id, user.id)
