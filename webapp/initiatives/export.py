"""A resident's own initiative data, for the account data download."""
from __future__ import annotations

from typing import Any

from webapp.accounts.models import User
from webapp.initiatives import services


def export_user_data(user: User) -> dict[str, Any]:
    owned, joined = services.initiatives_of_user(user)
    return {
        "initiatives_owned": [{"id": i.id, "title": i.title} for i in owned],
        "doe_mee": [{"initiative_id": p.initiative_id, "kind": p.kind, "role": p.role, "message": p.message,
                     "since": p.created_at.isoformat() if p.created_at else None} for p in joined],
    }
