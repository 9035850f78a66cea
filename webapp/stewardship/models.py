from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, String, Text, func
from sqlalchemy import text as sa_text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from webapp.extensions import Model

SUBJECT_TYPES = ("place", "initiative")


class OwnershipMixin:
    """One co-owner of a subject; the same columns for places and initiatives."""

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    since: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    @declared_attr
    def user(cls) -> Mapped[Any]:
        return relationship("User", foreign_keys=[cls.user_id], lazy="joined")  # type: ignore[list-item]


class PlaceOwner(OwnershipMixin, Model):
    __tablename__ = "place_owners"
    place_id: Mapped[int] = mapped_column(ForeignKey("places.id", ondelete="CASCADE"), primary_key=True)


class InitiativeOwner(OwnershipMixin, Model):
    __tablename__ = "initiative_owners"
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiatives.id", ondelete="CASCADE"), primary_key=True)


class OwnershipHistory(Model):
    """Who co-owned which subject, from when until when (left_at NULL = still an owner).

    Written by database triggers on place_owners and initiative_owners (migration stewardship_0002), so
    every way an owner row is added or deleted is kept. Read it with `ownership_history.was_owner_since`.
    """

    __tablename__ = "ownership_history"

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_type: Mapped[str] = mapped_column(String(16))
    subject_id: Mapped[int] = mapped_column()
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    joined_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    left_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (Index("ix_ownership_history_user_subject", "user_id", "subject_type", "subject_id"),)


class Revision(Model):
    """One change to a subject: who, when, which fields, old and new values. Public history."""

    __tablename__ = "revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_type: Mapped[str] = mapped_column(String(16))
    subject_id: Mapped[int] = mapped_column()
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    kind: Mapped[str] = mapped_column(String(16), default="edit")  # create / edit / suggestion / revert / status
    # {"field": {"old": ..., "new": ...}}
    changes: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    note: Mapped[str] = mapped_column(Text, default="", server_default="")

    user = relationship("User", lazy="joined")

    __table_args__ = (Index("ix_revisions_subject", "subject_type", "subject_id", "id"),)


class _SubjectRefMixin:
    """Points at a Place or an Initiative (subject_type + subject_id; no FK, the subject may be either)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_type: Mapped[str] = mapped_column(String(16))
    subject_id: Mapped[int] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    status: Mapped[str] = mapped_column(String(12), default="open", server_default="open")
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    @declared_attr
    def user_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)

    @declared_attr
    def decided_by_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    @declared_attr
    def user(cls) -> Mapped[Any]:
        return relationship("User", foreign_keys=[cls.user_id], lazy="joined")  # type: ignore[list-item]

    @declared_attr
    def decided_by(cls) -> Mapped[Any]:
        return relationship("User", foreign_keys=[cls.decided_by_id], lazy="joined")  # type: ignore[list-item]


class JoinRequest(_SubjectRefMixin, Model):
    """A resident asks to become co-owner. status: open / accepted / declined / withdrawn."""

    __tablename__ = "join_requests"

    motivation: Mapped[str] = mapped_column(Text, default="", server_default="")

    __table_args__ = (
        Index("ix_join_requests_subject", "subject_type", "subject_id", "status"),
        # At most one open request per resident and subject.
        Index("uq_join_requests_open", "subject_type", "subject_id", "user_id", unique=True,
              postgresql_where=sa_text("status = 'open'")),
    )


class Suggestion(_SubjectRefMixin, Model):
    """A non-owner suggests new values for some fields. status: open / accepted / declined."""

    __tablename__ = "suggestions"

    # {"field": new value}; `base` holds the values the suggester saw, to show what would change.
    values: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    base: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    note: Mapped[str] = mapped_column(Text, default="", server_default="")
    revision_id: Mapped[int | None] = mapped_column(ForeignKey("revisions.id", ondelete="SET NULL"))

    __table_args__ = (Index("ix_suggestions_subject", "subject_type", "subject_id", "status"),)


REPORT_CATEGORIES = ("access_barrier", "building_safety", "people_safety", "wrong_info", "inappropriate")


class Report(_SubjectRefMixin, Model):
    """A problem reported by a resident. status: open / closed. `people_safety` is for moderators only."""

    __tablename__ = "reports"

    category: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text, default="", server_default="")
    answer: Mapped[str] = mapped_column(Text, default="", server_default="")
    # A barrier report names the field it says is wrong (e.g. "step_free_entrance"); NULL otherwise.
    # While open, that field is flagged "gemeld: mogelijk niet juist" (webapp/places/barriers.py).
    attribute: Mapped[str | None] = mapped_column(String(32))

    __table_args__ = (
        Index("ix_reports_subject", "subject_type", "subject_id", "status"),
        Index("ix_reports_open_barriers", "subject_type", "attribute", "subject_id",
              postgresql_where=sa_text("status = 'open' AND category = 'access_barrier'")),
        CheckConstraint("category IN ('access_barrier', 'building_safety', 'people_safety', 'wrong_info', "
                        "'inappropriate')", name="category_known"),
    )
