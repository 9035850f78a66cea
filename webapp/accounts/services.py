"""Account rules: registration, password check, roles. No Flask request inside."""
from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from webapp.accounts.models import Role, RoleGrant, User
from webapp.extensions import db

_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 10


class AccountError(ValueError):
    """A rule was broken; the message is for the user."""


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password(user: User, password: str) -> bool:
    if not user.password_hash:
        return False
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return True


def find_by_email(email: str) -> User | None:
    stmt = select(User).where(func.lower(User.email) == email.strip().lower(), User.deleted_at.is_(None))
    return db.session.scalars(stmt).first()


def create_user(email: str, password: str, display_name: str) -> User:
    """A new resident. The caller commits."""
    email = email.strip()
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(_l("Kies een wachtwoord van minstens %(n)s tekens.", n=MIN_PASSWORD_LENGTH))
    if find_by_email(email) is not None:
        raise AccountError(_l("Er is al een account met dit e-mailadres."))
    user = User(email=email, display_name=display_name.strip(), password_hash=hash_password(password))
    db.session.add(user)
    db.session.flush()
    return user


def grant_role(user: User, role: Role, gemeente_code: str | None, granted_by: User | None = None) -> RoleGrant:
    if role in (Role.MODERATOR, Role.STAFF, Role.HELPER) and not gemeente_code:
        raise AccountError(_l("Deze rol hoort bij een gemeente."))
    for grant in user.roles:
        if grant.role == role.value and grant.gemeente_code == gemeente_code:
            return grant
    grant = RoleGrant(user=user, role=role.value, gemeente_code=gemeente_code,
                      granted_by_id=granted_by.id if granted_by else None)
    db.session.add(grant)
    return grant


def load_user(user_id: str) -> User | None:
    """Flask-Login loader: "id:session_version"; an old version (password changed) logs out."""
    try:
        raw_id, raw_version = user_id.split(":", 1)
        uid, version = int(raw_id), int(raw_version)
    except (ValueError, AttributeError):
        return None
    user = db.session.get(User, uid)
    if user is None or user.deleted_at is not None or user.session_version != version:
        return None
    return user
