"""The mails we sent to a user, for 'download my data' (subjects and dates; not the links inside)."""
from __future__ import annotations

from sqlalchemy import func, select

from webapp.accounts.export import register_exporter
from webapp.extensions import db
from webapp.mail.models import OutboxMail


def export_mails(user) -> list[dict]:
    if not user.email:
        return []
    rows = db.session.scalars(select(OutboxMail).where(func.lower(OutboxMail.to_address) == user.email.lower())
                              .order_by(OutboxMail.id))
    return [{"subject": m.subject, "kind": m.kind, "created_at": m.created_at.isoformat() if m.created_at else None,
             "sent_at": m.sent_at.isoformat() if m.sent_at else None} for m in rows]


register_exporter("mails", export_mails)
