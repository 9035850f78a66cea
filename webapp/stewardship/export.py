"""A resident's own stewardship data for the account data download, and what happens to it when the
account is deleted (registered with accounts from blueprint.py)."""
from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from webapp.extensions import db
from webapp.stewardship import services
from webapp.stewardship.models import JoinRequest, Report, Suggestion


def _when(row) -> str | None:
    return row.created_at.isoformat() if row.created_at else None


def _title(row) -> str | None:
    subject = services.subject_of(row)
    return services.subject_title(subject) if subject is not None else None


def _own(model, user):
    return db.session.scalars(select(model).where(model.user_id == user.id).order_by(model.id)).all()


def export_user_data(user) -> dict:
    """My reports, suggestions and join requests (with my motivation), each with its subject."""
    def ref(row) -> dict:
        return {"subject_type": row.subject_type, "subject_id": row.subject_id, "subject_title": _title(row),
                "status": row.status, "date": _when(row)}

    return {
        "reports": [ref(r) | {"category": r.category, "text": r.text} for r in _own(Report, user)],
        "suggestions": [ref(s) | {"values": s.values, "note": s.note} for s in _own(Suggestion, user)],
        "join_requests": [ref(j) | {"motivation": j.motivation} for j in _own(JoinRequest, user)],
    }


def withdraw_open_join_requests(user) -> None:
    """An account that goes cannot become co-owner: its open join requests are withdrawn."""
    for join_request in db.session.scalars(select(JoinRequest).where(
            JoinRequest.user_id == user.id, JoinRequest.status == "open")):
        join_request.status, join_request.decided_by_id = "withdrawn", user.id
        join_request.decided_at = datetime.now(UTC)
