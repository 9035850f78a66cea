from __future__ import annotations

from datetime import datetime
from typing import Any

from geoalchemy2 import Geometry
from sqlalchemy import Boolean, DateTime, Float, ForeignKey, Index, Integer, String, UniqueConstraint, func
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


class Postcode4(Model):
    """A 4-digit postcode area (PC4) with a representative point (GeoNames, see data/README.md)."""

    __tablename__ = "postcodes_pc4"

    pc4: Mapped[str] = mapped_column(String(4), primary_key=True)
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    places: Mapped[str] = mapped_column(String(300), default="")
    gemeente: Mapped[str] = mapped_column(String(120), default="")
    gemeente_code: Mapped[str] = mapped_column(String(6), default="")


class PlaceName(Model):
    """One name people type for a place: a woonplaats (with each of its alternate names) or a gemeente.

    `key` is the name folded for matching (lower case, no accents, only letters and digits), so
    "Ljouwert", "ljouwert" and "Ljoüwert" find the same row.
    """

    __tablename__ = "place_names"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(200))  # the name as typed/listed (may be an alternate name)
    kind: Mapped[str] = mapped_column(String(12))  # "woonplaats" | "gemeente"
    ref: Mapped[str] = mapped_column(String(20))  # GeoNames id or CBS code (GM0344)
    label: Mapped[str] = mapped_column(String(200))  # the official name shown to people
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    gemeente: Mapped[str] = mapped_column(String(120), default="")
    province: Mapped[str] = mapped_column(String(60), default="")
    population: Mapped[int] = mapped_column(Integer, default=0)
    is_primary: Mapped[bool] = mapped_column(Boolean, default=True)

    __table_args__ = (
        UniqueConstraint("kind", "ref", "key", name="uq_place_names_kind_ref_key"),
        Index("ix_place_names_key_prefix", "key", postgresql_ops={"key": "text_pattern_ops"}),
    )
