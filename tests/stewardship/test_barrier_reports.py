"""A barrier report names the attribute it concerns: flagged at once on page, API and A11yJSON, out of
"must be yes" filters, owners mailed; an owner or moderator clears it by confirming or correcting."""
from __future__ import annotations

import re

from sqlalchemy import select

from tests.stewardship.conftest import snapshot
from webapp.extensions import db
from webapp.mail.models import OutboxMail
from webapp.places import barriers
from webapp.places.models import Place
from webapp.stewardship import services
from webapp.stewardship.models import Report

FLAG = "gemeld: mogelijk niet juist"


def _report_form(**values):
    return {"category": "access_barrier", "attribute": "step_free_entrance", "text": "De oprit is weg", **values}


def _flagged_ids(key):
    return set(db.session.scalars(select(Place.id).where(getattr(Place, key) == "yes", barriers.not_flagged(key))))


def test_the_report_form_asks_which_attribute(client, act_as, make_place, resident):
    place = make_place(step_free_entrance="yes")
    act_as(resident)
    page = client.get(f"/beheer/place/{place.id}/melden").text
    assert 'name="attribute"' in page and "Ingang zonder drempel of trap" in page


def test_a_barrier_report_flags_the_attribute_everywhere_at_once(client, act_as, make_place, make_user, resident):
    owner = make_user("Eigenaar Oprit")
    place = make_place("Buurthuis Oprit", owner=owner, step_free_entrance="yes", wheelchair="yes")
    other = make_place("Buurthuis Zonder Melding", step_free_entrance="yes")
    assert {place.id, other.id} <= _flagged_ids("step_free_entrance")
    act_as(resident)
    assert FLAG not in client.get(f"/plekken/{place.id}").text
    response = client.post(f"/beheer/place/{place.id}/melden", data=_report_form())
    assert response.status_code == 302
    row = db.session.scalars(select(Report)).one()
    assert row.attribute == "step_free_entrance" and row.status == "open"
    # the page
    page = client.get(f"/plekken/{place.id}").text
    assert FLAG in page
    # the API and A11yJSON
    data = client.get(f"/api/v1/places/{place.id}").get_json()
    assert data["properties"]["reported_attributes"] == ["step_free_entrance"]
    a11y = client.get(f"/api/v1/places/{place.id}?format=a11yjson").get_json()
    assert a11y["properties"]["tags"]["buurtplek:reported:entrance:step_free"] == "possibly_wrong"
    assert client.get(f"/api/v1/places/{other.id}").get_json()["properties"]["reported_attributes"] == []
    # out of the "must be yes" filter for that attribute only
    ids = _flagged_ids("step_free_entrance")
    assert place.id not in ids and other.id in ids
    assert place.id in set(db.session.scalars(select(Place.id).where(barriers.flagged("step_free_entrance"))))
    assert place.id in set(db.session.scalars(select(Place.id).where(barriers.not_flagged("wheelchair"))))
    # the owners are mailed
    mails = list(db.session.scalars(select(OutboxMail).where(OutboxMail.kind == "stewardship.report_barrier")))
    assert [m.to_address for m in mails] == [owner.email]
    assert "Ingang zonder drempel of trap" in mails[0].body and "De oprit is weg" in mails[0].body


def test_a_report_flags_only_its_own_place_in_lists_and_on_pages(client, act_as, make_place, resident):
    """The list API and the place page build the flags in SQL: a report on one place is on no other place."""
    place = make_place("Buurthuis Met Melding", step_free_entrance="yes", where=(4.8952, 52.3702))
    other = make_place("Buurthuis Ernaast", step_free_entrance="yes", where=(4.8955, 52.3705))
    act_as(resident)
    assert client.post(f"/beheer/place/{place.id}/melden", data=_report_form()).status_code == 302
    listed = client.get("/api/v1/places?lat=52.3702&lon=4.8952&radius=1000").get_json()["features"]
    flags = {f["properties"]["id"]: f["properties"]["reported_attributes"] for f in listed}
    assert flags[place.id] == ["step_free_entrance"]
    assert flags[other.id] == []
    assert FLAG in client.get(f"/plekken/{place.id}").text
    assert FLAG not in client.get(f"/plekken/{other.id}").text


def test_only_a_known_attribute_is_accepted(client, act_as, make_place, resident):
    place = make_place()
    act_as(resident)
    before = snapshot()
    response = client.post(f"/beheer/place/{place.id}/melden", data=_report_form(attribute="name"))
    assert response.status_code == 400
    response = client.post(f"/beheer/place/{place.id}/melden", data=_report_form(attribute="x" * 500))
    assert response.status_code == 400
    assert snapshot() == before


def test_other_categories_flag_nothing(make_place, resident):
    place = make_place()
    services.report(resident, place, "wrong_info", "Het telefoonnummer klopt niet", "wheelchair")
    db.session.commit()
    assert db.session.scalars(select(Report)).one().attribute is None
    assert barriers.flags(place) == set()


def test_confirming_clears_the_flag_and_tells_the_reporter(client, act_as, make_place, make_user, resident):
    owner = make_user("Eigenaar Bevestigt")
    place = make_place(owner=owner, step_free_entrance="yes")
    services.report(resident, place, "access_barrier", "De oprit is weg", "step_free_entrance")
    db.session.commit()
    act_as(owner)
    client.post(f"/beheer/place/{place.id}/bevestigen")
    db.session.expire_all()
    assert barriers.flags(place) == set()
    assert db.session.scalars(select(Report)).one().status == "closed"
    assert place.id in _flagged_ids("step_free_entrance")
    mails = list(db.session.scalars(select(OutboxMail).where(OutboxMail.kind == "stewardship.report_closed")))
    assert [m.to_address for m in mails] == [resident.email]


def test_correcting_the_attribute_clears_only_its_flag(make_place, make_user, resident, mod_ams):
    place = make_place(step_free_entrance="yes", toilets_wheelchair="yes")
    services.report(resident, place, "access_barrier", "De oprit is weg", "step_free_entrance")
    services.report(resident, place, "access_barrier", "Het toilet is te klein", "toilets_wheelchair")
    db.session.commit()
    assert barriers.flags(place) == {"step_free_entrance", "toilets_wheelchair"}
    services.edit_subject(mod_ams, place, {"step_free_entrance": "no"}, place.version)
    db.session.commit()
    assert barriers.flags(place) == {"toilets_wheelchair"}


def test_the_wrong_user_cannot_clear_the_flag(client, act_as, make_place, make_user, resident, other):
    owner = make_user("Eigenaar Echt")
    place = make_place(owner=owner, step_free_entrance="yes")
    services.report(resident, place, "access_barrier", "De oprit is weg", "step_free_entrance")
    db.session.commit()
    before = snapshot()
    for user in (resident, other):
        act_as(user)
        assert client.post(f"/beheer/place/{place.id}/bevestigen").status_code == 403
        edit = {"name": place.name, "category": place.category, "lat": "52.3731", "lon": "4.8922",
                "version": str(place.version), "step_free_entrance": "no"}
        assert client.post(f"/plekken/{place.id}/bewerken", data=edit).status_code == 403
    assert snapshot() == before
    assert barriers.flags(place) == {"step_free_entrance"}


def test_a_link_can_choose_the_problem_ahead(client, act_as, make_place, resident):
    place = make_place()
    act_as(resident)
    assert f"/beheer/place/{place.id}/melden?categorie=access_barrier" in client.get(f"/plekken/{place.id}").text
    page = client.get(f"/beheer/place/{place.id}/melden?categorie=access_barrier&attribute=toilets").text
    radio = re.search(r'<input[^>]*value="access_barrier"[^>]*>', page).group(0)
    option = re.search(r'<option[^>]*value="toilets"[^>]*>', page).group(0)
    assert "checked" in radio and "selected" in option


def test_a_barrier_report_changes_the_search_card_and_filter_at_once(client, act_as, make_place, resident):
    """Through the real search page: the card says "gemeld", and the "must be yes" filter leaves it out."""
    place = make_place("Buurthuis Drempelmelding", step_free_entrance="yes", wheelchair="yes")
    search = "/plekken?lat=52.3731&lon=4.8922&radius=1000"
    act_as(resident)
    assert "Buurthuis Drempelmelding" in client.get(f"{search}&need=step_free_entrance").text
    assert client.post(f"/beheer/place/{place.id}/melden", data=_report_form()).status_code == 302
    card_page = client.get(search).text
    assert "Buurthuis Drempelmelding" in card_page and FLAG in card_page
    assert "Buurthuis Drempelmelding" not in client.get(f"{search}&need=step_free_entrance").text
    assert "Buurthuis Drempelmelding" in client.get(f"{search}&need=wheelchair").text  # only that attribute
