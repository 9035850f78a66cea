from __future__ import annotations

from datetime import date, datetime

from geoalchemy2 import Geometry
from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, MappedColumn, mapped_column

from webapp.extensions import Model

# The Dutch national grid (RD New, metres): areas and buffers in metres are right in the Netherlands.
RD_NEW = 28992
STATEMENTS = ("pleasant", "welcome", "open_to_me")


class Buurt(Model):
    """A CBS buurt (neighbourhood) with its inhabitants, from a CBS-style GeoJSON file."""

    __tablename__ = "buurten"

    code: Mapped[str] = mapped_column(String(10), primary_key=True)  # e.g. BU03440111
    name: Mapped[str] = mapped_column(String(120))
    gemeente_code: Mapped[str] = mapped_column(ForeignKey("gemeenten.code", ondelete="CASCADE"), index=True)
    inhabitants: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    boundary = mapped_column(Geometry("MULTIPOLYGON", srid=4326, spatial_index=False), nullable=False)
    # The same boundary in RD New (EPSG:28992), for areas and distances in metres.
    boundary_rd = mapped_column(Geometry("MULTIPOLYGON", srid=RD_NEW, spatial_index=False), nullable=False)
    loaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    __table_args__ = (
        Index("ix_buurten_boundary", "boundary", postgresql_using="gist"),
        Index("ix_buurten_boundary_rd", "boundary_rd", postgresql_using="gist"),
        CheckConstraint("inhabitants >= 0", name="inhabitants_not_negative"),
    )

    def __repr__(self) -> str:
        return f"<Buurt {self.code}>"


def _score_column() -> MappedColumn[int]:
    return mapped_column(SmallInteger, nullable=False)


class WelcomeCheckIn(Model):
    """One answer to "Hoe voelde het?": three statements on a 1-5 scale, no free text.

    `user_id` links the answer to the account for at most a month (`unlink-checkins` clears it and
    `answered_at`); afterwards only the place, the month and the scores remain."""

    __tablename__ = "welcome_checkins"

    id: Mapped[int] = mapped_column(primary_key=True)
    place_id: Mapped[int] = mapped_column(ForeignKey("places.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    month: Mapped[date] = mapped_column(Date)  # the first day of the month (Europe/Amsterdam)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    pleasant: Mapped[int] = _score_column()      # "Mensen gaan hier prettig met elkaar om"
    welcome: Mapped[int] = _score_column()       # "Ik voelde me hier welkom"
    open_to_me: Mapped[int] = _score_column()    # "Anderen stonden open voor mij"

    __table_args__ = (
        UniqueConstraint("user_id", "place_id", "month", name="uq_welcome_checkins_user_place_month"),
        CheckConstraint("extract(day from month) = 1", name="month_first_day"),
        *[CheckConstraint(f"{k} BETWEEN 1 AND 5", name=f"{k}_scale") for k in STATEMENTS],
    )


class CheckInGuard(Model):
    """What stops a second check-in by the same resident at the same place in the same month, after the
    answer is unlinked: an HMAC of (user, place, month). It does not point to the answer."""

    __tablename__ = "welcome_checkin_guards"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    month: Mapped[date] = mapped_column(Date, index=True)
