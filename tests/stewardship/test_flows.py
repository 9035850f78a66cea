"""Proposals, duplicates, co-ownership, suggestions, edit conflicts, reverts, reports and hiding."""
from __future__ import annotations

import pytest
from flask import render_template
from sqlalchemy import func, select

from tests.stewardship.conftest import snapshot
from webapp.extensions import db
from webapp.initiatives.models import Initiative
from webapp.mail.models import OutboxMail
from webapp.places import services as place_services
from webapp.places.models import Place
from webapp.stewardship import services
from webapp.stewardship.models import JoinRequest, Report, Revision, Suggestion

PROPOSAL = {"name": "Buurtkamer De Linde", "category": "community_centre", "lat": "52.3731", "lon": "4.8922",
            "description": "Koffie en een praatje", "toilets": "yes", "wheelchair": "limited",
            "opening_hours": "Mo-Fr 09:00-17:00"}


def _mails(kind: str) -> list[OutboxMail]:
    return list(db.session.scalars(select(OutboxMail).where(OutboxMail.kind == kind)))


def _place_named(name: str) -> Place | None:
    return db.session.scalars(select(Place).where(Place.name == name)).first()


# --- proposing -----------------------------------------------------------------------------------

def test_proposal_makes_the_proposer_co_owner_and_waits_for_a_moderator(client, act_as, resident, mod_ams):
    act_as(resident)
    response = client.post("/plekken/voorstellen", data=PROPOSAL)
    assert response.status_code == 302
    place = _place_named("Buurtkamer De Linde")
    assert place.status == "proposed" and place.gemeente_code == "GM0363"
    assert place.wheelchair == "limited" and place.opening_hours == "Mo-Fr 09:00-17:00"
    assert services.is_owner(resident, place)
    assert [r.kind for r in services.history(place)] == ["create"]
    assert any(m.to_address == mod_ams.email for m in _mails("stewardship.proposal"))


def test_proposal_is_nowhere_public_before_publishing(client, act_as, resident, other, mod_ams):
    act_as(resident)
    client.post("/plekken/voorstellen", data=PROPOSAL)
    place = _place_named("Buurtkamer De Linde")
    act_as(other)
    assert client.get(f"/plekken/{place.id}").status_code == 404
    assert client.get(f"/api/v1/places/{place.id}").status_code == 404
    listing = client.get("/api/v1/places?lat=52.3731&lon=4.8922")
    assert "Buurtkamer De Linde" not in listing.text
    assert client.get(f"/plekken/{place.id}/geschiedenis").status_code == 404
    assert client.get(f"/beheer/place/{place.id}/meebeheren").status_code == 404
    act_as(None)
    assert client.get(f"/plekken/{place.id}").status_code == 404
    # The proposer and the moderator can look at it.
    act_as(resident)
    assert client.get(f"/beheer/place/{place.id}").status_code == 200
    act_as(mod_ams)
    assert client.post(f"/moderatie/plekken/{place.id}/publiceren").status_code == 302
    act_as(other)
    assert client.get(f"/plekken/{place.id}").status_code == 200
    assert "Buurtkamer De Linde" in client.get("/api/v1/places?lat=52.3731&lon=4.8922").text
    assert _mails("stewardship.published")[0].to_address == resident.email


def test_rejection_reason_is_shown_to_the_proposer_and_mailed(client, act_as, resident, mod_ams):
    act_as(resident)
    client.post("/plekken/voorstellen", data=PROPOSAL)
    place = _place_named("Buurtkamer De Linde")
    act_as(mod_ams)
    assert client.post(f"/moderatie/plekken/{place.id}/afwijzen", data={"reason": ""}).status_code == 400
    assert db.session.get(Place, place.id).status == "proposed"  # no reason, no rejection
    client.post(f"/moderatie/plekken/{place.id}/afwijzen", data={"reason": "Dit is een privéwoning."})
    assert db.session.get(Place, place.id).status == "rejected"
    act_as(resident)
    page = client.get("/plekken/mijn").text
    assert "Niet geplaatst" in page and "Dit is een privéwoning." in page
    assert "Dit is een privéwoning." in _mails("stewardship.rejected")[0].body


def test_gemeente_comes_from_the_point_and_can_be_corrected(client, act_as, resident):
    act_as(resident)
    client.post("/plekken/voorstellen", data={**PROPOSAL, "lat": "52.0907", "lon": "5.1214"})
    assert _place_named("Buurtkamer De Linde").gemeente_code == "GM0344"
    client.post("/plekken/voorstellen", data={**PROPOSAL, "name": "Andere plek", "gemeente_code": "GM0363",
                                              "lat": "52.0907", "lon": "5.1214"})
    assert _place_named("Andere plek").gemeente_code == "GM0363"


def test_address_and_gemeente_without_coordinates_is_enough(client, act_as, resident):
    act_as(resident)
    response = client.post("/plekken/voorstellen", data={**PROPOSAL, "lat": "", "lon": "",
                                                          "address": "Dorpsstraat 1", "gemeente_code": "GM0344"})
    assert response.status_code == 302
    assert _place_named("Buurtkamer De Linde").gemeente_code == "GM0344"


@pytest.mark.parametrize("bad,field", [
    ({"name": ""}, "naam"),
    ({"category": "casino"}, "Ongeldige keuze"),
    ({"opening_hours": "elke dag een beetje"}, "openingstijden begrijpen we niet"),
    ({"lat": "", "lon": ""}, "Kies waar de plek is"),
    ({"lat": "noord", "lon": "4.9"}, "Vul een getal in"),
    ({"lat": "0", "lon": "0"}, "niet in een Nederlandse gemeente"),
])
def test_bad_proposals_rerender_with_400_and_keep_the_input(client, act_as, resident, bad, field):
    act_as(resident)
    before = snapshot()
    response = client.post("/plekken/voorstellen", data={**PROPOSAL, "description": "Mijn eigen tekst", **bad})
    assert response.status_code == 400
    assert field.lower() in response.text.lower()
    assert "Mijn eigen tekst" in response.text
    assert snapshot() == before


def test_no_toilet_means_no_wheelchair_toilet(client, act_as, resident):
    act_as(resident)
    client.post("/plekken/voorstellen", data={**PROPOSAL, "toilets": "no", "toilets_wheelchair": "yes"})
    assert _place_named("Buurtkamer De Linde").toilets_wheelchair == "no"


# --- duplicates ----------------------------------------------------------------------------------

def test_duplicates_are_shown_before_saving(client, act_as, resident, make_place):
    existing = make_place("Buurtkamer de Linde", where=(4.8925, 52.3733))  # ~30 m away, same name
    act_as(resident)
    response = client.post("/plekken/voorstellen", data=PROPOSAL)
    assert response.status_code == 200
    assert "Bestaat deze plek al?" in response.text
    assert f"/beheer/place/{existing.id}/meebeheren" in response.text
    assert db.session.scalar(select(func.count(Place.id))) == 1
    # The resident says it is a different place: now it is saved.
    response = client.post("/plekken/voorstellen", data={**PROPOSAL, "confirm_new": "1"})
    assert response.status_code == 302
    assert db.session.scalar(select(func.count(Place.id))) == 2


def test_duplicate_search_needs_near_and_similar_and_published(make_place):
    make_place("Buurtkamer de Linde", where=(4.8925, 52.3733))
    make_place("Bibliotheek Centrum", where=(4.8923, 52.3732))
    make_place("Buurtkamer De Linde", where=(4.9200, 52.3731))  # ~1.9 km away
    make_place("Buurtkamer De Linde", where=(4.8922, 52.3732), status="proposed")
    found = place_services.find_duplicates("Buurtkamer De Linde", 4.8922, 52.3731)
    assert [p.name for p, _ in found] == ["Buurtkamer de Linde"]
    assert found[0][1] < 150
    assert place_services.find_duplicates("Speeltuin", 4.8922, 52.3731) == []


# --- co-ownership --------------------------------------------------------------------------------

def test_join_accept_flow(client, act_as, make_place, resident, other):
    place = make_place(owner=resident)
    act_as(other)
    response = client.post(f"/beheer/place/{place.id}/meebeheren", data={"motivation": "Ik kom hier elke week"})
    assert response.status_code == 302
    request = db.session.scalars(select(JoinRequest)).one()
    assert _mails("stewardship.join_request")[0].to_address == resident.email
    # Asking twice is refused politely.
    assert client.post(f"/beheer/place/{place.id}/meebeheren", data={"motivation": "Nog eens"}).status_code == 400
    act_as(resident)
    assert "Ik kom hier elke week" in client.get(f"/beheer/place/{place.id}").text
    client.post(f"/beheer/place/{place.id}/verzoeken/{request.id}", data={"decision": "accept"})
    assert services.is_owner(other, place)
    assert _mails("stewardship.join_accepted")[0].to_address == other.email


def test_decline_join(client, act_as, make_place, resident, other):
    place = make_place(owner=resident)
    request = services.request_join(other, place, "Graag")
    db.session.commit()
    act_as(resident)
    client.post(f"/beheer/place/{place.id}/verzoeken/{request.id}", data={"decision": "decline"})
    assert not services.is_owner(other, place)
    assert db.session.get(JoinRequest, request.id).status == "declined"


def test_last_owner_needs_a_successor_or_the_moderators(client, act_as, make_place, resident, other, mod_ams):
    place = make_place(owner=resident)
    act_as(resident)
    before = snapshot()
    client.post(f"/beheer/place/{place.id}/stoppen", data={})
    assert services.is_owner(resident, place) and snapshot() == before
    client.post(f"/beheer/place/{place.id}/stoppen", data={"handover": "successor", "successor_email": "nobody@x.test"})
    assert services.is_owner(resident, place)
    client.post(f"/beheer/place/{place.id}/stoppen", data={"handover": "successor", "successor_email": other.email})
    assert not services.is_owner(resident, place) and services.is_owner(other, place)
    act_as(other)
    client.post(f"/beheer/place/{place.id}/stoppen", data={"handover": "moderators"})
    assert services.owners_of(place) == []
    assert any(m.to_address == mod_ams.email for m in _mails("stewardship.to_moderators"))


def test_not_last_owner_leaves_freely(make_place, resident, other):
    place = make_place(owner=resident)
    services.add_owner(place, other)
    services.leave(resident, place)
    assert [o.user_id for o in services.owners_of(place)] == [other.id]


def test_moderator_adds_and_removes_owners(client, act_as, make_place, resident, other, mod_ams):
    place = make_place(owner=resident)
    act_as(mod_ams)
    client.post(f"/beheer/place/{place.id}/beheerders", data={"email": other.email})
    assert services.is_owner(other, place)
    client.post(f"/beheer/place/{place.id}/beheerders/{resident.id}/weghalen")
    assert not services.is_owner(resident, place)


# --- suggestions ---------------------------------------------------------------------------------

def test_accepted_suggestion_becomes_a_revision_credited_to_the_suggester(client, act_as, make_place, resident, other):
    place = make_place("Buurthuis Oost", owner=resident)
    act_as(other)
    form = {"name": "Buurthuis Oost", "category": "community_centre", "step_free_entrance": "yes",
            "note": "De oprit is terug"}
    assert client.post(f"/beheer/place/{place.id}/voorstel", data=form).status_code == 302
    suggestion = db.session.scalars(select(Suggestion)).one()
    assert suggestion.values == {"step_free_entrance": "yes"}
    assert db.session.get(Place, place.id).step_free_entrance == "unknown"  # not yet
    act_as(resident)
    assert "De oprit is terug" in client.get(f"/beheer/place/{place.id}").text
    client.post(f"/beheer/place/{place.id}/voorstellen/{suggestion.id}", data={"decision": "accept"})
    db.session.expire_all()
    assert db.session.get(Place, place.id).step_free_entrance == "yes"
    revision = services.history(place)[0]
    assert revision.kind == "suggestion" and revision.user_id == other.id
    assert _mails("stewardship.suggestion_accepted")[0].to_address == other.email


def test_suggestion_without_changes_is_refused(client, act_as, make_place, resident, other):
    place = make_place("Buurthuis Oost", owner=resident)
    act_as(other)
    response = client.post(f"/beheer/place/{place.id}/voorstel", data={"name": "Buurthuis Oost",
                                                                       "category": "community_centre"})
    assert response.status_code == 400 and "niets veranderd" in response.text


def test_suggestions_without_owners_go_to_the_moderators(client, act_as, make_place, other, mod_ams, mod_utr):
    place = make_place("Park Zonder Beheer")
    services.suggest_edit(other, place, {"seating": "yes"})
    db.session.commit()
    assert any(m.to_address == mod_ams.email for m in _mails("stewardship.suggestion"))
    act_as(mod_ams)
    assert "Park Zonder Beheer" in client.get("/moderatie").text
    act_as(mod_utr)
    assert "Park Zonder Beheer" not in client.get("/moderatie").text


# --- editing and conflicts -----------------------------------------------------------------------

def _edit_form(place, **changes):
    return {"name": place.name, "category": place.category, "lat": "52.3731", "lon": "4.8922",
            "version": str(place.version), **changes}


def test_two_edits_from_the_same_version_conflict(client, act_as, make_place, resident, other):
    place = make_place("Buurthuis West", owner=resident, description="Oud")
    services.add_owner(place, other)
    db.session.commit()
    first = _edit_form(place, description="Tekst van Een")
    second = _edit_form(place, description="Tekst van Twee", house_rules="Iedereen is welkom")
    act_as(resident)
    assert client.post(f"/plekken/{place.id}/bewerken", data=first).status_code == 302
    act_as(other)
    response = client.post(f"/plekken/{place.id}/bewerken", data=second)
    assert response.status_code == 409
    assert "net veranderd" in response.text
    assert "Tekst van Een" in response.text      # what changed meanwhile
    assert "Tekst van Twee" in response.text     # what they typed is kept
    assert "Iedereen is welkom" in response.text
    db.session.expire_all()
    assert db.session.get(Place, place.id).description == "Tekst van Een"
    # Saving again (the form now carries the new version) is a deliberate overwrite.
    resend = dict(second, version=str(db.session.get(Place, place.id).version))
    assert client.post(f"/plekken/{place.id}/bewerken", data=resend).status_code == 302
    db.session.expire_all()
    assert db.session.get(Place, place.id).description == "Tekst van Twee"


def test_apply_edit_conflict_in_the_service(make_place, resident):
    place = make_place(owner=resident)
    version = place.version
    services.edit_subject(resident, place, {"name": "Eerste"}, version)
    with pytest.raises(services.EditConflict) as info:
        services.edit_subject(resident, place, {"name": "Tweede"}, version)
    assert info.value.changed == {"name": "Eerste"}


def test_edit_moves_the_point_and_the_gemeente(client, act_as, make_place, resident):
    place = make_place(owner=resident)
    act_as(resident)
    client.post(f"/plekken/{place.id}/bewerken", data=_edit_form(place, lat="52.0907", lon="5.1214"))
    db.session.expire_all()
    place = db.session.get(Place, place.id)
    assert place.gemeente_code == "GM0344"
    assert services.history(place)[0].changes["location"]["new"] == "POINT(5.121400 52.090700)"


def test_confirm_still_correct(client, act_as, make_place, resident):
    place = make_place(owner=resident)
    act_as(resident)
    client.post(f"/beheer/place/{place.id}/bevestigen")
    db.session.expire_all()
    assert db.session.get(Place, place.id).attributes_confirmed_on is not None


# --- history and revert --------------------------------------------------------------------------

def test_revert_restores_an_earlier_version_as_a_new_revision(client, act_as, make_place, resident, mod_ams):
    place = make_place("Buurthuis Noord", owner=resident, description="Eerste tekst")
    first = services.edit_subject(resident, place, {"wheelchair": "yes"}, place.version)
    services.edit_subject(resident, place, {"name": "Vandalen waren hier", "wheelchair": "no",
                                            "description": "Onzin"}, place.version)
    db.session.commit()
    act_as(mod_ams)
    response = client.post(f"/beheer/place/{place.id}/terugzetten/{first.id}", data={"version": str(place.version)})
    assert response.status_code == 302
    db.session.expire_all()
    place = db.session.get(Place, place.id)
    assert (place.name, place.wheelchair, place.description) == ("Buurthuis Noord", "yes", "Eerste tekst")
    history = services.history(place)
    assert history[0].kind == "revert" and history[0].user_id == mod_ams.id and len(history) == 3
    page = client.get(f"/plekken/{place.id}/geschiedenis").text
    assert "Teruggezet" in page and "Vandalen waren hier" in page


def test_revert_with_a_stale_version_changes_nothing(client, act_as, make_place, resident, mod_ams):
    place = make_place(owner=resident)
    first = services.edit_subject(resident, place, {"wheelchair": "yes"}, place.version)
    services.edit_subject(resident, place, {"wheelchair": "no"}, place.version)
    db.session.commit()
    act_as(mod_ams)
    before = snapshot()
    client.post(f"/beheer/place/{place.id}/terugzetten/{first.id}", data={"version": "1"})
    assert snapshot() == before


def test_history_is_public_with_display_names(client, act_as, make_place, make_user):
    owner = make_user("Fatima de Vries")
    place = make_place(owner=owner)
    services.edit_subject(owner, place, {"hearing_loop": "yes"}, place.version)
    db.session.commit()
    act_as(None)
    page = client.get(f"/plekken/{place.id}/geschiedenis")
    assert page.status_code == 200
    assert "Fatima de Vries" in page.text and owner.email not in page.text
    assert "Ringleiding" in page.text


# --- reports -------------------------------------------------------------------------------------

def _report(user, subject, category="inappropriate"):
    services.report(user, subject, category, "Dit hoort hier niet")
    db.session.commit()


def test_three_different_reporters_hide_the_subject(make_place, make_user):
    owner = make_user("Eigenaar")
    place = make_place(owner=owner)
    _report(make_user(), place)
    _report(make_user(), place)
    assert not db.session.get(Place, place.id).hidden
    _report(make_user(), place)
    assert db.session.get(Place, place.id).hidden
    assert _mails("stewardship.hidden")[0].to_address == owner.email
    assert "ongepaste inhoud" in _mails("stewardship.hidden")[0].body


def test_the_same_reporter_three_times_does_not_hide(make_place, resident):
    place = make_place()
    for _ in range(3):
        _report(resident, place)
    assert not db.session.get(Place, place.id).hidden


def test_other_categories_do_not_hide(make_place, make_user):
    place = make_place()
    for _ in range(3):
        _report(make_user(), place, "wrong_info")
    assert not db.session.get(Place, place.id).hidden


def test_hidden_place_disappears_until_a_moderator_shows_it_again(client, act_as, make_place, make_user, mod_ams):
    place = make_place("Buurthuis Zuid")
    reporters = [make_user() for _ in range(3)]
    for reporter in reporters:
        _report(reporter, place)
    act_as(None)
    assert client.get(f"/plekken/{place.id}").status_code == 404
    act_as(mod_ams)
    assert "Buurthuis Zuid" in client.get("/moderatie").text
    client.post(f"/moderatie/place/{place.id}/besluit", data={"decision": "show", "reason": "Het valt mee."})
    db.session.expire_all()
    assert not db.session.get(Place, place.id).hidden
    assert len(_mails("stewardship.report_closed")) == 3
    act_as(None)
    assert client.get(f"/plekken/{place.id}").status_code == 200


def test_initiatives_are_hidden_the_same_way(make_user):
    initiative = Initiative(title="Samen koken", gemeente_code="GM0363")
    db.session.add(initiative)
    db.session.commit()
    for _ in range(3):
        _report(make_user(), initiative)
    assert db.session.get(Initiative, initiative.id).hidden


def test_reports_about_people_are_only_for_moderators(client, act_as, make_place, resident, other, mod_ams):
    place = make_place(owner=resident)
    services.report(other, place, "people_safety", "Een man valt vrouwen lastig")
    services.report(other, place, "access_barrier", "De lift is kapot")
    db.session.commit()
    act_as(resident)
    page = client.get(f"/beheer/place/{place.id}").text
    assert "De lift is kapot" in page and "Een man valt vrouwen lastig" not in page
    assert services.open_report_count(place) == 1
    act_as(mod_ams)
    assert "Een man valt vrouwen lastig" in client.get(f"/beheer/place/{place.id}").text
    assert "Een man valt vrouwen lastig" in client.get("/moderatie").text


def test_closing_a_report_tells_the_reporter(client, act_as, make_place, resident, other):
    place = make_place(owner=resident)
    services.report(other, place, "access_barrier", "De oprit is weg")
    db.session.commit()
    row = db.session.scalars(select(Report)).one()
    act_as(resident)
    client.post(f"/beheer/place/{place.id}/meldingen/{row.id}/sluiten", data={"answer": ""})
    assert db.session.get(Report, row.id).status == "open"
    client.post(f"/beheer/place/{place.id}/meldingen/{row.id}/sluiten", data={"answer": "Hij is terug."})
    assert db.session.get(Report, row.id).status == "closed"
    mail = _mails("stewardship.report_closed")[0]
    assert mail.to_address == other.email and "Hij is terug." in mail.body


def test_report_form_validation(client, act_as, make_place, resident):
    place = make_place()
    act_as(resident)
    response = client.post(f"/beheer/place/{place.id}/melden", data={"category": "other", "text": "x"})
    assert response.status_code == 400
    response = client.post(f"/beheer/place/{place.id}/melden", data={"category": "wrong_info", "text": ""})
    assert response.status_code == 400


# --- panels and pages ----------------------------------------------------------------------------

def test_place_panel_renders_with_only_place(app, make_place, resident):
    place = make_place("Buurthuis Panel", owner=resident)
    services.report(resident, place, "wrong_info", "Klopt niet")
    db.session.commit()
    with app.test_request_context("/"):
        html = render_template("stewardship/place_panel.html", place=place)
    assert resident.display_name in html and "1 open melding" in html
    assert "/geschiedenis" in html and "Log in om mee te helpen" in html


def test_subject_panel_for_an_initiative(app, client, act_as, make_user):
    owner = make_user("Initiatiefnemer")
    initiative = Initiative(title="Taalcafé", gemeente_code="GM0363")
    db.session.add(initiative)
    db.session.flush()
    services.add_owner(initiative, owner)
    db.session.commit()
    with app.test_request_context("/"):
        html = render_template("stewardship/subject_panel.html", subject=initiative)
    assert "Initiatiefnemer" in html and f"/beheer/initiative/{initiative.id}/geschiedenis" in html
    other = make_user()
    act_as(other)
    assert client.post(f"/beheer/initiative/{initiative.id}/meebeheren",
                       data={"motivation": "Ik geef graag les"}).status_code == 302
    assert client.post(f"/beheer/initiative/{initiative.id}/voorstel",
                       data={"title": "Taalcafé Oost", "summary": "", "description": ""}).status_code == 302
    assert db.session.scalars(select(Suggestion)).one().values == {"title": "Taalcafé Oost"}


def test_place_page_includes_the_panel(client, act_as, make_place, resident, other):
    place = make_place("Buurthuis Met Paneel", owner=resident)
    page = client.get(f"/plekken/{place.id}").text
    assert "Beheer door bewoners" in page and "Bewoner Een" in page
    act_as(other)
    page = client.get(f"/plekken/{place.id}").text
    assert f"/beheer/place/{place.id}/meebeheren" in page and f"/beheer/place/{place.id}/voorstel" in page
    form = client.get(f"/beheer/place/{place.id}/voorstel").text
    assert 'value="Buurthuis Met Paneel"' in form


def test_panel_actions_depend_on_the_user(app, make_place, resident, other, mod_ams):
    place = make_place(owner=resident)
    assert services.panel(resident, place)["can_edit"] and not services.panel(resident, place)["can_join"]
    assert services.panel(other, place)["can_join"] and services.panel(other, place)["can_suggest"]
    assert services.panel(mod_ams, place)["can_edit"]


XSS = ['<script>alert("x")</script>', '"onerror=alert(1) x="', "<img src=x onerror=alert(1)>"]


@pytest.mark.parametrize("payload", XSS)
def test_payloads_are_shown_as_text(client, act_as, make_place, resident, other, mod_ams, payload):
    place = make_place(payload, owner=resident, description=payload)
    services.edit_subject(resident, place, {"house_rules": payload}, place.version)
    services.request_join(other, place, payload)
    services.report(other, place, "wrong_info", payload)
    services.suggest_edit(other, place, {"description": payload + "!"}, note=payload)
    proposal = make_place(payload, status="proposed", owner=resident, description=payload)
    proposal.created_by_id = resident.id
    db.session.commit()
    pages = []

    def get(path):
        response = client.get(path)
        assert response.status_code == 200, path
        pages.append(response.text)

    act_as(resident)
    for path in (f"/beheer/place/{place.id}", "/plekken/mijn", f"/plekken/{place.id}/geschiedenis",
                 f"/plekken/{place.id}/bewerken"):
        get(path)
    # The place page (places package) includes our panel; its map script holds the name as JSON.
    assert client.get(f"/plekken/{place.id}").status_code == 200
    act_as(mod_ams)
    get("/moderatie")
    act_as(other)
    for path in (f"/beheer/place/{place.id}/melden", f"/beheer/place/{place.id}/voorstel",
                 f"/beheer/place/{place.id}/meebeheren"):
        get(path)
    for html in pages:
        assert "<script>alert" not in html
        assert "<img src=x" not in html
        assert '"onerror=' not in html
    assert any("&lt;script&gt;" in html or "&#34;onerror=" in html or "&lt;img" in html for html in pages)


def test_history_rows_count(make_place, resident):
    place = make_place(owner=resident)
    services.edit_subject(resident, place, {"seating": "yes"}, place.version)
    assert db.session.scalar(select(func.count(Revision.id))) == 1


def test_saving_an_unchanged_form_records_nothing(client, act_as, make_place, resident):
    place = make_place("Buurthuis Stil", owner=resident, description="Zo blijft het")
    act_as(resident)
    form_page = client.get(f"/plekken/{place.id}/bewerken")
    assert form_page.status_code == 200 and 'value="52.373100"' in form_page.text
    response = client.post(f"/plekken/{place.id}/bewerken", data=_edit_form(place, description="Zo blijft het"))
    assert response.status_code == 302
    assert services.history(place) == []
    assert db.session.get(Place, place.id).version == 1


def test_edit_with_a_missing_version_is_a_400(client, act_as, make_place, resident):
    place = make_place(owner=resident)
    act_as(resident)
    data = _edit_form(place)
    data.pop("version")
    assert client.post(f"/plekken/{place.id}/bewerken", data=data).status_code == 400


def test_unknown_subject_type_and_id_are_404(client, act_as, resident):
    act_as(resident)
    assert client.get("/beheer/gemeente/1/geschiedenis").status_code == 404
    assert client.get("/beheer/place/999999/geschiedenis").status_code == 404
    assert client.post("/beheer/place/999999/melden", data={"category": "wrong_info", "text": "x"}).status_code == 404


def test_the_panel_needs_few_queries(app, make_place, make_user, count_queries):
    owners = [make_user() for _ in range(3)]
    place = make_place(owner=owners[0])
    for owner in owners[1:]:
        services.add_owner(place, owner)
    db.session.commit()
    with app.test_request_context("/"), count_queries() as counter:
        render_template("stewardship/place_panel.html", place=place)
    assert counter.count <= 6, counter.statements


def test_proposal_details_for_the_moderator(client, act_as, resident, mod_ams):
    act_as(resident)
    client.post("/plekken/voorstellen", data=PROPOSAL)
    place = _place_named("Buurtkamer De Linde")
    act_as(mod_ams)
    page = client.get(f"/beheer/place/{place.id}").text
    assert "52.37310, 4.89220" in page and "Koffie en een praatje" in page


@pytest.mark.parametrize("lat,lon", [("nan", "4.9"), ("52.3", "inf"), ("95", "4.9"), ("0", "0")])
def test_edit_refuses_points_off_the_map_or_abroad(client, act_as, make_place, resident, lat, lon):
    place = make_place(owner=resident)
    act_as(resident)
    before = snapshot()
    response = client.post(f"/plekken/{place.id}/bewerken",
                           data=_edit_form(place, lat=lat, lon=lon, house_rules="Mijn regels"))
    assert response.status_code == 400 and "Mijn regels" in response.text
    assert snapshot() == before


def test_history_api_is_public_json_and_hides_proposals(client, make_place, resident):
    place = make_place("Buurthuis <b>API</b>", owner=resident)
    services.edit_subject(resident, place, {"seating": "yes"}, place.version)
    proposal = make_place("Voorstel", status="proposed", owner=resident)
    db.session.commit()
    response = client.get(f"/api/v1/places/{place.id}/history")
    assert response.status_code == 200 and response.is_json
    body = response.get_json()
    assert body["data"][0]["changes"] == {"seating": {"old": "unknown", "new": "yes"}}
    assert body["data"][0]["by"] == resident.display_name and resident.email not in response.text
    assert body["owners"] == [resident.display_name]
    missing = client.get(f"/api/v1/places/{proposal.id}/history")
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "not_found"
    assert "/api/v1/places/{place_id}/history" in client.get("/api/v1/openapi.json").get_json()["paths"]


def test_proposer_withdraws_a_proposal_and_a_join_request(client, act_as, resident, other, make_place, mod_ams):
    act_as(resident)
    client.post("/plekken/voorstellen", data=PROPOSAL)
    place = _place_named("Buurtkamer De Linde")
    assert "Voorstel intrekken" in client.get("/plekken/mijn").text
    client.post(f"/plekken/{place.id}/intrekken")
    assert db.session.get(Place, place.id).status == "rejected"
    assert "Ingetrokken door de bewoner." in client.get("/plekken/mijn").text
    act_as(mod_ams)
    assert "Buurtkamer De Linde" not in client.get("/moderatie").text
    published = make_place("Buurthuis Open")
    request = services.request_join(other, published, "Graag")
    db.session.commit()
    act_as(other)
    assert "Intrekken" in client.get("/plekken/mijn").text
    client.post(f"/beheer/place/{published.id}/verzoeken/{request.id}/intrekken")
    assert db.session.get(JoinRequest, request.id).status == "withdrawn"
