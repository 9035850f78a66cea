from __future__ import annotations

from datetime import date, datetime
from typing import Any

from geoalchemy2 import Geometry
from sqlalchemy import ARRAY, CheckConstraint, Date, DateTime, ForeignKey, Index, Integer, String, Text, func, text
from sqlalchemy.dialects.postgresql import JSONB, TSTZMULTIRANGE
from sqlalchemy.orm import Mapped, mapped_column

from webapp.extensions import Model
from webapp.places.attributes import ATTRIBUTE_KEYS


def _tri_state_column() -> Mapped[str]:
    return mapped_column(String(8), default="unknown", server_default="unknown", nullable=False)


class Place(Model):
    """An ontmoetingsplek. Attribute columns hold 'yes' / 'limited' / 'no' / 'unknown'."""

    __tablename__ = "places"
    __versioned__ = True  # optimistic locking via `version` (see stewardship)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160))
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    category: Mapped[str] = mapped_column(String(32))
    address: Mapped[str] = mapped_column(String(200), default="", server_default="")
    location = mapped_column(Geometry("POINT", srid=4326, spatial_index=False), nullable=False)
    gemeente_code: Mapped[str | None] = mapped_column(ForeignKey("gemeenten.code"), index=True)
    website: Mapped[str] = mapped_column(String(300), default="", server_default="")
    phone: Mapped[str] = mapped_column(String(40), default="", server_default="")
    email: Mapped[str] = mapped_column(String(254), default="", server_default="")
    opening_hours: Mapped[str] = mapped_column(String(500), default="", server_default="")
    cost: Mapped[str | None] = mapped_column(String(16))  # free / contribution / paid; None = unknown
    languages: Mapped[list[str]] = mapped_column(ARRAY(String(8)), default=list, server_default="{}")
    audience: Mapped[list[str]] = mapped_column(ARRAY(String(16)), default=list, server_default="{}")
    activities: Mapped[list[str]] = mapped_column(ARRAY(String(16)), default=list, server_default="{}")
    host_name: Mapped[str] = mapped_column(String(80), default="", server_default="")
    house_rules: Mapped[str] = mapped_column(Text, default="", server_default="")
    safe_space_for: Mapped[list[str]] = mapped_column(ARRAY(String(16)), default=list, server_default="{}")
    status: Mapped[str] = mapped_column(String(12), default="proposed", server_default="proposed", index=True)
    status_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    hidden: Mapped[bool] = mapped_column(default=False, server_default="false")  # by reports, until a moderator decides
    osm_id: Mapped[str | None] = mapped_column(String(40), unique=True)  # e.g. "node/123456"
    # Per attribute: {"source": "owner|osm|resident|import", "checked": "YYYY-MM-DD"}
    attribute_meta: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict, server_default="{}")
    # OpenStreetMap import (webapp/places/osm.py): every tag as read, unchanged, and our field values as the
    # import read them from those tags. Export writes each tag unchanged unless the field it maps to now
    # differs from the value read (a person edited it). NULL = not imported from OSM.
    osm_tags: Mapped[dict[str, str] | None] = mapped_column(JSONB)
    osm_values: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    attributes_confirmed_on: Mapped[date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1", nullable=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(),
                                                 onupdate=func.now())

    wheelchair: Mapped[str] = _tri_state_column()
    step_free_entrance: Mapped[str] = _tri_state_column()
    toilets: Mapped[str] = _tri_state_column()
    toilets_wheelchair: Mapped[str] = _tri_state_column()
    hearing_loop: Mapped[str] = _tri_state_column()
    quiet_space: Mapped[str] = _tri_state_column()
    seating: Mapped[str] = _tri_state_column()
    disabled_parking: Mapped[str] = _tri_state_column()
    public_transport_nearby: Mapped[str] = _tri_state_column()
    assistance_dogs: Mapped[str] = _tri_state_column()
    easy_language: Mapped[str] = _tri_state_column()
    well_lit: Mapped[str] = _tri_state_column()
    host_present: Mapped[str] = _tri_state_column()
    house_rules_published: Mapped[str] = _tri_state_column()
    confidential_contact: Mapped[str] = _tri_state_column()
    safe_space: Mapped[str] = _tri_state_column()

    __table_args__ = (
        Index("ix_places_location", "location", postgresql_using="gist"),
        # The nearby search works in metres on geography: ST_DWithin + KNN `<->` use this index.
        Index("ix_places_location_geog", text("geography(location)"), postgresql_using="gist"),
        Index("ix_places_name_trgm", "name", postgresql_using="gin", postgresql_ops={"name": "gin_trgm_ops"}),
        CheckConstraint("status IN ('proposed', 'published', 'closed', 'rejected')", name="status_known"),
        *[CheckConstraint(f"{k} IN ('yes', 'limited', 'no', 'unknown')", name=f"{k}_tri_state")
          for k in ATTRIBUTE_KEYS],
    )

    def __repr__(self) -> str:
        return f"<Place {self.id} {self.name!r}>"


class PlaceOpeningWindow(Model):
    """When a place is open, precomputed for a rolling window (webapp/places/opening_windows.py), so that
    "open now" / "open at" is an indexed SQL predicate of the search. Equal to hours.state_at at every
    moment in [valid_from, valid_until): open inside `open_intervals`, unknown inside `unknown_intervals`
    (the whole window when `hours_known` is false: no hours, or hours that cannot be evaluated), else closed."""

    __tablename__ = "place_opening_windows"

    place_id: Mapped[int] = mapped_column(ForeignKey("places.id", ondelete="CASCADE"), primary_key=True)
    hours_known: Mapped[bool] = mapped_column(nullable=False)
    open_intervals: Mapped[Any] = mapped_column(TSTZMULTIRANGE, nullable=False, server_default="{}")
    unknown_intervals: Mapped[Any] = mapped_column(TSTZMULTIRANGE, nullable=False, server_default="{}")
    valid_from: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    valid_until: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    computed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, server_default=func.now())

    __table_args__ = (
        Index("ix_place_opening_windows_open", "open_intervals", postgresql_using="gist"),
    )
