"""Grant rounds (regelingen), applications, budget lines, the question thread, reports and the audit log.

Money is integer cents. The round row carries `committed_cents` (provisional + approved + paid money)
and `paid_cents`; CHECK constraints make overspending impossible at the database level, and every
change of them happens under a row lock on the round (see services.lock_round).
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    func,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from webapp.areas.models import District, Gemeente
from webapp.extensions import Model

# Application statuses.
DRAFT = "draft"
SUBMITTED = "submitted"
PROVISIONAL = "provisional"   # first of two approvals (four-eyes); the money is reserved
APPROVED = "approved"
REJECTED = "rejected"
WITHDRAWN = "withdrawn"        # by the applicant
REVOKED = "revoked"            # by staff, before payout
IN_PAYMENT = "in_payment"    # in an open payment batch (SEPA file made, the bank has not paid yet)
PAID = "paid"
STATUSES = (DRAFT, SUBMITTED, PROVISIONAL, APPROVED, REJECTED, WITHDRAWN, REVOKED, IN_PAYMENT, PAID)
OPEN_STATUSES = (DRAFT, SUBMITTED, PROVISIONAL)        # at most one per initiative per round
UNDECIDED_STATUSES = (SUBMITTED, PROVISIONAL)
RESERVING_STATUSES = (PROVISIONAL, APPROVED, IN_PAYMENT, PAID)      # count against the budget
GRANTED_STATUSES = (APPROVED, IN_PAYMENT, PAID)

DEFAULT_MAX_CENTS = 50_000
MAX_MAX_CENTS = 500_000
DEFAULT_FOUR_EYES_CENTS = 100_000
DEFAULT_QUICK_LANE_CENTS = 25_000
DEFAULT_ANSWER_DAYS = 14


class GrantRound(Model):
    """A scheme round of one gemeente (optionally one district) with its budget."""

    __tablename__ = "grant_rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    gemeente_code: Mapped[str] = mapped_column(ForeignKey("gemeenten.code"), index=True)
    district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id"))
    name: Mapped[str] = mapped_column(String(160))
    criteria: Mapped[str] = mapped_column(Text, default="", server_default="")
    opens_on: Mapped[date] = mapped_column(Date)
    closes_on: Mapped[date] = mapped_column(Date)
    budget_cents: Mapped[int] = mapped_column(Integer)
    max_amount_cents: Mapped[int] = mapped_column(Integer, default=DEFAULT_MAX_CENTS,
                                                  server_default=str(DEFAULT_MAX_CENTS))
    four_eyes_cents: Mapped[int] = mapped_column(Integer, default=DEFAULT_FOUR_EYES_CENTS,
                                                 server_default=str(DEFAULT_FOUR_EYES_CENTS))
    answer_days: Mapped[int] = mapped_column(Integer, default=DEFAULT_ANSWER_DAYS,
                                             server_default=str(DEFAULT_ANSWER_DAYS))
    quick_lane_cents: Mapped[int] = mapped_column(Integer, default=DEFAULT_QUICK_LANE_CENTS,
                                                  server_default=str(DEFAULT_QUICK_LANE_CENTS))
    # Own contribution asked, as a percentage of the requested amount (0 = not required).
    own_contribution_percent: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Neighbours who support the plan: 0 = optional question, n = at least n needed.
    min_supporters: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    ask_supporters: Mapped[bool] = mapped_column(Boolean, default=True, server_default="true")
    committed_cents: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    paid_cents: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    # False until a second staff member confirmed the money settings of a new round: not open until then
    # (see settings_changes).
    settings_confirmed: Mapped[bool] = mapped_column(Boolean, default=True, server_default="true")
    # Buurten (CBS codes) this round gives priority to, e.g. those without an accessible meeting place
    # (insight's gap analysis); the application form says so for an initiative in one of them.
    priority_buurten: Mapped[list[str]] = mapped_column(ARRAY(String(10)), default=list, server_default="{}")
    # The gemeente's own account the startbijdragen are paid from (the debtor of the SEPA files).
    debtor_name: Mapped[str] = mapped_column(String(140), default="", server_default="")
    debtor_iban: Mapped[str] = mapped_column(String(34), default="", server_default="")
    debtor_bic: Mapped[str] = mapped_column(String(11), default="", server_default="")

    # Names only: the boundaries are large and never needed with a round.
    gemeente_name = column_property(
        select(Gemeente.name).where(Gemeente.code == gemeente_code).correlate_except(Gemeente).scalar_subquery())
    district_name = column_property(
        select(District.name).where(District.id == district_id).correlate_except(District).scalar_subquery())

    __table_args__ = (
        CheckConstraint("budget_cents > 0", name="budget_positive"),
        CheckConstraint("committed_cents >= 0 AND committed_cents <= budget_cents", name="within_budget"),
        CheckConstraint("paid_cents >= 0 AND paid_cents <= committed_cents", name="paid_within_committed"),
        CheckConstraint(f"max_amount_cents > 0 AND max_amount_cents <= {MAX_MAX_CENTS}", name="max_amount_range"),
        CheckConstraint("four_eyes_cents >= 0", name="four_eyes_nonnegative"),
        CheckConstraint("quick_lane_cents >= 0", name="quick_lane_nonnegative"),
        CheckConstraint("answer_days BETWEEN 1 AND 365", name="answer_days_range"),
        CheckConstraint("own_contribution_percent BETWEEN 0 AND 100", name="own_contribution_range"),
        CheckConstraint("min_supporters >= 0", name="min_supporters_nonnegative"),
        CheckConstraint("opens_on <= closes_on", name="period_order"),
    )

    @property
    def remaining_cents(self) -> int:
        return self.budget_cents - self.committed_cents

    def __repr__(self) -> str:
        return f"<GrantRound {self.id} {self.name!r}>"


class GrantApplication(Model):
    """An application for a startbijdrage by (or on behalf of) the owners of an initiative."""

    __tablename__ = "grant_applications"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("grant_rounds.id"), index=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiatives.id"), index=True)
    status: Mapped[str] = mapped_column(String(12), default=DRAFT, server_default=DRAFT)
    # Who filled it in; when that is not an owner of the initiative (staff, helper) on_behalf is true.
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    on_behalf: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    title: Mapped[str] = mapped_column(String(160), default="", server_default="")  # what (public)
    audience: Mapped[str] = mapped_column(Text, default="", server_default="")       # for whom
    timing: Mapped[str] = mapped_column(String(200), default="", server_default="")  # when
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    amount_cents: Mapped[int | None] = mapped_column(Integer)
    own_contribution_cents: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    cofunding: Mapped[str] = mapped_column(String(300), default="", server_default="")
    supporters: Mapped[int | None] = mapped_column(Integer)
    district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id"))
    quick_lane: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    awaiting_answer: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(),
                                                 onupdate=func.now())
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    due_on: Mapped[date | None] = mapped_column(Date)
    # Four-eyes: the first (provisional) approval.
    first_approver_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    first_approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    first_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    # The final decision (approve / reject / revoke) and the money it holds.
    granted_cents: Mapped[int | None] = mapped_column(Integer)
    reserved_cents: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decision_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    revoked_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    paid_on: Mapped[date | None] = mapped_column(Date)
    payment_reference: Mapped[str] = mapped_column(String(80), default="", server_default="")
    paid_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Money paid back after payout (unused): it returns to the round (see services.record_refund).
    refunded_cents: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    refunded_on: Mapped[date | None] = mapped_column(Date)

    round = relationship(GrantRound, lazy="joined")
    initiative = relationship("Initiative", lazy="joined")
    created_by = relationship("User", foreign_keys=[created_by_id], lazy="joined")
    lines: Mapped[list[GrantBudgetLine]] = relationship(
        back_populates="application", order_by="GrantBudgetLine.position", cascade="all, delete-orphan",
        lazy="selectin")
    district_name = column_property(
        select(District.name).where(District.id == district_id).correlate_except(District).scalar_subquery())

    __table_args__ = (
        CheckConstraint("status IN ('draft', 'submitted', 'provisional', 'approved', 'rejected', "
                        "'withdrawn', 'revoked', 'in_payment', 'paid')", name="status_known"),
        CheckConstraint("amount_cents IS NULL OR amount_cents > 0", name="amount_positive"),
        CheckConstraint("own_contribution_cents >= 0", name="own_contribution_nonnegative"),
        CheckConstraint("supporters IS NULL OR supporters >= 0", name="supporters_nonnegative"),
        CheckConstraint("reserved_cents >= 0", name="reserved_nonnegative"),
        CheckConstraint("granted_cents IS NULL OR granted_cents > 0", name="granted_positive"),
        CheckConstraint("refunded_cents >= 0 AND refunded_cents <= COALESCE(granted_cents, 0)",
                        name="refund_within_granted"),
        # One open (draft, submitted, provisional) application per initiative per round.
        Index("uq_grant_applications_open", "round_id", "initiative_id", unique=True,
              postgresql_where=text("status IN ('draft', 'submitted', 'provisional')")),
        Index("ix_grant_applications_round_status", "round_id", "status", "submitted_at"),
    )

    @property
    def net_granted_cents(self) -> int:
        """What the initiative keeps: the amount granted minus what it paid back."""
        return (self.granted_cents or 0) - self.refunded_cents

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def __repr__(self) -> str:
        return f"<GrantApplication {self.id} {self.status}>"


class GrantBudgetLine(Model):
    __tablename__ = "grant_budget_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("grant_applications.id", ondelete="CASCADE"),
                                                index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    description: Mapped[str] = mapped_column(String(200))
    amount_cents: Mapped[int] = mapped_column(Integer)

    application: Mapped[GrantApplication] = relationship(back_populates="lines")

    __table_args__ = (CheckConstraint("amount_cents > 0", name="amount_positive"),)


class GrantMessage(Model):
    """The thread of an application: staff questions and the applicant's answers."""

    __tablename__ = "grant_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("grant_applications.id", ondelete="CASCADE"),
                                                index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(10))  # question / answer
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    author = relationship("User", lazy="joined")

    __table_args__ = (CheckConstraint("kind IN ('question', 'answer')", name="kind_known"),)


class GrantReport(Model):
    """The light report (verantwoording) after payout, with at most one photo and, above the
    four-eyes threshold, a photo of the receipts. Images are stored re-encoded, in the database."""

    __tablename__ = "grant_reports"

    application_id: Mapped[int] = mapped_column(ForeignKey("grant_applications.id", ondelete="CASCADE"),
                                                primary_key=True)
    what_happened: Mapped[str] = mapped_column(Text)
    attendees: Mapped[int | None] = mapped_column(Integer)
    spent_cents: Mapped[int | None] = mapped_column(Integer)
    photo: Mapped[bytes | None] = mapped_column(LargeBinary)
    photo_type: Mapped[str | None] = mapped_column(String(20))
    receipts: Mapped[bytes | None] = mapped_column(LargeBinary)
    receipts_type: Mapped[str | None] = mapped_column(String(20))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    __table_args__ = (
        CheckConstraint("attendees IS NULL OR attendees >= 0", name="attendees_nonnegative"),
        CheckConstraint("spent_cents IS NULL OR spent_cents >= 0", name="spent_nonnegative"),
    )


class GrantAuditEntry(Model):
    """Append-only: a trigger (migration grants_0001) refuses UPDATE and DELETE on this table."""

    __tablename__ = "grant_audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    gemeente_code: Mapped[str | None] = mapped_column(String(6))
    round_id: Mapped[int | None] = mapped_column(ForeignKey("grant_rounds.id"), index=True)
    application_id: Mapped[int | None] = mapped_column(ForeignKey("grant_applications.id"), index=True)
    action: Mapped[str] = mapped_column(String(40))
    old_status: Mapped[str | None] = mapped_column(String(12))
    new_status: Mapped[str | None] = mapped_column(String(12))
    details: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict, server_default="{}")

    actor = relationship("User", lazy="joined")


# Money settings of a round: a change takes effect only when a second staff member confirms it.
MONEY_SETTINGS = ("budget_cents", "max_amount_cents", "four_eyes_cents", "quick_lane_cents")
CHANGE_PENDING = "pending"
CHANGE_CONFIRMED = "confirmed"
CHANGE_REJECTED = "rejected"
CHANGE_WITHDRAWN = "withdrawn"


class GrantRoundChange(Model):
    """A proposed change of a round's money settings, waiting for a second staff member (four-eyes).

    kind "create": the settings of a new round (the round is not open until confirmed);
    kind "update": old and new values of the settings that change.
    """

    __tablename__ = "grant_round_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("grant_rounds.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(10), default=CHANGE_PENDING, server_default=CHANGE_PENDING)
    old_values: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict, server_default="{}")
    new_values: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict, server_default="{}")
    proposed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    proposed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    proposed_by = relationship("User", foreign_keys=[proposed_by_id], lazy="joined")
    decided_by = relationship("User", foreign_keys=[decided_by_id], lazy="joined")

    __table_args__ = (
        CheckConstraint("kind IN ('create', 'update')", name="kind_known"),
        CheckConstraint("status IN ('pending', 'confirmed', 'rejected', 'withdrawn')", name="status_known"),
        # The database itself refuses a change confirmed by the person who proposed it.
        CheckConstraint("status <> 'confirmed' OR (decided_by_id IS NOT NULL AND decided_by_id <> proposed_by_id)",
                        name="confirmed_by_another"),
        # At most one change waits per round.
        Index("uq_grant_round_changes_pending", "round_id", unique=True,
              postgresql_where=text("status = 'pending'")),
    )


# Bank accounts of an application (financial personal data: see services/bank.py).
BANK_ACTIVE = "active"        # the account the grant is paid to
BANK_PENDING = "pending"      # a change after approval, waiting for a staff member to confirm
BANK_REPLACED = "replaced"
BANK_REJECTED = "rejected"


class GrantBankAccount(Model):
    """The IBAN and account holder a grant is paid to. Given after approval; a change after that waits for a
    staff member (not the one who made it) to confirm. Removed (`purged_at`) N months after payout."""

    __tablename__ = "grant_bank_accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("grant_applications.id", ondelete="CASCADE"),
                                                index=True)
    iban: Mapped[str | None] = mapped_column(String(34))
    bic: Mapped[str | None] = mapped_column(String(11))
    holder: Mapped[str | None] = mapped_column(String(140))  # SEPA: 70, checked by the service
    status: Mapped[str] = mapped_column(String(10))
    needs_confirmation: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    entered_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    entered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    purged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        CheckConstraint("status IN ('active', 'pending', 'replaced', 'rejected')", name="status_known"),
        # A change after approval is confirmed by someone else than who made it (four eyes, in the database).
        CheckConstraint("NOT needs_confirmation OR status IN ('pending', 'rejected') "
                        "OR (decided_by_id IS NOT NULL AND decided_by_id <> entered_by_id)",
                        name="confirmed_by_another"),
        CheckConstraint("purged_at IS NOT NULL OR (iban IS NOT NULL AND holder IS NOT NULL)", name="filled_in"),
        Index("uq_grant_bank_accounts_active", "application_id", unique=True,
              postgresql_where=text("status = 'active'")),
        Index("uq_grant_bank_accounts_pending", "application_id", unique=True,
              postgresql_where=text("status = 'pending'")),
    )


BATCH_OPEN = "open"
BATCH_PAID = "paid"
BATCH_CANCELLED = "cancelled"


class GrantPaymentBatch(Model):
    """A SEPA credit-transfer file (pain.001.001.03) with one transaction per grant. Created by one staff
    member, marked paid by another (four eyes, in the database)."""

    __tablename__ = "grant_payment_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    gemeente_code: Mapped[str] = mapped_column(String(6), index=True)
    round_id: Mapped[int | None] = mapped_column(ForeignKey("grant_rounds.id"))  # None: all rounds
    status: Mapped[str] = mapped_column(String(10), default=BATCH_OPEN, server_default=BATCH_OPEN)
    msg_id: Mapped[str] = mapped_column(String(35))
    debtor_name: Mapped[str] = mapped_column(String(140))
    debtor_iban: Mapped[str] = mapped_column(String(34))
    debtor_bic: Mapped[str] = mapped_column(String(11), default="", server_default="")
    execution_date: Mapped[date] = mapped_column(Date)
    count: Mapped[int] = mapped_column(Integer)
    total_cents: Mapped[int] = mapped_column(Integer)
    file: Mapped[bytes | None] = mapped_column(LargeBinary)  # removed with the bank details
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    paid_on: Mapped[date | None] = mapped_column(Date)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    created_by = relationship("User", foreign_keys=[created_by_id], lazy="joined")
    closed_by = relationship("User", foreign_keys=[closed_by_id], lazy="joined")
    items: Mapped[list[GrantPaymentItem]] = relationship(back_populates="batch", order_by="GrantPaymentItem.id",
                                                         lazy="selectin")

    __table_args__ = (
        CheckConstraint("status IN ('open', 'paid', 'cancelled')", name="status_known"),
        CheckConstraint("count > 0 AND total_cents > 0", name="not_empty"),
        # Four eyes: the person who made the file is not the one who marks it paid.
        CheckConstraint("status <> 'paid' OR (paid_on IS NOT NULL AND closed_by_id IS NOT NULL "
                        "AND closed_by_id <> created_by_id)", name="paid_by_another"),
    )


class GrantPaymentItem(Model):
    """One grant in a payment batch. `open` while the batch is open: a grant is in at most one open batch
    (partial unique index)."""

    __tablename__ = "grant_payment_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("grant_payment_batches.id", ondelete="CASCADE"), index=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("grant_applications.id"), index=True)
    amount_cents: Mapped[int] = mapped_column(Integer)
    end_to_end_id: Mapped[str] = mapped_column(String(35))
    open: Mapped[bool] = mapped_column(Boolean, default=True, server_default="true")

    batch: Mapped[GrantPaymentBatch] = relationship(back_populates="items")
    application = relationship(GrantApplication, lazy="joined")

    __table_args__ = (
        CheckConstraint("amount_cents > 0", name="amount_positive"),
        Index("uq_grant_payment_items_open", "application_id", unique=True, postgresql_where=text("open")),
    )
