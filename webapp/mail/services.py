"""Queue mails; a sender delivers them later (log in development, SMTP in production).

`queue_mail` adds a row to the outbox in the caller's transaction, so a mail is only sent when the change
it reports is committed. `send_pending` (the `flask outbox send` command, run every minute) delivers
them; several senders may run at once: each row is locked with SELECT ... FOR UPDATE SKIP LOCKED.
"""
from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import delete, func, or_, select
from sqlalchemy.engine import CursorResult

from webapp.extensions import db
from webapp.mail.models import OutboxMail
from webapp.mail.senders import Sender, make_sender
from webapp.urls import absolute_url, public_base

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 6          # then we give up and keep the error for support
BACKOFF_BASE = timedelta(minutes=2)  # 2, 4, 8, 16, 32 minutes between attempts
KEEP_SENT = timedelta(days=90)


class Recipient(Protocol):
    """Whom a mail goes to: mail knows no accounts, only an address and a language (a user has both;
    a deleted user's address is None)."""

    @property
    def email(self) -> str | None: ...

    @property
    def preferred_locale(self) -> str | None: ...


def _rowcount(result: Any) -> int:
    return (result.rowcount or 0) if isinstance(result, CursorResult) else 0


def _utcnow() -> datetime:
    return datetime.now(UTC)


def queue_mail(to_address: str, subject: str, body: str, kind: str = "") -> OutboxMail | None:
    """Add a mail to the outbox. The caller commits, together with the change the mail is about.

    Returns None (and queues nothing) when there is no address, e.g. for a deleted account.
    """
    if not to_address:
        return None
    mail = OutboxMail(to_address=to_address, subject=str(subject)[:200], body=str(body), kind=kind)
    db.session.add(mail)
    log.info("mail queued: kind=%s", kind or "-")
    return mail


def queue_mail_to_user(user: Recipient, subject: str, body: str, kind: str = "") -> OutboxMail | None:
    return queue_mail(getattr(user, "email", None) or "", subject, body, kind)


def mail_locale(user: Recipient) -> str:
    """The language of mails to this user: their own choice, else the site's default."""
    chosen = getattr(user, "preferred_locale", None)
    if chosen and chosen in current_app.config.get("LANGUAGES", ["nl"]):
        return str(chosen)
    return str(current_app.config.get("BABEL_DEFAULT_LOCALE", "nl"))


def queue_template_mail(user: Recipient, subject: Any, template: str, kind: str = "", *,
                        to_address: str | None = None, **context: Any) -> OutboxMail | None:
    """Render a plain-text mail template in the user's language and queue it.

    `subject` may be a lazy string (`_l(...)`): it is translated inside the user's locale too.
    """
    address = to_address if to_address is not None else (getattr(user, "email", None) or "")
    if not address:
        return None
    with force_locale(mail_locale(user)):
        body = render_template(template, user=user, public_url=public_url(), **context)
        subject_text = str(subject)
    return queue_mail(address, subject_text, body.strip() + "\n", kind)


def public_url(path: str = "") -> str:
    """An absolute link for mails (there is no request when mails are written by commands)."""
    return public_base() + path


def public_link(endpoint: str, **values: Any) -> str:
    """url_for(endpoint, **values) as an absolute PUBLIC_URL link (`webapp.urls.absolute_url`)."""
    return absolute_url(endpoint, **values)


def _claim_next(now: datetime, skip: set[int]) -> OutboxMail | None:
    stmt = (select(OutboxMail)
            .where(OutboxMail.sent_at.is_(None), OutboxMail.attempts < MAX_ATTEMPTS,
                   or_(OutboxMail.next_attempt_at.is_(None), OutboxMail.next_attempt_at <= now))
            .order_by(OutboxMail.id)
            .limit(1)
            .with_for_update(skip_locked=True))
    if skip:
        stmt = stmt.where(OutboxMail.id.not_in(skip))
    return db.session.scalars(stmt).first()


def send_pending(sender: Sender | None = None, limit: int = 200, now: datetime | None = None) -> tuple[int, int]:
    """Send up to `limit` waiting mails, one row lock and one commit per mail. Returns (sent, failed).

    Safe to run in several processes at once: a row another sender holds is skipped, never sent twice.
    A failure counts an attempt, keeps the error and waits (2, 4, 8 ... minutes) before the next try.
    """
    own_sender = sender is None
    sender = sender or make_sender(current_app.config)
    sent = failed = 0
    tried: set[int] = set()
    try:
        while sent + failed < limit:
            moment = now or _utcnow()
            mail = _claim_next(moment, tried)
            if mail is None:
                db.session.rollback()
                break
            tried.add(mail.id)
            mail.attempts += 1
            try:
                sender.send(mail)
            except Exception as exc:  # any delivery problem: keep it, retry later
                mail.last_error = f"{type(exc).__name__}: {exc}"[:2000]
                mail.next_attempt_at = moment + BACKOFF_BASE * (2 ** (mail.attempts - 1))
                failed += 1
                log.warning("mail %s not sent (attempt %s): %s", mail.id, mail.attempts, mail.last_error)
            else:
                mail.sent_at = moment
                mail.last_error = ""
                mail.next_attempt_at = None
                sent += 1
            db.session.commit()
    finally:
        if own_sender:
            sender.close()
    if sent or failed:
        log.info("outbox: %s sent, %s failed", sent, failed)
    return sent, failed


def purge_sent(now: datetime | None = None, keep: timedelta = KEEP_SENT) -> int:
    """Delete sent mails older than `keep` (90 days). The caller commits."""
    cutoff = (now or _utcnow()) - keep
    result = db.session.execute(delete(OutboxMail).where(OutboxMail.sent_at.is_not(None),
                                                         OutboxMail.sent_at < cutoff))
    removed = _rowcount(result)
    log.info("outbox: %s old mails deleted", removed)
    return removed


def forget_address(address: str) -> int:
    """Delete every mail to `address` (sent or not): used when an account is deleted. Caller commits."""
    if not address:
        return 0
    result = db.session.execute(delete(OutboxMail).where(func.lower(OutboxMail.to_address) == address.lower()))
    return _rowcount(result)


def recent(limit: int = 100) -> list[OutboxMail]:
    return list(db.session.scalars(select(OutboxMail).order_by(OutboxMail.id.desc()).limit(limit)))


def counts() -> dict[str, int]:
    waiting = db.session.scalar(select(func.count()).where(OutboxMail.sent_at.is_(None),
                                                           OutboxMail.attempts < MAX_ATTEMPTS)) or 0
    given_up = db.session.scalar(select(func.count()).where(OutboxMail.sent_at.is_(None),
                                                            OutboxMail.attempts >= MAX_ATTEMPTS)) or 0
    sent = db.session.scalar(select(func.count()).where(OutboxMail.sent_at.is_not(None))) or 0
    return {"waiting": waiting, "failed": given_up, "sent": sent}
