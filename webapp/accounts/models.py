from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, UniqueConstraint, func, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import Model


class Role(enum.StrEnum):
    RESIDENT = "resident"      # everyone who signs up (implicit, never stored)
    MODERATOR = "moderator"    # per gemeente
    STAFF = "staff"            # gemeente staff, per gemeente (grants)
    HELPER = "helper"          # a professional invited by staff to apply on a resident's behalf
    ADMIN = "admin"            # everything, everywhere


class User(UserMixin, Model):  # type: ignore[misc]  # flask_login ships no type information
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str | None] = mapped_column(String(254))  # None once the account is deleted
    display_name: Mapped[str] = mapped_column(String(80))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    email_confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Bumped on password change/reset: invalidates reset links made before (sessions: see UserSession).
    session_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    preferred_locale: Mapped[str | None] = mapped_column(String(5))

    roles: Mapped[list[RoleGrant]] = relationship(back_populates="user", cascade="all, delete-orphan",
                                                    foreign_keys="RoleGrant.user_id",
                                                    lazy="selectin")

    __table_args__ = (
        Index("uq_users_email_lower", func.lower(text("email")), unique=True),
    )

    @property
    def is_active(self) -> bool:  # Flask-Login: deleted accounts cannot log in
        return self.deleted_at is None

    # The server-side session this object was loaded for (set by the login and the user loader).
    if TYPE_CHECKING:
        session_token: str | None
        current_session: UserSession | None
    else:
        session_token = None    # not a column
        current_session = None  # not a column

    def get_id(self) -> str:
        """Flask-Login keeps this in the session cookie and the remember-me cookie: "<id>:<session token>".
        It only opens the account while the UserSession with that token exists."""
        if not self.session_token:
            raise RuntimeError("no server-side session: call accounts.services.start_session(user) first")
        return f"{self.id}:{self.session_token}"

    @property
    def public_name(self) -> str:
        """The name shown publicly (history, co-owners): "Oud-bewoner" (former resident) once deleted."""
        if self.deleted_at is None:
            return self.display_name
        from flask_babel import gettext

        try:
            return str(gettext("Oud-bewoner"))
        except RuntimeError:  # no request to choose a language from (e.g. a command): the msgid is Dutch
            return "Oud-bewoner"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    def __repr__(self) -> str:
        return f"<User {self.id}>"


class RoleGrant(Model):
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
        UniqueConstraint("user_id", "role", "gemeente_code", name="uq_role_grants_user_role_gemeente"),
    )


class UserSession(Model):
    """One logged-in browser or device. Its token (only its SHA-256 is stored) is in the session and
    remember-me cookies; deleting the row ends the session, wherever the cookies still are."""

    __tablename__ = "user_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 hex of the token
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    user_agent: Mapped[str] = mapped_column(String(80), default="", server_default="")

    user: Mapped[User] = relationship(foreign_keys=[user_id])
