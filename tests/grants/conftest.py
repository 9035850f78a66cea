"""Fixtures for the grants tests: people with roles, an initiative with a location, rounds."""
from __future__ import annotations

from datetime import timedelta

import pytest
from geoalchemy2 import WKTElement

from webapp.accounts.models import Role
from webapp.extensions import db
from webapp.grants import services as svc
from webapp.grants import settings_changes
from webapp.initiatives.models import Initiative
from webapp.stewardship.services import add_owner

AMSTERDAM_CENTRUM = (4.8952, 52.3702)   # Dam square
AMSTERDAM_NOORD = (4.9170, 52.3980)
UTRECHT = (5.1214, 52.0907)


@pytest.fixture(autouse=True)
def _dutch_request(app):
    """Service messages are translated: give them a (Dutch) request context, like a real request has."""
    with app.test_request_context(headers={"Accept-Language": "nl"}):
        yield


@pytest.fixture
def staff(make_user):
    return make_user("Medewerker Een", Role.STAFF, "GM0363")


@pytest.fixture
def staff2(make_user):
    return make_user("Medewerker Twee", Role.STAFF, "GM0363")


@pytest.fixture
def staff_utrecht(make_user):
    return make_user("Medewerker Utrecht", Role.STAFF, "GM0344")


@pytest.fixture
def owner(make_user):
    return make_user("Eigenaar Initiatief")


@pytest.fixture
def resident(make_user):
    return make_user("Gewone Bewoner")


@pytest.fixture
def helper(make_user):
    return make_user("Opbouwwerker", Role.HELPER, "GM0363")


@pytest.fixture
def make_initiative():
    def make(owner=None, point=AMSTERDAM_CENTRUM, gemeente="GM0363", title="Buurtsoep op zaterdag"):
        initiative = Initiative(title=title, gemeente_code=gemeente,
                                location=WKTElement(f"POINT({point[0]} {point[1]})", srid=4326) if point else None)
        db.session.add(initiative)
        db.session.flush()
        if owner is not None:
            add_owner(initiative, owner)
        db.session.commit()
        return initiative
    return make


@pytest.fixture
def initiative(make_initiative, owner):
    return make_initiative(owner)


@pytest.fixture
def make_round(staff, make_user):
    confirmers = {}

    def make(by=None, gemeente="GM0363", confirm=True, **overrides):
        today = svc.local_today()
        data = {"name": "Startbijdragen 2026", "criteria": "Voor en door bewoners.",
                "opens_on": today - timedelta(days=1), "closes_on": today + timedelta(days=60),
                "budget_cents": 4_000_000, "max_amount_cents": 50_000, "four_eyes_cents": 100_000,
                "answer_days": 14, "quick_lane_cents": 0, "own_contribution_percent": 0,
                "min_supporters": 0, "ask_supporters": True, "district_id": None}
        data.update(overrides)
        grant_round = svc.create_round(by or staff, gemeente, data)
        db.session.commit()
        if confirm:  # a second staff member confirms the money settings: the round opens
            if gemeente not in confirmers:
                confirmers[gemeente] = make_user(f"Tweede medewerker {gemeente}", Role.STAFF, gemeente)
            settings_changes.confirm(confirmers[gemeente], settings_changes.pending_change(grant_round))
            db.session.commit()
        return grant_round
    return make


@pytest.fixture
def grant_round(make_round):
    return make_round()


def application_data(amount=30_000, lines=None, **kw) -> svc.ApplicationData:
    if lines is None:
        lines = ([("Huur buurthuis", amount - 5_000), ("Soep en brood", 5_000)] if amount > 5_000
                 else [("Materiaal", amount)])
    values = {"title": "Soepavond voor de buurt", "audience": "Alle buren, jong en oud",
              "timing": "Elke eerste zaterdag", "description": "Samen eten.", "amount_cents": amount,
              "lines": lines}
    values.update(kw)
    return svc.ApplicationData(**values)


@pytest.fixture
def make_application():
    def make(user, grant_round, initiative, amount=30_000, submit=True, **kw):
        application = svc.save_draft(user, grant_round, initiative, application_data(amount, **kw))
        db.session.commit()
        if submit:
            svc.submit(user, application)
            db.session.commit()
        return application
    return make


def audit_actions(application) -> list[str]:
    return [e.action for e in svc.audit_log(application)]
