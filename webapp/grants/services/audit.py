"""The audit log of startbijdragen: every step, with who, old and new status, and details (append-only:
the database refuses UPDATE and DELETE on `grant_audit_log`).

Helper roles are managed by accounts (`webapp/accounts/helper_roles.py`); each change is logged here
through its `helper_role_changed` signal, in the same transaction.
"""
from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select

from webapp.accounts.helper_roles import helper_role_changed
from webapp.accounts.models import User
from webapp.extensions import db
from webapp.grants.models import GrantApplication, GrantAuditEntry, GrantRound

log = logging.getLogger("webapp.grants.services")


def record(actor: User | None, action: str, *, grant_round: GrantRound | None = None,
           application: GrantApplication | None = None, old: str | None = None, new: str | None = None,
           gemeente_code: str | None = None, **details: Any) -> GrantAuditEntry:
    """Add one entry to the audit log (the caller commits)."""
    if application is not None and grant_round is None:
        grant_round = application.round
    entry = GrantAuditEntry(
        actor_id=actor.id if actor is not None and getattr(actor, "id", None) else None,
        gemeente_code=gemeente_code or (grant_round.gemeente_code if grant_round else None),
        round_id=grant_round.id if grant_round else None,
        application_id=application.id if application else None,
        action=action, old_status=old, new_status=new, details=details)
    db.session.add(entry)
    log.info("grants %s by user %s: round %s application %s %s -> %s %s", action, entry.actor_id,
             entry.round_id, entry.application_id, old, new, details or "")
    return entry


def audit_log(application: GrantApplication) -> list[GrantAuditEntry]:
    return list(db.session.scalars(select(GrantAuditEntry)
                                   .where(GrantAuditEntry.application_id == application.id)
                                   .order_by(GrantAuditEntry.id)))


@helper_role_changed.connect
def _helper_role_changed(actor: User, *, gemeente_code: str, helper_id: int, granted: bool, **_: Any) -> None:
    record(actor, "helper_granted" if granted else "helper_removed", gemeente_code=gemeente_code,
           helper_id=helper_id)
