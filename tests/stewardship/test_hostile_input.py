"""Issue 10, hostile input on the co-beheer forms: reasons and answers longer than we keep, an unknown
handover choice and an over-long e-mail address are a 400 with a Dutch message, and nothing is saved
(no rejection, no hand-over, no closed report, no mail). The wrong user still gets a 403."""
from __future__ import annotations

import pytest

from tests.stewardship.conftest import snapshot
from webapp.domain_errors import Invalid
from webapp.extensions import db
from webapp.places import services as place_services
from webapp.places.models import Place
from webapp.stewardship import services
from webapp.stewardship.models import Report

LONG = "x" * 10_000
NL = {"Accept-Language": "nl"}
TOO_LONG = "Dit is te lang: hoogstens 2000 tekens."


def _text(response) -> str:
    import html

    return html.unescape(response.get_data(as_text=True))


@pytest.fixture
def proposal(make_place, resident):
    return make_place("Speeltuin Het Eiland", status="proposed", owner=resident)


def test_reject_with_a_10000_character_reason_is_a_400_and_nothing_is_saved(client, act_as, mod_ams, proposal):
    act_as(mod_ams)
    before = snapshot()
    response = client.post(f"/moderatie/plekken/{proposal.id}/afwijzen", data={"reason": LONG}, headers=NL)
    assert response.status_code == 400
    assert TOO_LONG in _text(response)
    assert snapshot() == before
    assert db.session.get(Place, proposal.id).status == "proposed"


def test_reject_with_a_reason_of_2000_characters_is_fine(client, act_as, mod_ams, proposal):
    act_as(mod_ams)
    response = client.post(f"/moderatie/plekken/{proposal.id}/afwijzen", data={"reason": "y" * 2000}, headers=NL)
    assert response.status_code == 302
    db.session.expire_all()
    place = db.session.get(Place, proposal.id)
    assert place.status == "rejected" and place.status_reason == "y" * 2000


def test_reject_with_a_long_reason_by_another_gemeentes_moderator_is_403(client, act_as, mod_utr, proposal):
    act_as(mod_utr)
    before = snapshot()
    assert client.post(f"/moderatie/plekken/{proposal.id}/afwijzen", data={"reason": LONG}).status_code == 403
    assert snapshot() == before


def test_services_refuse_reasons_longer_than_we_keep(mod_ams, proposal):
    with pytest.raises(Invalid):
        place_services.reject_place(mod_ams, proposal, LONG)
    db.session.rollback()
    assert db.session.get(Place, proposal.id).status == "proposed"


@pytest.mark.parametrize("data, message", [
    ({"handover": "onbekend-social"}, "Kies wie het na u beheert: iemand anders of de moderatoren."),
    ({"handover": "successor", "successor_email": LONG + "@x.test"}, "Dit e-mailadres is te lang"),
])
def test_leave_with_an_unknown_handover_or_a_long_address_is_a_400(client, act_as, make_place, resident, data,
                                                                    message):
    place = make_place(owner=resident)
    act_as(resident)
    before = snapshot()
    response = client.post(f"/beheer/place/{place.id}/stoppen", data=data, headers=NL)
    assert response.status_code == 400
    assert message in _text(response)
    assert snapshot() == before and services.is_owner(resident, place)


def test_leave_with_an_unknown_handover_by_someone_else_is_403(client, act_as, make_place, resident, other):
    place = make_place(owner=resident)
    act_as(other)
    before = snapshot()
    assert client.post(f"/beheer/place/{place.id}/stoppen", data={"handover": "onbekend-social"}).status_code == 403
    assert snapshot() == before


def test_closing_a_report_with_a_10000_character_answer_is_a_400_and_it_stays_open(client, act_as, make_place,
                                                                                     resident, other):
    place = make_place(owner=resident)
    services.report(other, place, "access_barrier", "De oprit is weg")
    db.session.commit()
    row = db.session.query(Report).one()
    act_as(resident)
    before = snapshot()
    response = client.post(f"/beheer/place/{place.id}/meldingen/{row.id}/sluiten", data={"answer": LONG},
                           headers=NL)
    assert response.status_code == 400
    assert TOO_LONG in _text(response)
    assert snapshot() == before
    assert db.session.get(Report, row.id).status == "open" and db.session.get(Report, row.id).answer == ""
    act_as(other)  # the reporter may not close it, with or without a long answer
    assert client.post(f"/beheer/place/{place.id}/meldingen/{row.id}/sluiten",
                       data={"answer": LONG}).status_code == 403
    assert snapshot() == before


def test_decision_on_a_hidden_place_with_a_10000_character_reason_is_a_400(client, act_as, make_place, resident,
                                                                           mod_ams, mod_utr):
    place = make_place(owner=resident, hidden=True)
    act_as(mod_ams)
    before = snapshot()
    response = client.post(f"/moderatie/place/{place.id}/besluit", data={"decision": "show", "reason": LONG},
                           headers=NL)
    assert response.status_code == 400
    assert TOO_LONG in _text(response)
    assert snapshot() == before and db.session.get(Place, place.id).hidden
    act_as(mod_utr)
    assert client.post(f"/moderatie/place/{place.id}/besluit",
                       data={"decision": "show", "reason": LONG}).status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize("code", ["GM99999", "onbekend-social", LONG])
def test_moderator_edit_with_a_gemeente_that_does_not_exist_is_a_400(client, act_as, make_place, resident, mod_ams,
                                                                      code):
    place = make_place("Buurthuis De Linde", owner=resident)
    act_as(mod_ams)
    before = snapshot()
    response = client.post(f"/plekken/{place.id}/bewerken", headers=NL, data={
        "name": "Buurthuis De Linde", "category": "community_centre", "lat": "52.3731", "lon": "4.8922",
        "gemeente_code": code, "version": str(place.version)})
    assert response.status_code == 400
    assert "Deze gemeente kennen we niet." in _text(response)
    assert snapshot() == before and db.session.get(Place, place.id).gemeente_code == "GM0363"
