"""Queue mails; a sender delivers them later (log in development, SMTP in production)."""
from __future__ import annotations

from webapp.extensions import db
from webapp.mail.models import OutboxMail


def queue_mail(to_address: str, subject: str, body: str, kind: str = "") -> OutboxMail | None:
    """Add a mail to the outbox. The caller commits, together with the change the mail is about.

    Returns None (and queues nothing) when there is no address, e.g. for a deleted account.
    """
    if not to_address:
        return None
    mail = OutboxMail(to_address=to_address, subject=str(subject)[:200], body=str(body), kind=kind)
    db.session.add(mail)
    return mail


def queue_mail_to_user(user, subject: str, body: str, kind: str = "") -> OutboxMail | None:
    return queue_mail(getattr(user, "email", None) or "", subject, body, kind)
