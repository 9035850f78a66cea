from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, ForeignKey, Index, String, Text, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from webapp.extensions import db

SUBJECT_TYPES = ("place", "initiative")


class OwnershipMixin:
    """One co-owner of a subject; the same columns for places and initiatives."""

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    since: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    @declared_attr
    def user(cls):
        return relationship("User", foreign_keys=[cls.user_id], lazy="joined")


class PlaceOwner(OwnershipMixin, db.Model):
    __tablename__ = "place_owners"
    place_id: Mapped[int] = mapped_column(ForeignKey("places.id", ondelete="CASCADE"), primary_key=True)


class InitiativeOwner(OwnershipMixin, db.Model):
    __tablename__ = "initiative_owners"
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiatives.id", ondelete="CASCADE"), primary_key=True)


class Revision(db.Model):
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
