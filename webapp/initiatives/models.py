"""Buurtinitiatieven: neighbourhood initiatives and their activities."""
from __future__ import annotations

from datetime import date, datetime, time

from geoalchemy2 import Geometry
from sqlalchemy import (
    ARRAY,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Table,
    Text,
    Time,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import Model, db

THEMES = ("ontmoeting", "sport", "culture", "language", "green", "care", "youth", "elderly", "other")
STATUSES = ("idea", "active", "paused", "ended")
FREQUENCIES = ("once", "weekly", "biweekly", "monthly")
PARTICIPATION_KINDS = ("join", "volunteer")
TIMEZONE = "Europe/Amsterdam"

initiative_places = Table(
    "initiative_places",
    db.metadata,
    Column("initiative_id", ForeignKey("initiatives.id", ondelete="CASCADE"), primary_key=True),
    Column("place_id", ForeignKey("places.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Initiative(Model):
    """A buurtinitiatief. Public at once; owners are its co-owners (see stewardship)."""

    __tablename__ = "initiatives"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(160))
    summary: Mapped[str] = mapped_column(String(300), default="", server_default="")
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    themes: Mapped[list[str]] = mapped_column(ARRAY(String(16)), default=list, server_default="{}")
    audience: Mapped[list[str]] = mapped_column(ARRAY(String(16)), default=list, server_default="{}")
    languages: Mapped[list[str]] = mapped_column(ARRAY(String(8)), default=list, server_default="{}")
    cost: Mapped[str | None] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(8), default="active", server_default="active", index=True)
    hidden: Mapped[bool] = mapped_column(default=False, server_default="false")
    # Its own location for things outside a place; otherwise the location of its first place.
    location = mapped_column(Geometry("POINT", srid=4326, spatial_index=False))
    gemeente_code: Mapped[str | None] = mapped_column(ForeignKey("gemeenten.code"), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1", nullable=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(),
                                                 onupdate=func.now())
    owners_touched_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    # Added by the initiatives branch (initiatives_0001).
    # A description of its own location ("Speelveld achter de Dorpsstraat"); empty when it meets at places.
    location_name: Mapped[str] = mapped_column(String(160), default="", server_default="")
    cost_note: Mapped[str] = mapped_column(String(160), default="", server_default="")
    # Open volunteer roles ("Koffie zetten", "Fietsen maken").
    volunteer_roles: Mapped[list[str]] = mapped_column(ARRAY(String(120)), default=list, server_default="{}")
    # Staleness: when the one reminder was mailed, and when it was paused automatically.
    stale_reminded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    auto_paused_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    status_before_pause: Mapped[str | None] = mapped_column(String(8))

    places = relationship("Place", secondary=initiative_places, lazy="selectin")
    activities = relationship("Activity", back_populates="initiative", lazy="selectin",
                              order_by="Activity.starts_on", cascade="all, delete-orphan")

    __table_args__ = (
        Index("ix_initiatives_location", "location", postgresql_using="gist"),
        CheckConstraint("status IN ('idea', 'active', 'paused', 'ended')", name="status_known"),
    )

    def __repr__(self) -> str:
        return f"<Initiative {self.id} {self.title!r}>"


class Activity(Model):
    """A one-off or recurring activity of an initiative.

    Times are local wall-clock times in `timezone` (Europe/Amsterdam); each date is expanded in local
    time and only then converted to UTC, so 19:30 stays 19:30 across daylight saving changes.
    """

    __tablename__ = "initiative_activities"

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiatives.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(160))
    # Where: a place, or (None) the initiative's own location.
    place_id: Mapped[int | None] = mapped_column(ForeignKey("places.id", ondelete="SET NULL"), index=True)
    starts_on: Mapped[date] = mapped_column(Date)
    start_time: Mapped[time] = mapped_column(Time)
    end_time: Mapped[time] = mapped_column(Time)
    frequency: Mapped[str] = mapped_column(String(8), default="once", server_default="once")
    # For monthly: which weekday of the month (1..4, or -1 = the last), the weekday of starts_on.
    month_week: Mapped[int | None] = mapped_column(SmallInteger)
    ends_on: Mapped[date | None] = mapped_column(Date)
    timezone: Mapped[str] = mapped_column(String(40), default=TIMEZONE, server_default=TIMEZONE)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    initiative = relationship("Initiative", back_populates="activities")
    place = relationship("Place", lazy="joined")
    cancellations = relationship("ActivityCancellation", lazy="selectin", cascade="all, delete-orphan",
                                 order_by="ActivityCancellation.on_date")

    __table_args__ = (
        CheckConstraint("frequency IN ('once', 'weekly', 'biweekly', 'monthly')", name="frequency_known"),
        CheckConstraint("month_week IS NULL OR month_week IN (-1, 1, 2, 3, 4)", name="month_week_known"),
        CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="ends_after_start"),
    )

    @property
    def cancelled_dates(self) -> set[date]:
        return {c.on_date for c in self.cancellations}


class ActivityCancellation(Model):
    """One date of an activity that does not go ahead (local date)."""

    __tablename__ = "initiative_activity_cancellations"

    activity_id: Mapped[int] = mapped_column(ForeignKey("initiative_activities.id", ondelete="CASCADE"),
                                             primary_key=True)
    on_date: Mapped[date] = mapped_column(Date, primary_key=True)
    reason: Mapped[str] = mapped_column(String(200), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Participation(Model):
    """"Doe mee": a resident wants to join or volunteer. Only the owners (and the resident) see it."""

    __tablename__ = "initiative_participations"

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiatives.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(12), default="join", server_default="join")
    role: Mapped[str] = mapped_column(String(120), default="", server_default="")
    message: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    user = relationship("User", lazy="joined")
    initiative = relationship("Initiative", lazy="joined")

    __table_args__ = (
        UniqueConstraint("initiative_id", "user_id", name="uq_initiative_participations_initiative_user"),
        CheckConstraint("kind IN ('join', 'volunteer')", name="kind_known"),
    )
