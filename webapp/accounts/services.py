"""Account rules: registration, confirmation, login, server-side sessions, password reset and change,
deletion, roles. No Flask request inside: the acting user and the time (`now`) are passed in. Callers commit.

Guessing passwords is slowed down per (address, client) by rate limits in routes.py, never by locking the
account: a lock would let anyone lock anyone out, and answering differently for known addresses would
tell who has an account.
"""
from __future__ import annotations

import functools
import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Callable

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from webapp.accounts.models import Role, RoleGrant, User, UserSession
from webapp.extensions import db

log = logging.getLogger(__name__)

_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 200

CONFIRM_MAX_AGE = timedelta(days=7)
RESET_MAX_AGE = timedelta(hours=1)
SESSION_IDLE = timedelta(days=30)          # a session not used for this long has ended
SESSION_TOUCH_EVERY = timedelta(minutes=5)  # how often "last seen" is written
PER_GEMEENTE_ROLES = (Role.MODERATOR, Role.STAFF, Role.HELPER)
ADMIN_GRANTABLE_ROLES = (Role.MODERATOR, Role.STAFF)


class AccountError(ValueError):
    """A rule was broken; the message is for the user; `field` names the form field it is about."""

    def __init__(self, message, field: str | None = None):
        super().__init__(message)
        self.field = field


class PermissionDenied(AccountError):
    """The acting user may not do this (routes answer 403)."""


class TokenError(AccountError):
    """A link from a mail is invalid, expired or already used."""

    def __init__(self, message, expired: bool = False):
        super().__init__(message)
        self.expired = expired


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


# --- passwords -------------------------------------------------------------------------------------

def hash_password(password: str) -> str:
    return _hasher.hash(password)


@functools.lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """A hash of a random password nobody knows, with the same cost as real ones."""
    return _hasher.hash(secrets.token_urlsafe(16))


def check_password(user: User | None, password: str) -> bool:
    """Verify with argon2. Without a user or a password hash, a dummy hash is verified instead, so the
    answer takes as long for an unknown address as for a known one."""
    stored = user.password_hash if user is not None else None
    try:
        _hasher.verify(stored or _dummy_hash(), password or "")
    except (VerificationError, InvalidHashError):
        return False
    if not stored or not password:  # pragma: no cover - the dummy password is unknowable
        return False
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return True


def validate_password(password: str) -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise AccountError(_l("Kies een wachtwoord van minstens %(n)s tekens.", n=MIN_PASSWORD_LENGTH), "password")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AccountError(_l("Kies een wachtwoord van hoogstens %(n)s tekens.", n=MAX_PASSWORD_LENGTH), "password")


def clean_display_name(name: str) -> str:
    cleaned = " ".join((name or "").split())
    cleaned = "".join(ch for ch in cleaned if ch.isprintable())
    if len(cleaned) < 2:
        raise AccountError(_l("Vul een naam in van minstens 2 tekens."), "display_name")
    if len(cleaned) > 80:
        raise AccountError(_l("Kies een naam van hoogstens 80 tekens."), "display_name")
    return cleaned


# --- lookups ---------------------------------------------------------------------------------------

def normalize_email(email: str) -> str:
    return (email or "").strip()


def find_by_email(email: str) -> User | None:
    stmt = select(User).where(func.lower(User.email) == normalize_email(email).lower(), User.deleted_at.is_(None))
    return db.session.scalars(stmt).first()


# --- server-side sessions -------------------------------------------------------------------------

def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def summarize_user_agent(user_agent: str | None) -> str:
    """"Firefox · Android": enough to recognise a device in the list of sessions, nothing more."""
    ua = user_agent or ""
    browsers = (("Edg/", "Edge"), ("OPR/", "Opera"), ("SamsungBrowser", "Samsung Internet"),
                ("Firefox/", "Firefox"), ("Chrome/", "Chrome"), ("Chromium", "Chromium"), ("Safari/", "Safari"))
    systems = (("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"), ("Windows", "Windows"),
               ("Mac OS X", "Mac"), ("CrOS", "ChromeOS"), ("Linux", "Linux"))
    browser = next((name for key, name in browsers if key in ua), "")
    system = next((name for key, name in systems if key in ua), "")
    return " · ".join(part for part in (browser, system) if part)[:80]


def start_session(user: User, user_agent: str | None = None, now: datetime | None = None) -> str:
    """A new server-side session for `user` (after a login); returns its token, which goes into the
    session cookie (and the remember-me cookie) through `user.get_id()`. The caller commits."""
    now = now or _utcnow()
    token = secrets.token_urlsafe(32)
    db.session.execute(delete(UserSession).where(UserSession.user_id == user.id,
                                                 UserSession.last_seen_at < now - SESSION_IDLE))
    row = UserSession(id=_token_hash(token), user_id=user.id, created_at=now, last_seen_at=now,
                      user_agent=summarize_user_agent(user_agent))
    db.session.add(row)
    db.session.flush()
    user.session_token, user.current_session = token, row
    log.info("user %s started a session", user.id)
    return token


def _touch(session_id: str, now: datetime) -> None:
    """Write "last seen" in its own short transaction, apart from whatever the request does."""
    try:
        with Session(db.engine) as own:
            own.execute(update(UserSession).where(UserSession.id == session_id).values(last_seen_at=now))
            own.commit()
    except SQLAlchemyError:  # only bookkeeping: the request goes on
        log.warning("could not update the last use of a session", exc_info=True)


def load_user(user_id: str, now: datetime | None = None) -> User | None:
    """Flask-Login loader for "id:token" (session and remember-me cookie): the user, while the session
    with that token exists and has been used in the last 30 days; None otherwise (logged out)."""
    try:
        raw_id, token = user_id.split(":", 1)
        uid = int(raw_id)
    except (ValueError, AttributeError):
        return None
    if not token or len(token) > 100:
        return None
    now = now or _utcnow()
    row = db.session.scalars(select(UserSession).where(UserSession.id == _token_hash(token))).first()
    if row is None or row.user_id != uid or row.last_seen_at < now - SESSION_IDLE:
        return None
    user = db.session.get(User, uid)
    if user is None or user.deleted_at is not None:
        return None
    if now - row.last_seen_at > SESSION_TOUCH_EVERY:
        _touch(row.id, now)
    user.session_token, user.current_session = token, row
    return user


def end_session(user: User, token: str | None) -> None:
    """Log out this one session (this browser). The caller commits."""
    if token:
        db.session.execute(delete(UserSession).where(UserSession.id == _token_hash(token),
                                                     UserSession.user_id == user.id))
    log.info("user %s logged out", user.id)


def end_all_sessions(user: User) -> int:
    """Log `user` out everywhere: every browser, every remember-me cookie. The caller commits."""
    result = db.session.execute(delete(UserSession).where(UserSession.user_id == user.id))
    log.info("user %s: %s sessions ended", user.id, result.rowcount)
    return result.rowcount


def list_sessions(user: User, now: datetime | None = None) -> list[UserSession]:
    """The sessions of `user` that are still valid, the most recently used first."""
    now = now or _utcnow()
    return list(db.session.scalars(
        select(UserSession).where(UserSession.user_id == user.id, UserSession.last_seen_at >= now - SESSION_IDLE)
        .order_by(UserSession.last_seen_at.desc(), UserSession.created_at.desc())))


# --- signed tokens ---------------------------------------------------------------------------------

def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"buurtplek.accounts.{purpose}")


def _hash_fingerprint(user: User) -> str:
    """Changes whenever the password hash changes: binds a reset token to the password it replaces."""
    return hashlib.sha256((user.password_hash or "-").encode()).hexdigest()[:16]


def make_token(purpose: str, payload: dict, now: datetime | None = None) -> str:
    serializer = _serializer(purpose)
    if now is None:
        return serializer.dumps(payload)
    # itsdangerous takes the time from the signer; freeze it for tests and reproducible links.
    signer = serializer.make_signer()
    signer.get_timestamp = lambda: int(now.timestamp())  # type: ignore[method-assign]
    return signer.sign(serializer.dump_payload(payload)).decode()


def read_token(purpose: str, token: str, max_age: timedelta, now: datetime | None = None) -> dict:
    serializer = _serializer(purpose)
    try:
        payload, signed_at = serializer.loads(token, return_timestamp=True)
    except SignatureExpired:  # pragma: no cover - we check the age ourselves below
        raise TokenError(_l("Deze link is verlopen."), expired=True)
    except BadSignature:
        raise TokenError(_l("Deze link klopt niet. Kopieer de hele link uit de mail."))
    age = (now or _utcnow()) - signed_at
    if age > max_age:
        raise TokenError(_l("Deze link is verlopen."), expired=True)
    if not isinstance(payload, dict):
        raise TokenError(_l("Deze link klopt niet. Kopieer de hele link uit de mail."))
    return payload


def confirmation_token(user: User, now: datetime | None = None) -> str:
    return make_token("confirm", {"u": user.id, "e": (user.email or "").lower()}, now)


def reset_token(user: User, now: datetime | None = None) -> str:
    return make_token("reset", {"u": user.id, "v": user.session_version, "h": _hash_fingerprint(user)}, now)


def _link(endpoint: str, **values) -> str:
    from webapp.mail.services import public_link

    return public_link(endpoint, **values)


# --- registration and confirmation ----------------------------------------------------------------

def create_user(email: str, password: str, display_name: str, locale: str | None = None,
                password_hash: str | None = None) -> User:
    """A new resident, without checks on the mail address. The caller commits."""
    email = normalize_email(email)
    validate_password(password)
    if find_by_email(email) is not None:
        raise AccountError(_l("Er is al een account met dit e-mailadres."), "email")
    user = User(email=email, display_name=clean_display_name(display_name),
                password_hash=password_hash or hash_password(password), preferred_locale=locale)
    db.session.add(user)
    db.session.flush()
    log.info("user %s created", user.id)
    return user


def register(email: str, password: str, display_name: str, locale: str | None = None,
             now: datetime | None = None) -> User | None:
    """Sign up. Answers the same, in the same time, whether the address is known or not (no user
    enumeration): the password is hashed either way; a new address gets a confirmation mail, a known one
    a mail saying someone tried to sign up with it. Returns the new user, or None when the address was
    taken. The caller commits.
    """
    from webapp.mail.services import queue_template_mail

    validate_password(password)
    name = clean_display_name(display_name)
    password_hash = hash_password(password)  # the slow part, for known and new addresses alike
    existing = find_by_email(email)
    if existing is not None:
        context = {"login_url": _link("accounts.login"), "reset_url": _link("accounts.forgot_password")}
        if existing.email_confirmed_at is None:
            context["confirm_url"] = _link("accounts.confirm_email", token=confirmation_token(existing, now))
        queue_template_mail(existing, _l("U heeft al een account bij Buurtplek"), "accounts/mail/exists.txt",
                            "account.exists", **context)
        log.info("registration attempt for existing user %s", existing.id)
        return None
    try:
        with db.session.begin_nested():  # the same address signing up twice at the same moment
            user = create_user(email, password, name, locale, password_hash=password_hash)
    except IntegrityError:
        log.info("registration raced with another one for the same address")
        return None
    send_confirmation(user, now)
    return user


def send_confirmation(user: User, now: datetime | None = None) -> None:
    from webapp.mail.services import queue_template_mail

    queue_template_mail(user, _l("Bevestig uw e-mailadres"), "accounts/mail/confirm.txt", "account.confirm",
                        confirm_url=_link("accounts.confirm_email", token=confirmation_token(user, now)),
                        days=CONFIRM_MAX_AGE.days)


def confirm_email(token: str, now: datetime | None = None) -> User:
    """Mark the address confirmed. Using the link twice is harmless. The caller commits."""
    payload = read_token("confirm", token, CONFIRM_MAX_AGE, now)
    user = db.session.get(User, payload.get("u"))
    if user is None or user.deleted_at is not None or (user.email or "").lower() != payload.get("e"):
        raise TokenError(_l("Deze link hoort bij geen enkel account (meer)."))
    if user.email_confirmed_at is None:
        user.email_confirmed_at = now or _utcnow()
        log.info("user %s confirmed their email address", user.id)
    return user


# --- login ---------------------------------------------------------------------------------------

@dataclass
class LoginResult:
    user: User | None = None
    error: str = ""                       # "invalid", "unconfirmed"

    @property
    def ok(self) -> bool:
        return self.user is not None and not self.error


def authenticate(email: str, password: str, now: datetime | None = None) -> LoginResult:
    """Check a login. A known and an unknown address take the same steps (argon2 verifies a hash either
    way) and get the same answer. Nothing is counted or locked here: routes.py slows guessing down per
    (address, client) with rate limits. The caller commits (a re-sent confirmation mail).
    """
    now = now or _utcnow()
    user = find_by_email(email)
    if not check_password(user, password) or user is None:
        return LoginResult(error="invalid")
    if user.email_confirmed_at is None:
        send_confirmation(user, now)
        return LoginResult(user=user, error="unconfirmed")
    log.info("user %s logged in", user.id)
    return LoginResult(user=user)


# --- password reset and change ---------------------------------------------------------------------

def request_password_reset(email: str, now: datetime | None = None) -> None:
    """Mail a reset link when an account has this address; otherwise do nothing (same answer)."""
    from webapp.mail.services import queue_template_mail

    user = find_by_email(email)
    if user is None:
        log.info("password reset asked for an unknown address")
        return
    queue_template_mail(user, _l("Nieuw wachtwoord kiezen"), "accounts/mail/reset.txt", "account.reset",
                        reset_url=_link("accounts.reset_password", token=reset_token(user, now)),
                        minutes=int(RESET_MAX_AGE.total_seconds() // 60))
    log.info("password reset mailed to user %s", user.id)


def user_for_reset_token(token: str, now: datetime | None = None) -> User:
    """The user a reset link belongs to; TokenError when expired, forged or already used."""
    payload = read_token("reset", token, RESET_MAX_AGE, now)
    user = db.session.get(User, payload.get("u"))
    if (user is None or user.deleted_at is not None or user.session_version != payload.get("v")
            or _hash_fingerprint(user) != payload.get("h")):
        raise TokenError(_l("Deze link is al gebruikt. Vraag een nieuwe link aan."))
    return user


def _set_password(user: User, new_password: str) -> None:
    validate_password(new_password)
    user.password_hash = hash_password(new_password)
    user.session_version = (user.session_version or 1) + 1  # reset links made before stop working
    end_all_sessions(user)  # every browser and remember-me cookie; the route logs this one in anew


def reset_password(token: str, new_password: str, now: datetime | None = None) -> User:
    """Set a new password with a reset link; the link dies with it. The caller commits."""
    from webapp.mail.services import queue_template_mail

    now = now or _utcnow()
    user = user_for_reset_token(token, now)
    _set_password(user, new_password)
    if user.email_confirmed_at is None:
        user.email_confirmed_at = now  # the link reached their mailbox: the address is theirs
    queue_template_mail(user, _l("Uw wachtwoord is veranderd"), "accounts/mail/password_changed.txt",
                        "account.password_changed", reset_url=_link("accounts.forgot_password"))
    log.info("user %s reset their password", user.id)
    return user


def change_password(user: User, current_password: str, new_password: str) -> None:
    """Change the password of a logged-in user; other sessions are logged out. The caller commits."""
    from webapp.mail.services import queue_template_mail

    if not check_password(user, current_password):
        raise AccountError(_l("Uw huidige wachtwoord klopt niet."), "current_password")
    _set_password(user, new_password)
    queue_template_mail(user, _l("Uw wachtwoord is veranderd"), "accounts/mail/password_changed.txt",
                        "account.password_changed", reset_url=_link("accounts.forgot_password"))
    log.info("user %s changed their password", user.id)


def update_profile(user: User, display_name: str, locale: str | None) -> None:
    user.display_name = clean_display_name(display_name)
    if locale not in (None, "", *current_app.config.get("LANGUAGES", ["nl", "en"])):
        raise AccountError(_l("Kies een taal uit de lijst."), "preferred_locale")
    user.preferred_locale = locale or None
    log.info("user %s updated their profile", user.id)


# --- changing the email address ------------------------------------------------------------------

EMAIL_CHANGE_MAX_AGE = timedelta(hours=24)


def _email_fingerprint(address: str | None) -> str:
    return hashlib.sha256((address or "").lower().encode()).hexdigest()[:16]


def email_change_token(user: User, new_email: str, now: datetime | None = None) -> str:
    return make_token("email", {"u": user.id, "e": normalize_email(new_email), "o": _email_fingerprint(user.email)},
                      now)


def request_email_change(user: User, new_email: str, password: str, now: datetime | None = None) -> None:
    """Send a link to the new address; the address changes only when that link is used.
    A taken address gets a short notice instead (same answer to the user). The caller commits."""
    from webapp.mail.services import queue_template_mail

    new_email = normalize_email(new_email)
    if not check_password(user, password):
        raise AccountError(_l("Uw wachtwoord klopt niet."), "password")
    if new_email.lower() == (user.email or "").lower():
        raise AccountError(_l("Dit is al uw e-mailadres."), "email")
    owner = find_by_email(new_email)
    if owner is not None:
        queue_template_mail(owner, _l("Iemand wilde uw e-mailadres gebruiken"), "accounts/mail/email_taken.txt",
                            "account.email_taken", reset_url=_link("accounts.forgot_password"))
        log.info("user %s asked to move to an address that has an account", user.id)
        return
    queue_template_mail(user, _l("Bevestig uw nieuwe e-mailadres"), "accounts/mail/email_change.txt",
                        "account.email_change", to_address=new_email, new_email=new_email,
                        confirm_url=_link("accounts.confirm_email_change",
                                          token=email_change_token(user, new_email, now)),
                        hours=int(EMAIL_CHANGE_MAX_AGE.total_seconds() // 3600))
    log.info("user %s asked to change their email address", user.id)


def confirm_email_change(token: str, now: datetime | None = None) -> User:
    """Use the link from the new address. Works once: afterwards the old address no longer matches.
    The old address gets a notice. The caller commits."""
    from webapp.mail.services import queue_template_mail

    now = now or _utcnow()
    payload = read_token("email", token, EMAIL_CHANGE_MAX_AGE, now)
    user = db.session.get(User, payload.get("u"))
    new_email = payload.get("e") or ""
    if user is None or user.deleted_at is not None or _email_fingerprint(user.email) != payload.get("o"):
        raise TokenError(_l("Deze link is al gebruikt of hoort bij geen enkel account (meer)."))
    if find_by_email(new_email) is not None:
        raise TokenError(_l("Er is inmiddels al een account met dit e-mailadres."))
    old_email = user.email
    user.email = new_email
    user.email_confirmed_at = now
    undo = make_token("email-undo", {"u": user.id, "e": old_email, "n": _email_fingerprint(new_email)}, now)
    queue_template_mail(user, _l("Uw e-mailadres is veranderd"), "accounts/mail/email_changed.txt",
                        "account.email_changed", to_address=old_email or "",
                        undo_url=_link("accounts.undo_email_change", token=undo),
                        days=EMAIL_UNDO_MAX_AGE.days)
    log.info("user %s changed their email address", user.id)
    return user


EMAIL_UNDO_MAX_AGE = timedelta(days=14)


def user_for_email_undo(token: str, now: datetime | None = None) -> tuple[User, str]:
    payload = read_token("email-undo", token, EMAIL_UNDO_MAX_AGE, now)
    user = db.session.get(User, payload.get("u"))
    if user is None or user.deleted_at is not None or _email_fingerprint(user.email) != payload.get("n"):
        raise TokenError(_l("Deze link is al gebruikt of hoort bij geen enkel account (meer)."))
    return user, payload.get("e") or ""


def undo_email_change(token: str, now: datetime | None = None) -> User:
    """The old address says "that was not me": the address goes back, the password is cleared and every
    session ends, so whoever changed it is out; the owner then chooses a new password. Caller commits."""
    user, old_email = user_for_email_undo(token, now)
    other = find_by_email(old_email)
    if other is not None and other.id != user.id:
        raise TokenError(_l("Er is inmiddels al een account met dit e-mailadres."))
    user.email = old_email
    user.email_confirmed_at = now or _utcnow()
    user.password_hash = None
    user.session_version = (user.session_version or 1) + 1
    end_all_sessions(user)
    log.warning("user %s undid an email change; password cleared", user.id)
    return user


# --- deletion --------------------------------------------------------------------------------------

_DELETE_HOOKS: list[Callable[[User], None]] = []


def on_account_deleted(fn: Callable[[User], None]) -> Callable[[User], None]:
    """Other domains register `fn(user)` to tidy up (e.g. end co-ownerships) when an account goes.
    It runs inside the same transaction, before the personal data is removed."""
    _DELETE_HOOKS.append(fn)
    return fn


def delete_account(user: User, password: str, now: datetime | None = None) -> None:
    """Delete my account. The row stays so my contributions keep an author ("oud-bewoner"), but the
    email, password and roles go, the name is replaced and every session ends. The caller commits."""
    from webapp.mail.services import forget_address

    if not check_password(user, password):
        raise AccountError(_l("Uw wachtwoord klopt niet."), "password")
    for hook in _DELETE_HOOKS:
        hook(user)
    address = user.email
    user.email = None
    user.password_hash = None
    user.display_name = "-"
    user.preferred_locale = None
    user.email_confirmed_at = None
    user.deleted_at = now or _utcnow()
    user.session_version = (user.session_version or 1) + 1
    end_all_sessions(user)
    db.session.execute(delete(RoleGrant).where(RoleGrant.user_id == user.id))
    db.session.expire(user, ["roles"])
    forget_address(address or "")
    log.info("user %s deleted their account", user.id)


UNCONFIRMED_KEEP = timedelta(days=30)


def purge_unconfirmed(now: datetime | None = None, keep: timedelta = UNCONFIRMED_KEEP) -> int:
    """Remove sign-ups whose address was never confirmed within `keep` (they could never log in, so they
    made nothing). A row something still points at is emptied instead of deleted. The caller commits."""
    from webapp.mail.services import forget_address

    cutoff = (now or _utcnow()) - keep
    stale = db.session.scalars(select(User).where(User.email_confirmed_at.is_(None), User.deleted_at.is_(None),
                                                  User.email.is_not(None), User.created_at < cutoff)).all()
    for user in stale:
        address = user.email
        try:
            with db.session.begin_nested():
                db.session.delete(user)
        except IntegrityError:
            user.email = None
            user.password_hash = None
            user.display_name = "-"
            user.deleted_at = now or _utcnow()
        forget_address(address or "")
    if stale:
        log.info("%s unconfirmed sign-ups removed", len(stale))
    return len(stale)


# --- roles -----------------------------------------------------------------------------------------

def gemeente_exists(code: str | None) -> bool:
    from webapp.areas.models import Gemeente

    return bool(code) and db.session.get(Gemeente, code) is not None


def grant_role(user: User, role: Role, gemeente_code: str | None, granted_by: User | None = None) -> RoleGrant | None:
    """Give `user` a role (moderator/staff/helper for one gemeente, admin everywhere). Idempotent.
    Resident is everyone's role and is never stored (returns None). The caller commits."""
    role = Role(role)
    if role == Role.RESIDENT:
        return None
    if role in PER_GEMEENTE_ROLES:
        if not gemeente_code:
            raise AccountError(_l("Deze rol hoort bij een gemeente."))
        if not gemeente_exists(gemeente_code):
            raise AccountError(_l("Gemeente %(code)s bestaat niet.", code=gemeente_code))
    elif gemeente_code:
        raise AccountError(_l("Een beheerder geldt overal: geef geen gemeente op."))
    for grant in user.roles:
        if grant.role == role.value and grant.gemeente_code == gemeente_code:
            return grant
    grant = RoleGrant(user=user, role=role.value, gemeente_code=gemeente_code,
                      granted_by_id=granted_by.id if granted_by else None)
    db.session.add(grant)
    db.session.flush()
    log.info("role %s (%s) granted to user %s by %s", role.value, gemeente_code or "-", user.id,
             granted_by.id if granted_by else "command line")
    return grant


def revoke_role(user: User, role: Role, gemeente_code: str | None, revoked_by: User | None = None) -> bool:
    """Take a role away. True when there was one. The caller commits."""
    role = Role(role)
    for grant in list(user.roles):
        if grant.role == role.value and grant.gemeente_code == (gemeente_code or None):
            user.roles.remove(grant)
            db.session.flush()
            log.info("role %s (%s) revoked from user %s by %s", role.value, gemeente_code or "-", user.id,
                     revoked_by.id if revoked_by else "command line")
            return True
    return False


def _require_admin(actor) -> None:
    from webapp.accounts.permissions import is_admin

    if not is_admin(actor):
        raise PermissionDenied(_l("Alleen een beheerder mag rollen geven of afnemen."))


def admin_grant(actor: User, email: str, role: Role, gemeente_code: str) -> RoleGrant:
    """An admin gives someone a moderator or staff role for one gemeente."""
    _require_admin(actor)
    role = Role(role)
    if role not in ADMIN_GRANTABLE_ROLES:
        raise AccountError(_l("Kies moderator of medewerker."))
    target = find_by_email(email)
    if target is None:
        raise AccountError(_l("Er is geen account met dit e-mailadres."))
    grant = grant_role(target, role, gemeente_code, granted_by=actor)
    assert grant is not None
    return grant


def admin_revoke(actor: User, grant_id: int) -> dict:
    """An admin takes away a moderator or staff role (admin roles only from the command line).
    Returns what was taken away: {"role", "gemeente", "name"}."""
    _require_admin(actor)
    grant = db.session.get(RoleGrant, grant_id)
    if grant is None:
        raise AccountError(_l("Deze rol bestaat niet (meer)."))
    if Role(grant.role) not in ADMIN_GRANTABLE_ROLES:
        raise AccountError(_l("Deze rol kan alleen via de opdrachtregel worden afgenomen."))
    summary = {"role": grant.role, "gemeente": grant.gemeente_code, "name": grant.user.display_name}
    revoke_role(grant.user, Role(grant.role), grant.gemeente_code, revoked_by=actor)
    return summary


def list_grants(gemeente_code: str | None = None) -> list[RoleGrant]:
    stmt = (select(RoleGrant).join(User, RoleGrant.user_id == User.id)
            .order_by(RoleGrant.gemeente_code.nulls_first(), RoleGrant.role, func.lower(User.display_name)))
    if gemeente_code:
        stmt = stmt.where(RoleGrant.gemeente_code == gemeente_code)
    return list(db.session.scalars(stmt))
