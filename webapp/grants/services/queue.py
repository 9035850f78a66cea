"""The staff's work list of a round, a page at a time, and how many days are left for an answer."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.engine import Row

from webapp.areas.models import District
from webapp.extensions import db
from webapp.grants import models as m
from webapp.grants.models import GrantApplication, GrantRound
from webapp.i18n import local_today
from webapp.initiatives.models import Initiative

QUEUE_FILTERS = ("open", "waiting", "provisional", "quick", "approved", "decided", "all")
QUEUE_PAGE_SIZE = 50   # applications on one page of the work list

_A = GrantApplication


def waits_for(application: Any, viewer_id: int | None) -> bool:
    """A provisional approval by someone else: it waits for this staff member's confirmation."""
    return (viewer_id is not None and application.status == m.PROVISIONAL
            and application.first_approver_id != viewer_id)


def _conditions() -> dict[str, Any]:
    """What each filter of the work list means, once: for the list and for the counts per filter."""
    return {
        # To do: undecided, plus quick-lane approvals staff may still revoke.
        "open": or_(_A.status.in_(m.UNDECIDED_STATUSES), and_(_A.quick_lane.is_(True), _A.status == m.APPROVED)),
        "waiting": _A.awaiting_answer.is_(True),
        "provisional": _A.status == m.PROVISIONAL,
        "quick": _A.quick_lane.is_(True),
        "approved": _A.status.in_(m.GRANTED_STATUSES),
        "decided": _A.status.notin_(m.UNDECIDED_STATUSES),
        "all": None,
    }


def _sent(grant_round: GrantRound, district_id: int | None) -> list[Any]:
    where = [_A.round_id == grant_round.id, _A.status != m.DRAFT]
    if district_id:
        where.append(_A.district_id == district_id)
    return where


def queue_counts(grant_round: GrantRound, district_id: int | None = None) -> dict[str, int]:
    """How many applications each filter of the work list holds (in the district, if one is chosen): one
    aggregate query."""
    columns = [(func.count().filter(condition) if condition is not None else func.count()).label(name)
               for name, condition in _conditions().items()]
    row = db.session.execute(select(*columns).where(*_sent(grant_round, district_id))).one()
    return dict(row._mapping)


def _statement(grant_round: GrantRound, status: str, district_id: int | None, viewer_id: int | None) -> Any:
    """Only the columns the list shows; those waiting for the viewer's confirmation on top, then oldest
    first (as `waits_for`)."""
    i = Initiative
    stmt = (select(_A.id, _A.title, _A.status, _A.initiative_id, i.title.label("initiative_title"),
                   District.name.label("district_name"), _A.submitted_at, _A.on_behalf, _A.granted_cents,
                   _A.amount_cents, _A.quick_lane, _A.awaiting_answer, _A.due_on, _A.first_approver_id)
            .join(i, i.id == _A.initiative_id).outerjoin(District, District.id == _A.district_id)
            .where(*_sent(grant_round, district_id)))
    condition = _conditions()[status]
    if condition is not None:
        stmt = stmt.where(condition)
    order: list[Any] = [_A.submitted_at, _A.id]
    if viewer_id is not None:
        waiting = and_(_A.status == m.PROVISIONAL, _A.first_approver_id.is_distinct_from(viewer_id))
        order.insert(0, case((waiting, 0), else_=1))
    return stmt.order_by(*order)


@dataclass
class QueuePage:
    items: list[Row[Any]]
    page: int          # 1, 2, ...
    pages: int         # at least 1
    total: int         # applications with this filter, on every page
    counts: dict[str, int]   # per filter (QUEUE_FILTERS)
    page_size: int = QUEUE_PAGE_SIZE

    @property
    def first(self) -> int:
        """The number of the first application on this page (1-based)."""
        return (self.page - 1) * self.page_size + 1 if self.items else 0


def queue_page(grant_round: GrantRound, status: str = "open", district_id: int | None = None,
               viewer_id: int | None = None, page: int = 1, page_size: int | None = None) -> QueuePage:
    """One page of the work list. A page past the last one gives the last page (an application decided
    meanwhile may have emptied it)."""
    if status not in QUEUE_FILTERS:
        status = "open"
    page_size = page_size or QUEUE_PAGE_SIZE
    counts = queue_counts(grant_round, district_id)
    total = counts[status]
    pages = max(1, -(-total // page_size))
    page = min(max(page, 1), pages)
    stmt = _statement(grant_round, status, district_id, viewer_id).limit(page_size).offset((page - 1) * page_size)
    return QueuePage(items=list(db.session.execute(stmt)), page=page, pages=pages, total=total, counts=counts,
                     page_size=page_size)


def queue(grant_round: GrantRound, status: str = "open", district_id: int | None = None,
          viewer_id: int | None = None) -> list[Row[Any]]:
    """The whole work list (every page), in the order of the pages."""
    if status not in QUEUE_FILTERS:
        status = "open"
    return list(db.session.execute(_statement(grant_round, status, district_id, viewer_id)))


def days_left(application: Any, today: date | None = None) -> int | None:
    due_on: date | None = application.due_on
    if due_on is None or application.status not in m.UNDECIDED_STATUSES:
        return None
    return (due_on - (today or local_today())).days
