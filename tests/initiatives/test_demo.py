"""The demo data loads, realistic and consistent (on top of the accounts and places demos)."""
from __future__ import annotations

import importlib
import random
from datetime import timedelta

from sqlalchemy import func, select

from webapp.extensions import db
from webapp.initiatives import services
from webapp.initiatives.models import Initiative, Participation
from webapp.stewardship.models import InitiativeOwner


def test_demo_loads(app):
    from webapp.initiatives import demo

    rng = random.Random(2026)
    for name in ("accounts", "places"):
        importlib.import_module(f"webapp.{name}.demo").load(rng)
    summary = demo.load(rng)
    db.session.flush()
    assert "initiatives" in summary
    count = db.session.scalar(select(func.count()).select_from(Initiative))
    assert count >= 20
    gemeenten = set(db.session.scalars(select(Initiative.gemeente_code).distinct()))
    assert {"GM0363", "GM0344"} <= gemeenten and len(gemeenten) == 5
    assert db.session.scalar(select(func.count()).select_from(InitiativeOwner)) >= count
    assert db.session.scalar(select(func.count()).select_from(Participation)) > 0
    # Something is on in Amsterdam this week.
    now = services.utcnow()
    assert services.whats_on(now, now + timedelta(days=7), 4.8952, 52.3702, 10000)
    assert db.session.scalar(select(func.count()).select_from(Initiative).where(
        Initiative.stale_reminded_at.is_not(None))) >= 1
