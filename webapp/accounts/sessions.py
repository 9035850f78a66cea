"""Server-side sessions: one row per logged-in browser or device; deleting it logs that browser out,
wherever its cookies still are. Only the SHA-256 of a session's token is stored. Callers commit."""
from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from webapp.accounts.models import User, UserSession
from webapp.accounts.tokens import utcnow
from webapp.extensions import db

log = logging.getLogger(__name__)

SESSION_IDLE = timedelta(days=30)          # a session not used for this long has ended
SESSION_TOUCH_EVERY = timedelta(minutes=5)  # how often "last seen" is written


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
    now = now or utcnow()
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
    now = now or utcnow()
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
    count = result.rowcount if isinstance(result, CursorResult) else 0
    log.info("user %s: %s sessions ended", user.id, count)
    return count


def list_sessions(user: User, now: datetime | None = None) -> list[UserSession]:
    """The sessions of `user` that are still valid, the most recently used first."""
    now = now or utcnow()
    return list(db.session.scalars(
        select(UserSession).where(UserSession.user_id == user.id, UserSession.last_seen_at >= now - SESSION_IDLE)
        .order_by(UserSession.last_seen_at.desc(), UserSession.created_at.desc())))
