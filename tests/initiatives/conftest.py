"""Helpers for the initiatives tests: places, initiatives and activities made directly."""
from __future__ import annotations

from datetime import date, time

import pytest

from webapp.extensions import db
from webapp.initiatives import services
from webapp.places.models import Place

# Amsterdam, Oosterpark area; Utrecht centre.
AMSTERDAM = (4.9200, 52.3600)
UTRECHT = (5.1214, 52.0907)


@pytest.fixture
def make_place(app):
    def make(name="Bibliotheek Oost", lonlat=AMSTERDAM, commit=True, **attrs):
        from webapp.areas.services import gemeente_at

        gemeente = gemeente_at(*lonlat)
        attrs = {"address": "Teststraat 1", "status": "published", **attrs}
        place = Place(name=name, category="library",
                      location=f"SRID=4326;POINT({lonlat[0]} {lonlat[1]})",
                      gemeente_code=gemeente.code if gemeente else None, **attrs)
        db.session.add(place)
        if commit:
            db.session.commit()
        else:
            db.session.flush()
        return place

    return make


@pytest.fixture
def make_initiative(app, make_place):
    def make(owner, title="Breiclub De Steek", place=None, themes=("ontmoeting",), cost="free", now=None,
             **values):
        place = place or make_place()
        data = {"title": title, "summary": "Samen breien en koffie drinken.", "themes": list(themes),
                "cost": cost, "status": "active", **values}
        initiative = services.create_initiative(owner, data, [place.id], now=now)
        db.session.commit()
        return initiative

    return make


@pytest.fixture
def add_activity(app):
    def add(initiative, owner, starts_on=date(2026, 3, 17), start=time(19, 30), end=time(21, 0),
            frequency="weekly", title="Breiavond", **values):
        activity = services.add_activity(initiative, owner, {
            "title": title, "starts_on": starts_on, "start_time": start, "end_time": end,
            "frequency": frequency, **values})
        db.session.commit()
        return activity

    return add


@pytest.fixture
def logout():
    def do_logout(client):
        with client.session_transaction() as session:
            session.clear()

    return do_logout
