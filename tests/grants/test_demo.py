"""The grants demo loads on top of the other demos: its rounds are confirmed by a second staff member and
hold applications in every state, with payments dated after their approval."""
from __future__ import annotations

import importlib
import random

from sqlalchemy import select

from webapp.extensions import db
from webapp.grants import models as m
from webapp.grants import services as svc
from webapp.grants import settings_changes


def test_demo_loads_with_confirmed_rounds(app):
    from webapp.grants import demo

    rng = random.Random(2026)
    for name in ("accounts", "places", "stewardship", "initiatives"):
        importlib.import_module(f"webapp.{name}.demo").load(rng)
    summary = demo.load(rng)
    db.session.flush()
    assert "Amsterdam round" in summary
    rounds = db.session.scalars(select(m.GrantRound)).all()
    assert rounds and all(r.settings_confirmed and settings_changes.pending_change(r) is None for r in rounds)
    for r in rounds:
        confirmed = [c for c in settings_changes.changes_of(r) if c.status == m.CHANGE_CONFIRMED]
        assert len(confirmed) == 1 and confirmed[0].decided_by_id != confirmed[0].proposed_by_id
    statuses = set(db.session.scalars(select(m.GrantApplication.status)))
    assert {m.SUBMITTED, m.PROVISIONAL, m.APPROVED, m.PAID, m.REJECTED} <= statuses
    for paid in db.session.scalars(select(m.GrantApplication).where(m.GrantApplication.status == m.PAID)).unique():
        assert paid.paid_on >= svc.local_today(paid.decided_at)
