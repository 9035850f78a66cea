"""Demo: a few demo residents have saved places and initiatives (all fictional)."""
from __future__ import annotations

import random

from sqlalchemy import select

from webapp.accounts.models import User
from webapp.extensions import db
from webapp.saved.models import SavedItem
from webapp.stewardship import registry


def load(rng: random.Random) -> str:
    residents = list(db.session.scalars(select(User).where(User.email.like("bewoner%@demo.buurtplek.example"))
                                        .order_by(User.email).limit(5)))
    count = 0
    for kind in registry.all_types():
        ids = list(db.session.scalars(select(kind.model.id).order_by(kind.model.id).limit(20)))
        for user in residents:
            for subject_id in rng.sample(ids, min(2, len(ids))):
                if db.session.get(SavedItem, (user.id, kind.name, subject_id)) is None:
                    db.session.add(SavedItem(user_id=user.id, subject_type=kind.name, subject_id=subject_id))
                    count += 1
    db.session.flush()
    return f"{count} saved items"
