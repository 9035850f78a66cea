"""The mails we sent to an address, for 'download my data' (subjects and dates; not the links inside).

Mail knows no accounts: the accounts domain collects this part for a user's address."""
from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from webapp.extensions import db
from webapp.mail.models import OutboxMail


def export_mails(address: str | None) -> list[dict[str, Any]]:
    if not address:
        return []
    rows = db.session.scalars(select(OutboxMail).where(func.lower(OutboxMail.to_address) == address.lower())
                              .order_by(OutboxMail.id))
    return [{"subject": m.subject, "kind": m.kind, "created_at": m.created_at.isoformat() if m.created_at else None,
             "sent_at": m.sent_at.isoformat() if m.sent_at else None} for m in rows]
