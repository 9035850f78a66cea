"""The staff's work list of a round, and how many days are left for an answer."""
from __future__ import annotations

from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload, lazyload

from webapp.extensions import db
from webapp.grants import models as m
from webapp.grants.models import GrantApplication, GrantRound
from webapp.i18n import local_today
from webapp.initiatives.models import Initiative

QUEUE_FILTERS = ("open", "waiting", "provisional", "quick", "approved", "decided", "all")


def waits_for(application: GrantApplication, viewer_id: int | None) -> bool:
    """A provisional approval by someone else: it waits for this staff member's confirmation."""
    return (viewer_id is not None and application.status == m.PROVISIONAL
            and application.first_approver_id != viewer_id)


def queue(grant_round: GrantRound, status: str = "open", district_id: int | None = None,
          viewer_id: int | None = None) -> list[GrantApplication]:
    """Sent applications of a round, oldest first; those waiting for the viewer's confirmation on top."""
    stmt = select(GrantApplication).where(GrantApplication.round_id == grant_round.id,
                                          GrantApplication.status != m.DRAFT)
    if status == "open":  # to do: undecided, plus quick-lane approvals staff may still revoke
        stmt = stmt.where(or_(GrantApplication.status.in_(m.UNDECIDED_STATUSES),
                              (GrantApplication.quick_lane.is_(True)) & (GrantApplication.status == m.APPROVED)))
    elif status == "waiting":
        stmt = stmt.where(GrantApplication.awaiting_answer.is_(True))
    elif status == "provisional":
        stmt = stmt.where(GrantApplication.status == m.PROVISIONAL)
    elif status == "quick":
        stmt = stmt.where(GrantApplication.quick_lane.is_(True))
    elif status == "approved":
        stmt = stmt.where(GrantApplication.status.in_(m.GRANTED_STATUSES))
    elif status == "decided":
        stmt = stmt.where(GrantApplication.status.notin_(m.UNDECIDED_STATUSES))
    if district_id:
        stmt = stmt.where(GrantApplication.district_id == district_id)
    # The list shows the application and its initiative's title: not the budget lines, the creator, or the
    # initiative's places and activities (each loaded only if something asks for it).
    stmt = stmt.options(lazyload(GrantApplication.lines), lazyload(GrantApplication.created_by),
                        joinedload(GrantApplication.initiative).options(lazyload(Initiative.places),
                                                                        lazyload(Initiative.activities)))
    items = list(db.session.scalars(stmt.order_by(GrantApplication.submitted_at, GrantApplication.id)).unique())
    return sorted(items, key=lambda a: not waits_for(a, viewer_id))  # stable: the rest stays oldest first


def days_left(application: GrantApplication, today: date | None = None) -> int | None:
    if application.due_on is None or application.status not in m.UNDECIDED_STATUSES:
        return None
    return (application.due_on - (today or local_today())).days
