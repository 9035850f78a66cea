"""The demo data loads on top of the accounts and places demos, and without them."""
from __future__ import annotations

import random

from sqlalchemy import func, select

from webapp.extensions import db
from webapp.places.models import Place
from webapp.stewardship import demo
from webapp.stewardship.models import PlaceOwner, Report, Suggestion


def test_demo_without_residents_is_skipped():
    assert "skipped" in demo.load(random.Random(1))


def test_demo_fills_queues_and_co_owners():
    from webapp.accounts import demo as accounts_demo
    from webapp.places import demo as places_demo

    rng = random.Random(2026)
    accounts_demo.load(rng)
    places_demo.load(rng)
    summary = demo.load(rng)
    db.session.commit()
    assert "proposals" in summary
    assert db.session.scalar(select(func.count()).select_from(PlaceOwner)) > 50
    assert db.session.scalar(select(func.count(Report.id))) >= 5
    assert db.session.scalar(select(func.count(Suggestion.id))) >= 1
    for code in ("GM0363", "GM0344"):
        assert db.session.scalar(select(func.count(Place.id)).where(Place.status == "proposed",
                                                                    Place.gemeente_code == code)) >= 2
