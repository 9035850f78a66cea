from __future__ import annotations

from datetime import datetime

from geoalchemy2 import Geometry
from sqlalchemy import ARRAY, CheckConstraint, Column, DateTime, ForeignKey, Index, Integer, String, Table, Text, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db

THEMES = ("ontmoeting", "sport", "culture", "language", "green", "care", "youth", "elderly", "other")
STATUSES = ("idea", "active", "paused", "ended")

initiative_places = Table(
    "initiative_places",
    db.metadata,
    Column("initiative_id", ForeignKey("initiatives.id", ondelete="CASCADE"), primary_key=True),
    Column("place_id", ForeignKey("places.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Initiative(db.Model):
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

    places = relationship("Place", secondary=initiative_places, lazy="selectin")

    __table_args__ = (
        Index("ix_initiatives_location", "location", postgresql_using="gist"),
        CheckConstraint("status IN ('idea', 'active', 'paused', 'ended')", name="status_known"),
    )

    def __repr__(self) -> str:
        return f"<Initiative {self.id} {self.title!r}>"
