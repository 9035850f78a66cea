from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, func, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db


class Role(str, enum.Enum):
    RESIDENT = "resident"      # everyone who signs up (implicit, never stored)
    MODERATOR = "moderator"    # per gemeente
    STAFF = "staff"            # gemeente staff, per gemeente (grants)
    HELPER = "helper"          # a professional invited by staff to apply on a resident's behalf
    ADMIN = "admin"            # everything, everywhere


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str | None] = mapped_column(String(254))  # None once the account is deleted
    display_name: Mapped[str] = mapped_column(String(80))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    email_confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    failed_logins: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Bumped on password change/reset: invalidates old sessions, remember-cookies and reset tokens.
    session_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    preferred_locale: Mapped[str | None] = mapped_column(String(5))

    roles: Mapped[list["RoleGrant"]] = relationship(back_populates="user", cascade="all, delete-orphan",
                                                    foreign_keys="RoleGrant.user_id",
                                                    lazy="selectin")

    __table_args__ = (
        Index("uq_users_email_lower", func.lower(text("email")), unique=True),
    )

    @property
    def is_active(self) -> bool:  # Flask-Login: deleted accounts cannot log in
        return self.deleted_at is None

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def public_name(self) -> str:
        """The name shown publicly (history, co-owners): "Oud-bewoner" (former resident) once deleted."""
        if self.deleted_at is None:
            return self.display_name
        from flask_babel import gettext

        try:
            return gettext("Oud-bewoner")
        except RuntimeError:  # no request to choose a language from (e.g. a command): the msgid is Dutch
            return "Oud-bewoner"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    def __repr__(self) -> str:
        return f"<User {self.id}>"


class RoleGrant(db.Model):
    """A role held by a user, for one gemeente (moderator, staff, helper) or everywhere (admin)."""

    __tablename__ = "role_grants"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    gemeente_code: Mapped[str | None] = mapped_column(ForeignKey("gemeenten.code"))
    granted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    user: Mapped[User] = relationship(back_populates="roles", foreign_keys=[user_id])

    __table_args__ = (
        db.UniqueConstraint("user_id", "role", "gemeente_code", name="uq_role_grants_user_role_gemeente"),
    )
