"""A round's money: locks, reserving and releasing, totals and the dashboard figures.

Budget guarantee: every change of a round's committed money happens after `lock_round` (SELECT ...
FOR UPDATE on the round row) in the caller's transaction, and the round row has a CHECK constraint
`committed_cents <= budget_cents`. Two approvals at the same moment queue on the lock; the second
sees the first one's money. Should any code path ever skip the lock, the CHECK still refuses the
overspend (IntegrityError -> BudgetExceeded). Lock order is always round, then application.
"""
from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from webapp.extensions import db
from webapp.grants import models as m
from webapp.grants.models import GrantApplication, GrantRound
from webapp.grants.services.errors import BudgetExceeded
from webapp.i18n import local_today, money


def lock_round(round_id: int) -> GrantRound:
    """The round row, locked until the transaction ends, with fresh values."""
    return db.session.execute(
        select(GrantRound).where(GrantRound.id == round_id).with_for_update(of=GrantRound)
        .execution_options(populate_existing=True)).scalar_one()


def lock_application(application_id: int) -> GrantApplication:
    return db.session.execute(
        select(GrantApplication).where(GrantApplication.id == application_id)
        .with_for_update(of=GrantApplication).execution_options(populate_existing=True)).unique().scalar_one()


def lock_both(application: GrantApplication) -> tuple[GrantRound, GrantApplication]:
    """The application's round, then the application: locked in that order, fresh."""
    grant_round = lock_round(application.round_id)
    return grant_round, lock_application(application.id)


def reserve(grant_round: GrantRound, cents: int) -> None:
    """Take `cents` from the round's budget (the round must be locked)."""
    if cents > grant_round.budget_cents - grant_round.committed_cents:
        raise BudgetExceeded(_("Er is niet genoeg geld over in deze regeling. Er is nog %(left)s over.",
                               left=money(grant_round.budget_cents - grant_round.committed_cents)), field="amount")
    grant_round.committed_cents = grant_round.committed_cents + cents
    try:
        db.session.flush()
    except IntegrityError as exc:  # the CHECK constraint: the last line of defence
        raise BudgetExceeded(_("Er is niet genoeg geld over in deze regeling."), field="amount") from exc


def release(grant_round: GrantRound, application: GrantApplication) -> int:
    """Give the money an application holds back to the round. Returns the cents released."""
    cents = application.reserved_cents
    if cents:
        grant_round.committed_cents = grant_round.committed_cents - cents
        application.reserved_cents = 0
    return cents


FIGURE_KEYS = ("budget_cents", "provisional_cents", "granted_cents", "in_payment_cents", "paid_cents",
               "refunded_cents", "remaining_cents")


def round_totals(grant_round: GrantRound) -> dict[str, int]:
    """The one definition of a round's money figures, shown alike on the staff home, the dashboard, the
    public page, CSV and JSON:

    - budget: the round's budget;
    - provisional: held by provisional approvals (four eyes: waiting for the second staff member);
    - granted: approved, in payment and paid, minus what came back (what initiatives keep or will get);
    - in payment: in an open payment batch (SEPA file made, the bank has not paid yet);
    - paid: paid out, minus what came back;
    - refunded: what came back after payout;
    - remaining: budget - provisional - granted (provisional money is taken until decided).
    `committed_cents` (= provisional + granted) is the round row's own counter.
    """
    def total(expression: Any, *statuses: str) -> Any:
        return func.coalesce(func.sum(expression).filter(GrantApplication.status.in_(statuses)), 0)

    row = db.session.execute(select(
        total(GrantApplication.reserved_cents, m.PROVISIONAL),
        total(GrantApplication.reserved_cents, *m.GRANTED_STATUSES),
        total(GrantApplication.reserved_cents, m.IN_PAYMENT),
        total(GrantApplication.reserved_cents, m.PAID),
        total(GrantApplication.refunded_cents, m.PAID),
    ).where(GrantApplication.round_id == grant_round.id)).one()
    provisional, granted, in_payment, paid, refunded = (int(v) for v in row)
    return {"budget_cents": grant_round.budget_cents, "provisional_cents": provisional, "granted_cents": granted,
            "in_payment_cents": in_payment, "paid_cents": paid, "refunded_cents": refunded,
            "remaining_cents": grant_round.budget_cents - provisional - granted,
            "committed_cents": grant_round.committed_cents}


@dataclass
class Figures:
    label: str
    applications: int = 0
    decided: int = 0
    approved: int = 0
    requested_cents: int = 0
    granted_cents: int = 0
    paid_cents: int = 0
    days_to_decision: list[int] = field(default_factory=list)
    in_time: int = 0

    @property
    def approval_rate(self) -> float | None:
        return self.approved / self.decided if self.decided else None

    @property
    def median_days(self) -> float | None:
        return statistics.median(self.days_to_decision) if self.days_to_decision else None

    @property
    def in_time_share(self) -> float | None:
        return self.in_time / self.decided if self.decided else None


def dashboard(grant_round: GrantRound) -> tuple[Figures, list[Figures]]:
    """Figures for the whole round and per district (in the order of the district names)."""
    total = Figures(label=_("Hele regeling"))
    per_district: dict[str, Figures] = {}
    apps = db.session.scalars(select(GrantApplication).where(GrantApplication.round_id == grant_round.id,
                                                            GrantApplication.status != m.DRAFT)).unique()
    for a in apps:
        label = a.district_name or _("Geen stadsdeel")
        for figures in (total, per_district.setdefault(label, Figures(label=label))):
            figures.applications += 1
            figures.requested_cents += a.amount_cents or 0
            # Decided = a final answer was given (approve/reject); withdrawn ones never were.
            if a.decided_at is not None and a.status in (m.APPROVED, m.PAID, m.REJECTED, m.REVOKED):
                figures.decided += 1
                if a.status != m.REJECTED:
                    figures.approved += 1
                days = (local_today(a.decided_at) - local_today(a.submitted_at)).days
                figures.days_to_decision.append(days)
                if a.due_on is None or local_today(a.decided_at) <= a.due_on:
                    figures.in_time += 1
            if a.status in m.GRANTED_STATUSES:
                figures.granted_cents += a.net_granted_cents
            if a.status == m.PAID:
                figures.paid_cents += a.reserved_cents
    return total, [per_district[k] for k in sorted(per_district)]
