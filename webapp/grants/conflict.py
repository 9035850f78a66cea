"""Conflict of interest over time: who may not decide on an initiative's applications.

Anyone who co-owned the initiative (now or at any moment in the last 12 months) or filled in an
application for it in the last 12 months may not approve, reject, confirm, revoke, pay out or record a
refund for its applications. Past ownership comes from stewardship (`was_owner_since`); grants never
queries the stewardship tables.
"""
from __future__ import annotations

from datetime import UTC, datetime

from dateutil.relativedelta import relativedelta
from sqlalchemy import exists, select

from webapp.accounts.actor import Actor
from webapp.extensions import db
from webapp.grants.models import GrantApplication
from webapp.stewardship.ownership_history import was_owner_since

LOOKBACK = relativedelta(months=12)


def has_conflict(user: Actor | None, application: GrantApplication, now: datetime | None = None) -> bool:
    if user is None or getattr(user, "id", None) is None:
        return True
    if application.created_by_id == user.id:
        return True
    since = (now or datetime.now(UTC)) - LOOKBACK
    if was_owner_since(user, application.initiative, since):
        return True
    return bool(db.session.scalar(select(exists().where(
        GrantApplication.initiative_id == application.initiative_id,
        GrantApplication.created_by_id == user.id,
        GrantApplication.created_at >= since))))
