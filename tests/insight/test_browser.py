"""The insight pages in a real Chromium: axe-core finds no violations (phone and desktop), the map draws
every buurt from the JSON block, a hostile buurt name shows as text, and a resident checks in by keyboard."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.fixtures.browser import DESKTOP, PHONE, axe_violations
from tests.insight.conftest import UTRECHT_DOM
from tests.insight.test_gap import SPLIT
from webapp.extensions import db
from webapp.insight import services
from webapp.stewardship import services as stewardship

pytestmark = pytest.mark.browser
CANARY = 'Wijk {{7*7}} <script>window.__canary=1</script> "><img src=x onerror="window.__canary=2"> =1+1'


def _accessible(page, label):
    for viewport in (PHONE, DESKTOP):
        page.set_viewport_size(viewport)
        violations = axe_violations(page)
        assert not violations, f"{label} at {viewport}:\n" + "\n".join(violations)


def test_insight_page_is_accessible_and_the_map_draws_every_buurt(new_page):
    page = new_page(viewport=DESKTOP)
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto("/inzicht/GM0344")
    page.wait_for_function("document.querySelectorAll('#insight-map path.leaflet-interactive').length === 111")
    _accessible(page, "/inzicht/GM0344")
    page.goto("/inzicht/GM0344?sort=access&order=desc")
    _accessible(page, "sorted")
    assert not errors, errors


@pytest.fixture
def hostile_buurt(app, buurten_file):
    services.load_buurten(buurten_file([("BU00140009", CANARY, 100, SPLIT.wkt)]))
    yield
    db.session.execute(sa.text("delete from buurten where code = 'BU00140009'"))
    db.session.commit()


def test_a_hostile_buurt_name_shows_as_text_in_the_map(new_page, hostile_buurt):
    page = new_page(viewport=DESKTOP)
    page.goto("/inzicht/GM0014")
    shape = page.locator("#insight-map path.leaflet-interactive").first
    shape.wait_for()
    shape.hover()
    tooltip = page.locator(".leaflet-tooltip strong")
    tooltip.wait_for()
    assert tooltip.inner_text() == CANARY
    assert page.locator(".leaflet-tooltip img").count() == 0
    assert page.evaluate("window.__canary") is None
    assert page.locator("table th[scope=row]").first.inner_text() == CANARY


def test_resident_checks_in_with_the_keyboard_and_pages_are_accessible(new_page, browser_login, make_user, make_place):
    place = make_place(lonlat=UTRECHT_DOM, name="Buurthuis De Toets")
    owner, resident = make_user(), make_user()
    stewardship.add_owner(place, owner)
    db.session.commit()
    page = new_page()
    browser_login(page, resident)
    page.goto(f"/plekken/{place.id}")
    _accessible(page, "place page with the form")
    for statement, answer in (("Mensen gaan hier prettig met elkaar om", "4 · mee eens"),
                              ("Ik voelde me hier welkom", "5 · helemaal mee eens"),
                              ("Anderen stonden open voor mij", "3 · neutraal")):
        page.get_by_role("group", name=statement).get_by_label(answer).check()
    page.get_by_role("button", name="Versturen").focus()
    page.keyboard.press("Enter")
    page.get_by_text("Dank u wel. Uw antwoorden tellen mee").wait_for()
    assert page.get_by_text("U heeft deze maand al verteld").count() == 1
    _accessible(page, "place page after checking in")
    page.goto(f"/plekken/{place.id}/hoe-voelde-het")
    _accessible(page, "check-in page")
    owner_page = new_page()
    browser_login(owner_page, owner)
    owner_page.goto(f"/inzicht/plek/{place.id}")
    assert "Cijfers per maand" in owner_page.content()
    _accessible(owner_page, "owner's figures")


def test_moderator_page_is_accessible(new_page, browser_login, make_user):
    page = new_page()
    browser_login(page, make_user(role="moderator", gemeente="GM0344"))
    page.goto("/inzicht/GM0344/antwoorden-verwijderen")
    _accessible(page, "moderator form")
    page.get_by_role("button", name="Antwoorden van dit account verwijderen").click()
    page.get_by_text("Vul het e-mailadres in").first.wait_for()
    _accessible(page, "moderator form with an error")
