"""The whole co-beheer flow in a real browser at phone size, with axe-core on every page."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.fixtures.browser import PHONE
from webapp.extensions import db
from webapp.places.models import Place


@pytest.mark.browser
def test_propose_publish_join_accept_edit_revert(new_page, browser_login, assert_accessible, make_user):
    proposer = make_user("Anouk Proposer")
    neighbour = make_user("Bilal Buurman")
    moderator = make_user("Mo Moderator", role="moderator", gemeente="GM0363")

    # 1. A resident proposes a place.
    page = new_page(viewport=PHONE)
    browser_login(page, proposer)
    page.goto("/plekken/voorstellen")
    assert page.locator("h1").count() == 1
    assert_accessible(page)
    page.get_by_label("Naam van de plek").fill("Buurtkamer De Vlinder")
    page.get_by_label("Soort plek").select_option("community_centre")
    page.get_by_label("Wat kun je hier doen?").fill("Koffie drinken en een praatje maken.")
    # Step 1, the essentials: where is an address; its postcode places the point, the proposer confirms it.
    page.get_by_label("Adres", exact=True).fill("Dorpsstraat 12, 1011 AB Amsterdam")
    page.get_by_role("button", name="Voorstel versturen").click()
    page.get_by_role("heading", name="Klopt de plek?").wait_for()
    page.get_by_role("button", name="Ja, de plek klopt").click()
    # Step 2, accessibility. No toilet: the wheelchair-toilet question disappears.
    page.wait_for_url(re.compile(r"stap=2"))
    page.locator("fieldset", has_text="Toegankelijk met rolstoel").get_by_label("Ja", exact=True).check()
    page.locator("fieldset", has_text="Toilet aanwezig").get_by_label("Nee", exact=True).check()
    assert page.locator("fieldset", has_text="Toilet voor rolstoel").is_hidden()
    page.get_by_role("button", name="Opslaan en verder").click()
    # Step 3 (safety and house rules) is skipped; step 4: times per weekday become the OSM text.
    page.wait_for_url(re.compile(r"stap=3"))
    page.get_by_role("link", name="Stap overslaan").click()
    page.wait_for_url(re.compile(r"stap=4"))
    for day in ("maandag", "dinsdag", "woensdag"):
        times = page.locator("fieldset", has_text=day)
        times.get_by_label("Van").fill("09:00")
        times.get_by_label("Tot").fill("17:00")
    page.get_by_role("button", name="Opslaan en afronden").click()
    page.wait_for_url(re.compile(r"/plekken/mijn$"))
    assert "Wacht op een moderator" in page.content()
    assert_accessible(page)
    place = db.session.scalars(select(Place).where(Place.name == "Buurtkamer De Vlinder")).one()
    assert place.opening_hours == "Mo-We 09:00-17:00" and place.wheelchair == "yes"

    # 2. The moderator of Amsterdam publishes it.
    mod_page = new_page(viewport=PHONE)
    browser_login(mod_page, moderator)
    mod_page.goto("/moderatie")
    assert_accessible(mod_page)
    with mod_page.expect_navigation():
        mod_page.get_by_role("button", name=re.compile(r"^Publiceren\s*: Buurtkamer De Vlinder")).click()
    db.session.expire_all()
    assert db.session.get(Place, place.id).status == "published"

    # 3. A neighbour asks to join.
    other_page = new_page(viewport=PHONE)
    browser_login(other_page, neighbour)
    other_page.goto(f"/beheer/place/{place.id}/meebeheren")
    assert_accessible(other_page)
    other_page.get_by_label("Waarom wilt u mee beheren?").fill("Ik woon om de hoek en zet graag koffie.")
    with other_page.expect_navigation():
        other_page.get_by_role("button", name="Vraag versturen").click()

    # 4. The co-owner accepts.
    page.goto(f"/beheer/place/{place.id}")
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile(r"^Accepteren\s*: Bilal Buurman")).click()
    assert "Bilal Buurman" in page.locator("#owners-heading + ul").inner_text()

    # 5. The new co-owner edits the place.
    other_page.goto(f"/plekken/{place.id}/bewerken")
    assert_accessible(other_page)
    other_page.get_by_label("Wat kun je hier doen?").fill("Dit is fout")
    with other_page.expect_navigation():
        other_page.get_by_role("button", name="Opslaan").click()
    db.session.expire_all()
    assert db.session.get(Place, place.id).description == "Dit is fout"

    # 6. The moderator reverts that edit from the history page.
    mod_page.goto(f"/plekken/{place.id}/geschiedenis")
    assert_accessible(mod_page)
    with mod_page.expect_navigation():
        mod_page.locator("li.card").nth(1).get_by_role("button", name=re.compile("Terugzetten")).click()
    assert_accessible(mod_page)
    db.session.expire_all()
    assert db.session.get(Place, place.id).description == "Koffie drinken en een praatje maken."
    assert "Teruggezet" in mod_page.content()


@pytest.mark.browser
def test_every_stewardship_page_is_accessible_and_fits_320px(new_page, browser_login, assert_accessible, make_user):
    from webapp.initiatives.models import Initiative
    from webapp.places import services as place_services
    from webapp.stewardship import services

    owner = make_user("Olga Eigenaar")
    neighbour = make_user("Nadia Buur")
    moderator = make_user("Mo Moderator", role="moderator", gemeente="GM0363")
    place = Place(name="Wijkcentrum <script>alert(1)</script>", category="community_centre", status="published",
                  location=services.make_point(4.9, 52.36), gemeente_code="GM0363",
                  description='Een "onerror=alert(1) lange beschrijving zonderspatiesdieheelerglangisomtezienofhetpast')
    db.session.add(place)
    db.session.flush()
    services.add_owner(place, owner)
    services.edit_subject(owner, place, {"wheelchair": "yes", "house_rules": "Iedereen welkom"}, place.version)
    services.request_join(neighbour, place, "Ik help graag")
    services.suggest_edit(neighbour, place, {"hearing_loop": "yes"}, note="Er hangt een bordje")
    services.report(neighbour, place, "access_barrier", "De oprit is weg")
    services.report(neighbour, place, "people_safety", "Iemand wordt lastiggevallen")
    rejected = place_services.propose_place(owner, {"name": "Mijn tuin", "category": "garden"}, 4.9, 52.36)
    place_services.reject_place(moderator, rejected, "Dit is een privétuin.")
    hidden = Initiative(title="Verborgen initiatief", gemeente_code="GM0363", hidden=True)
    db.session.add(hidden)
    db.session.commit()

    owner_page = new_page(viewport=PHONE)
    browser_login(owner_page, owner)
    neighbour_page = new_page(viewport=PHONE)
    browser_login(neighbour_page, neighbour)
    mod_page = new_page(viewport=PHONE)
    browser_login(mod_page, moderator)
    anonymous = new_page(viewport=PHONE)

    visits = [
        (anonymous, f"/plekken/{place.id}"),
        (owner_page, f"/plekken/{place.id}"),
        (owner_page, f"/beheer/place/{place.id}"),
        (owner_page, "/plekken/mijn"),
        (owner_page, f"/plekken/{place.id}/bewerken"),
        (neighbour_page, f"/plekken/{place.id}"),
        (neighbour_page, f"/beheer/place/{place.id}/voorstel"),
        (neighbour_page, f"/beheer/place/{place.id}/melden"),
        (neighbour_page, f"/beheer/place/{place.id}/meebeheren"),
        (neighbour_page, "/plekken/voorstellen"),
        (mod_page, "/moderatie"),
        (mod_page, f"/beheer/place/{place.id}"),
        (anonymous, f"/plekken/{place.id}/geschiedenis"),
    ]
    for page, path in visits:
        response = page.goto(path)
        assert response.status == 200, path
        assert page.locator("h1").count() == 1, path
        assert "<script>alert(1)</script>" not in page.content()
        assert_accessible(page)
        page.set_viewport_size({"width": 320, "height": 640})
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), f"{path} scrolls sideways"
        page.set_viewport_size(PHONE)

    # A form with errors: announced, linked, and still accessible.
    neighbour_page.goto(f"/beheer/place/{place.id}/melden")
    with neighbour_page.expect_navigation():
        neighbour_page.get_by_role("button", name="Melding versturen").click()
    assert neighbour_page.locator("#error-summary").count() == 1
    assert_accessible(neighbour_page)

    # An edit conflict page.
    owner_page.goto(f"/plekken/{place.id}/bewerken")
    services.edit_subject(moderator, db.session.get(Place, place.id), {"phone": "020-1234567"},
                          db.session.get(Place, place.id).version)
    db.session.commit()
    owner_page.get_by_label("Spelregels (huisregels)").fill("Mijn nieuwe regels")
    with owner_page.expect_navigation():
        owner_page.get_by_role("button", name="Opslaan").click()
    assert "net veranderd" in owner_page.content()
    assert owner_page.get_by_label("Spelregels (huisregels)").input_value() == "Mijn nieuwe regels"
    assert_accessible(owner_page)


@pytest.mark.browser
def test_closed_place_refusal_page_is_accessible(new_page, browser_login, assert_accessible, make_user, make_place):
    resident = make_user("Cor Gesloten")
    place = make_place("Buurtkamer De Oude Bakkerij", status="closed")
    page = new_page(viewport=PHONE)
    browser_login(page, resident)
    response = page.goto(f"/beheer/place/{place.id}/meebeheren")
    assert response.status == 409
    assert "is gesloten" in page.locator("main").inner_text()
    assert page.locator("h1").count() == 1
    assert_accessible(page)
