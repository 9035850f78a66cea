"""Fixtures for stewardship tests: places in Amsterdam and Utrecht, owners, moderators."""
from __future__ import annotations

import itertools

import pytest

from webapp.extensions import db
from webapp.places.models import Place
from webapp.stewardship import services

AMSTERDAM = (4.8922, 52.3731)  # Dam
UTRECHT = (5.1214, 52.0907)    # Domplein
_n = itertools.count(1)


@pytest.fixture
def make_place():
    def make(name=None, where=AMSTERDAM, status="published", owner=None, gemeente=None, **values):
        lon, lat = where
        place = Place(name=name or f"Buurthuis {next(_n)}", category=values.pop("category", "community_centre"),
                      location=services.make_point(lon, lat), status=status,
                      gemeente_code=gemeente or ("GM0344" if where == UTRECHT else "GM0363"), **values)
        db.session.add(place)
        db.session.flush()
        if owner is not None:
            services.add_owner(place, owner)
        db.session.commit()
        return place

    return make


@pytest.fixture
def mod_ams(make_user):
    return make_user("Moderator Amsterdam", role="moderator", gemeente="GM0363")


@pytest.fixture
def mod_utr(make_user):
    return make_user("Moderator Utrecht", role="moderator", gemeente="GM0344")


@pytest.fixture
def resident(make_user):
    return make_user("Bewoner Een")


@pytest.fixture
def other(make_user):
    return make_user("Bewoner Twee")


def snapshot():
    """A comparable picture of every stewardship-relevant table: 'the database is unchanged'."""
    from sqlalchemy import text

    tables = ["places", "place_owners", "initiative_owners", "revisions", "join_requests", "suggestions",
              "reports", "outbox"]
    db.session.expire_all()
    return {t: [tuple(r) for r in db.session.execute(text(f"select * from {t} order by 1"))] for t in tables}


@pytest.fixture
def act_as(client, login):
    """Log the test client in as `user` (None: log out).

    Each request starts with a clean `g` (tests/conftest.py IsolatedClient), so the next request really
    is made by `user`.
    """

    def switch(user):
        if user is None:
            with client.session_transaction() as session:
                session.pop("_user_id", None)
                session.pop("_fresh", None)
        else:
            login(client, user)
        return client

    return switch
