"""Every state-changing stewardship route: the right role succeeds; anonymous goes to login; a wrong
role or a moderator of another gemeente gets 403 and the database is unchanged."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest

from tests.stewardship.conftest import snapshot
from webapp.domain_errors import NotAllowed
from webapp.extensions import db
from webapp.places import services as place_services
from webapp.stewardship import services
from webapp.stewardship.models import JoinRequest, Report, Suggestion


@pytest.fixture
def world(make_user, make_place, mod_ams, mod_utr):
    """A published Amsterdam place with one owner and open requests, suggestions and reports,
    and a proposal waiting for Amsterdam's moderators."""
    owner = make_user("Eigenaar")
    other = make_user("Buurvrouw")
    proposer = make_user("Voorsteller")
    newcomer = make_user("Nieuwkomer")
    place = make_place("Buurthuis De Linde", owner=owner, description="Koffie op dinsdag")
    services.apply_edit(place, owner, {"description": "Koffie op dinsdag en donderdag"}, place.version)
    services.apply_edit(place, owner, {"description": "Koffie elke dag"}, place.version)
    proposal = make_place("Speeltuin Het Eiland", status="proposed", owner=proposer)
    proposal.created_by_id = proposer.id
    join = JoinRequest(subject_type="place", subject_id=place.id, user_id=other.id, motivation="Ik help graag")
    suggestion = Suggestion(subject_type="place", subject_id=place.id, user_id=other.id,
                            values={"wheelchair": "yes"}, base={"wheelchair": "unknown"})
    access = Report(subject_type="place", subject_id=place.id, user_id=other.id, category="access_barrier",
                    text="De oprit is weg")
    people = Report(subject_type="place", subject_id=place.id, user_id=other.id, category="people_safety",
                    text="Er wordt iemand lastiggevallen")
    hidden = make_place("Verborgen plek", owner=owner, hidden=True)
    db.session.add_all([join, suggestion, access, people])
    db.session.commit()
    first_revision = services.history(place)[-1]
    return dict(owner=owner, other=other, proposer=proposer, newcomer=newcomer, mod_ams=mod_ams, mod_utr=mod_utr,
                place=place, proposal=proposal, join=join, suggestion=suggestion, access=access, people=people,
                hidden=hidden, first_revision=first_revision)


@dataclass
class Case:
    name: str
    url: Callable[[dict], str]
    data: Callable[[dict], dict]
    right: list[str]
    wrong: list[str] = field(default_factory=list)


def _p(w):
    return w["place"].id


PLACE_FORM = {"name": "Buurthuis De Linde", "category": "community_centre", "lat": "52.3731", "lon": "4.8922",
              "description": "Nieuwe tekst", "wheelchair": "yes"}

CASES = [
    Case("propose", lambda w: "/plekken/voorstellen",
         lambda w: {"name": "Moestuin Zonnebloem", "category": "garden", "lat": "52.36", "lon": "4.90"},
         right=["other"]),
    Case("edit_place", lambda w: f"/plekken/{_p(w)}/bewerken",
         lambda w: {**PLACE_FORM, "version": str(w["place"].version)},
         right=["owner", "mod_ams"], wrong=["other", "mod_utr"]),
    Case("revert", lambda w: f"/beheer/place/{_p(w)}/terugzetten/{w['first_revision'].id}",
         lambda w: {"version": str(w["place"].version)}, right=["mod_ams"], wrong=["owner", "other", "mod_utr"]),
    Case("confirm", lambda w: f"/beheer/place/{_p(w)}/bevestigen", lambda w: {},
         right=["owner", "mod_ams"], wrong=["other", "mod_utr"]),
    Case("join", lambda w: f"/beheer/place/{_p(w)}/meebeheren", lambda w: {"motivation": "Ik woon ernaast"},
         right=["newcomer"]),
    Case("decide_join", lambda w: f"/beheer/place/{_p(w)}/verzoeken/{w['join'].id}",
         lambda w: {"decision": "accept"}, right=["owner", "mod_ams"], wrong=["other", "newcomer", "mod_utr"]),
    Case("withdraw_join", lambda w: f"/beheer/place/{_p(w)}/verzoeken/{w['join'].id}/intrekken", lambda w: {},
         right=["other"], wrong=["owner", "newcomer", "mod_utr"]),
    Case("withdraw_proposal", lambda w: f"/plekken/{w['proposal'].id}/intrekken", lambda w: {},
         right=["proposer"], wrong=["other", "mod_utr"]),
    Case("leave", lambda w: f"/beheer/place/{_p(w)}/stoppen", lambda w: {"handover": "moderators"},
         right=["owner"], wrong=["other", "mod_utr"]),
    Case("add_owner", lambda w: f"/beheer/place/{_p(w)}/beheerders", lambda w: {"email": w["newcomer"].email},
         right=["mod_ams"], wrong=["owner", "other", "mod_utr"]),
    Case("remove_owner", lambda w: f"/beheer/place/{_p(w)}/beheerders/{w['owner'].id}/weghalen", lambda w: {},
         right=["mod_ams"], wrong=["owner", "other", "mod_utr"]),
    Case("suggest", lambda w: f"/beheer/place/{_p(w)}/voorstel",
         lambda w: {"name": "Buurthuis De Linde", "category": "community_centre", "hearing_loop": "yes"},
         right=["newcomer"]),
    Case("decide_suggestion", lambda w: f"/beheer/place/{_p(w)}/voorstellen/{w['suggestion'].id}",
         lambda w: {"decision": "accept"}, right=["owner", "mod_ams"], wrong=["other", "newcomer", "mod_utr"]),
    Case("report", lambda w: f"/beheer/place/{_p(w)}/melden",
         lambda w: {"category": "wrong_info", "text": "Het adres klopt niet"}, right=["newcomer"]),
    Case("close_report", lambda w: f"/beheer/place/{_p(w)}/meldingen/{w['access'].id}/sluiten",
         lambda w: {"answer": "De oprit is terug"}, right=["owner", "mod_ams"], wrong=["other", "mod_utr"]),
    Case("close_people_report", lambda w: f"/beheer/place/{_p(w)}/meldingen/{w['people'].id}/sluiten",
         lambda w: {"answer": "We hebben contact opgenomen"}, right=["mod_ams"], wrong=["owner", "other", "mod_utr"]),
    Case("publish", lambda w: f"/moderatie/plekken/{w['proposal'].id}/publiceren", lambda w: {},
         right=["mod_ams"], wrong=["proposer", "other", "mod_utr"]),
    Case("reject", lambda w: f"/moderatie/plekken/{w['proposal'].id}/afwijzen",
         lambda w: {"reason": "Dit is een privétuin"}, right=["mod_ams"], wrong=["proposer", "mod_utr"]),
    Case("decide_hidden", lambda w: f"/moderatie/place/{w['hidden'].id}/besluit",
         lambda w: {"decision": "show", "reason": "Niets ongepasts gevonden"}, right=["mod_ams"],
         wrong=["owner", "other", "mod_utr"]),
]

RIGHT = [(c, who) for c in CASES for who in c.right]
WRONG = [(c, who) for c in CASES for who in c.wrong]


@pytest.mark.parametrize("case,who", RIGHT, ids=[f"{c.name}-{who}" for c, who in RIGHT])
def test_right_role_succeeds(client, act_as, world, case, who):
    before = snapshot()
    act_as(world[who])
    response = client.post(case.url(world), data=case.data(world))
    assert response.status_code == 302, response.text[:2000]
    assert snapshot() != before, "the database should have changed"


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_anonymous_goes_to_login(client, world, case):
    before = snapshot()
    response = client.post(case.url(world), data=case.data(world))
    assert response.status_code == 302
    assert "/inloggen" in response.headers["Location"]
    assert snapshot() == before


@pytest.mark.parametrize("case,who", WRONG, ids=[f"{c.name}-{who}" for c, who in WRONG])
def test_wrong_role_or_gemeente_gets_403_and_nothing_changes(client, act_as, world, case, who):
    before = snapshot()
    act_as(world[who])
    response = client.post(case.url(world), data=case.data(world))
    assert response.status_code == 403, response.text[:2000]
    assert snapshot() == before


@pytest.mark.parametrize("path", ["/moderatie", "/beheer/place/{p}", "/plekken/{p}/bewerken"])
def test_pages_forbidden_for_residents(client, act_as, world, path):
    act_as(world["other"])
    assert client.get(path.format(p=world["place"].id)).status_code == 403


def test_moderator_of_utrecht_sees_only_utrecht(client, act_as, world, make_place):
    make_place("Wijkcentrum Domstad", status="proposed", where=(5.1214, 52.0907))
    act_as(world["mod_utr"])
    page = client.get("/moderatie").text
    assert "Wijkcentrum Domstad" in page
    assert "Speeltuin Het Eiland" not in page
    assert "Er wordt iemand lastiggevallen" not in page
    assert client.get("/moderatie?gemeente=GM0363").status_code == 403
    act_as(world["mod_ams"])
    page = client.get("/moderatie").text
    assert "Speeltuin Het Eiland" in page and "Wijkcentrum Domstad" not in page


def test_admin_sees_every_gemeente(client, act_as, world, make_user, make_place):
    make_place("Wijkcentrum Domstad", status="proposed", where=(5.1214, 52.0907))
    act_as(make_user("Beheerder", role="admin"))
    page = client.get("/moderatie").text
    assert "Wijkcentrum Domstad" in page and "Speeltuin Het Eiland" in page


def test_moderation_nav_item_only_for_moderators(client, act_as, world):
    act_as(world["other"])
    assert 'href="/moderatie"' not in client.get("/plekken/mijn").text
    act_as(world["mod_ams"])
    assert 'href="/moderatie"' in client.get("/plekken/mijn").text


def test_services_refuse_the_wrong_user(world):
    with pytest.raises(NotAllowed):
        place_services.publish_place(world["mod_utr"], world["proposal"])
    with pytest.raises(NotAllowed):
        services.edit_subject(world["other"], world["place"], {"name": "X"}, world["place"].version)
    with pytest.raises(NotAllowed):
        services.revert_to(world["owner"], world["place"], world["first_revision"], world["place"].version)
    with pytest.raises(NotAllowed):
        services.close_report(world["owner"], world["people"], "nee")
    with pytest.raises(NotAllowed):
        services.request_join(world["other"], world["proposal"], "mag ik?")


def test_admin_filters_the_queue_by_gemeente(client, act_as, world, make_user, make_place):
    make_place("Wijkcentrum Domstad", status="proposed", where=(5.1214, 52.0907))
    act_as(make_user("Beheerder", role="admin"))
    page = client.get("/moderatie?gemeente=GM0344").text
    assert "Wijkcentrum Domstad" in page and "Speeltuin Het Eiland" not in page
    assert 'name="gemeente"' in page


def test_mails_link_to_the_page_to_act_on(world):
    from webapp.mail.models import OutboxMail

    services.request_join(world["newcomer"], world["place"], "Ik help mee")
    mail = db.session.scalars(db.select(OutboxMail).where(OutboxMail.kind == "stewardship.join_request")).one()
    assert mail.to_address == world["owner"].email
    assert mail.body.endswith(f"/beheer/place/{world['place'].id}")
