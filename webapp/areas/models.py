from __future__ import annotations

from datetime import datetime
from typing import Any

from geoalchemy2 import Geometry
from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, UniqueConstraint, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from webapp.extensions import Model


class Gemeente(Model):
    """A Dutch municipality (CBS code like GM0363) with its boundary and CBS key figures."""

    __tablename__ = "gemeenten"

    code: Mapped[str] = mapped_column(String(6), primary_key=True)
    name: Mapped[str] = mapped_column(String(120), index=True)
    population: Mapped[int | None] = mapped_column(Integer)
    # All CBS key figures of the source file, as they are (see data/README.md).
    key_figures: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    boundary = mapped_column(Geometry("MULTIPOLYGON", srid=4326, spatial_index=False), nullable=False)
    loaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    __table_args__ = (Index("ix_gemeenten_boundary", "boundary", postgresql_using="gist"),)

    def __repr__(self) -> str:
        return f"<Gemeente {self.code} {self.name}>"


class District(Model):
    """A part of a gemeente (e.g. an Amsterdam stadsdeel), used for grant rounds and statistics."""

    __tablename__ = "districts"

    id: Mapped[int] = mapped_column(primary_key=True)
    gemeente_code: Mapped[str] = mapped_column(ForeignKey("gemeenten.code", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(120))
    boundary = mapped_column(Geometry("MULTIPOLYGON", srid=4326, spatial_index=False), nullable=False)

    __table_args__ = (
        Index("ix_districts_boundary", "boundary", postgresql_using="gist"),
        UniqueConstraint("gemeente_code", "code", name="uq_districts_gemeente_code"),
    )
