"""Priority buurten: a round names buurten it gives priority to, and the application form says when the
initiative lies in one, or in a buurt without an accessible meeting place (insight's gap analysis)."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.grants.conftest import UTRECHT
from webapp.extensions import db
from webapp.grants import priority
from webapp.grants import services as svc
from webapp.grants.models import GrantRound
from webapp.places.models import Place

DOM_BUURT = "BU03440611"          # Domplein, Neude, Janskerkhof: contains UTRECHT (Domplein)
OTHER_BUURT = "BU03440111"        # Welgelegen, Den Hommel


def _accessible_place_at(point, wheelchair="yes"):
    place = Place(name="Bibliotheek Neude", category="library", status="published", gemeente_code="GM0344",
                  wheelchair=wheelchair, location=f"SRID=4326;POINT({point[0]} {point[1]})")
    db.session.add(place)
    db.session.flush()
    return place


@pytest.fixture
def utrecht_round(make_round, staff_utrecht):
    return make_round(by=staff_utrecht, gemeente="GM0344", priority_buurten=[DOM_BUURT])


@pytest.fixture
def utrecht_initiative(make_initiative, owner):
    return make_initiative(owner, point=UTRECHT, gemeente="GM0344", title="Soep op het Domplein")


def test_a_round_keeps_its_priority_buurten(utrecht_round):
    db.session.expire_all()
    assert db.session.get(GrantRound, utrecht_round.id).priority_buurten == [DOM_BUURT]


@pytest.mark.parametrize("codes", [["BU99999999"], ["<script>"], [DOM_BUURT, 7], "BU03440611"])
def test_unknown_buurten_are_refused_and_nothing_is_saved(make_round, staff_utrecht, codes):
    rounds_before = db.session.scalar(select(func.count(GrantRound.id)))
    with pytest.raises(svc.GrantError) as refused:
        make_round(by=staff_utrecht, gemeente="GM0344", priority_buurten=codes)
    assert "priority_buurten" in refused.value.errors
    db.session.rollback()
    assert db.session.scalar(select(func.count(GrantRound.id))) == rounds_before


def test_buurten_of_another_gemeente_are_refused(make_round):
    with pytest.raises(svc.GrantError) as refused:
        make_round(gemeente="GM0363", priority_buurten=[DOM_BUURT])   # an Amsterdam round, a Utrecht buurt
    assert "priority_buurten" in refused.value.errors


def test_notice_for_a_priority_buurt_without_an_accessible_place(utrecht_round, utrecht_initiative):
    notice = priority.notice(utrecht_round, utrecht_initiative)
    assert notice == priority.BuurtNotice("Domplein, Neude, Janskerkhof", without_access=True, priority=True)


def test_an_accessible_place_nearby_leaves_only_the_priority(utrecht_round, utrecht_initiative):
    _accessible_place_at((5.1198, 52.0925))   # Neude, inside the buurt
    notice = priority.notice(utrecht_round, utrecht_initiative)
    assert notice == priority.BuurtNotice("Domplein, Neude, Janskerkhof", without_access=False, priority=True)


def test_no_notice_for_a_buurt_with_access_that_is_no_priority(make_round, staff_utrecht, utrecht_initiative):
    grant_round = make_round(by=staff_utrecht, gemeente="GM0344", priority_buurten=[OTHER_BUURT])
    _accessible_place_at((5.1198, 52.0925))
    assert priority.notice(grant_round, utrecht_initiative) is None


def test_a_place_that_is_not_accessible_does_not_count(utrecht_round, utrecht_initiative):
    _accessible_place_at((5.1198, 52.0925), wheelchair="no")
    assert priority.notice(utrecht_round, utrecht_initiative).without_access is True


def test_no_notice_outside_every_loaded_buurt(make_round, make_initiative, owner):
    grant_round = make_round()                      # Amsterdam: no buurten loaded there
    initiative = make_initiative(owner)
    assert priority.notice(grant_round, initiative) is None


def test_the_round_form_marks_buurten_without_an_accessible_place(app):
    _accessible_place_at((5.1198, 52.0925))
    labels = dict(priority.choices("GM0344"))
    assert len(labels) == 111
    assert labels[DOM_BUURT] == "Domplein, Neude, Janskerkhof"
    assert labels[OTHER_BUURT] == "Welgelegen, Den Hommel (geen toegankelijke plek)"


def test_the_application_form_tells_the_applicant(client, login, owner, utrecht_round, utrecht_initiative):
    login(client, owner)
    page = client.get(f"/startbijdragen/regeling/{utrecht_round.id}/aanvragen?initiatief={utrecht_initiative.id}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Domplein, Neude, Janskerkhof heeft nog geen toegankelijke ontmoetingsplek" in text
    assert "voorrang" in text


def _round_form(today, **extra):
    from datetime import timedelta

    data = {"name": "Buurtbudget Utrecht", "criteria": "Open voor iedereen.", "opens_on": today.isoformat(),
            "closes_on": (today + timedelta(days=90)).isoformat(), "budget_cents": "40.000",
            "max_amount_cents": "500", "four_eyes_cents": "1000", "quick_lane_cents": "0", "answer_days": "14",
            "own_contribution_percent": "0", "min_supporters": "0", "ask_supporters": "y", "district_id": "0"}
    data.update(extra)
    return data


def test_staff_pick_priority_buurten_in_the_round_form(client, login, staff_utrecht):
    login(client, staff_utrecht)
    page = client.get("/startbijdragen/beheer/GM0344/regeling/nieuw").get_data(as_text=True)
    assert "Buurten met voorrang" in page and f'value="{DOM_BUURT}"' in page
    response = client.post("/startbijdragen/beheer/GM0344/regeling/nieuw",
                           data=_round_form(svc.local_today(), priority_buurten=[DOM_BUURT, OTHER_BUURT]))
    assert response.status_code == 302
    grant_round = db.session.scalars(select(GrantRound).where(GrantRound.gemeente_code == "GM0344")).one()
    assert sorted(grant_round.priority_buurten) == sorted([DOM_BUURT, OTHER_BUURT])


def test_an_unknown_buurt_in_the_round_form_is_a_message_and_saves_nothing(client, login, staff_utrecht):
    login(client, staff_utrecht)
    response = client.post("/startbijdragen/beheer/GM0344/regeling/nieuw",
                           data=_round_form(svc.local_today(), priority_buurten=["BU99999999"]))
    assert response.status_code == 400
    assert "Deze keuze kennen we niet" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(GrantRound.id))) == 0


def test_staff_of_another_gemeente_cannot_set_priority_buurten(client, login, staff, utrecht_round):
    login(client, staff)                       # Amsterdam staff, a Utrecht round
    response = client.post(f"/startbijdragen/regeling/{utrecht_round.id}/bewerken",
                           data=_round_form(svc.local_today(), priority_buurten=[OTHER_BUURT]))
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(GrantRound, utrecht_round.id).priority_buurten == [DOM_BUURT]
