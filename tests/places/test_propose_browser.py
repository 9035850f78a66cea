"""On a 390 px phone, keyboard only: propose a place in steps (address -> geocoded point -> "klopt" ->
accessibility -> skip -> opening hours), with axe-core finding nothing on each step."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.a11y.conftest import login_through_form
from tests.a11y.keyboard import keyboard  # noqa: F401  (the `keyboard` fixture)
from tests.areas.search_data import search_data, search_data_committed  # noqa: F401
from tests.fixtures.browser import axe_violations
from tests.fixtures.users import PASSWORD
from webapp.extensions import db

PHONE_390 = {"width": 390, "height": 844}


def _enter_and_wait(page) -> None:
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state()


def _no_axe_violations(page) -> None:
    violations = axe_violations(page)
    assert violations == [], f"{page.url}: {violations}"
    assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE_390["width"]


@pytest.mark.browser
@pytest.mark.usefixtures("search_data")
def test_propose_a_place_in_steps_with_the_keyboard_only(app, new_page, make_user, keyboard):  # noqa: F811
    user = make_user(name="Noor Stappen")
    page = new_page(viewport=PHONE_390, service_workers="block")
    login_through_form(page, user.email, PASSWORD)
    page.goto("/plekken/voorstellen")
    _no_axe_violations(page)
    kb = keyboard(page)
    kb.tab_to("Naam van de plek", role="textbox")
    page.keyboard.type("Buurtkamer Stappen")
    kb.tab_to("Soort plek", role="combobox")
    page.keyboard.type("Buurthuis")
    kb.tab_to("Adres", role="textbox", exact=True)
    page.keyboard.type("Oudegracht 1, 3511 AB Utrecht")
    kb.tab_to("Voorstel versturen", role="button", max_tabs=250)
    _enter_and_wait(page)

    assert page.get_by_role("heading", name="Klopt de plek?").count() == 1
    _no_axe_violations(page)
    kb = keyboard(page)
    kb.tab_to("Ja, de plek klopt", role="button", max_tabs=250)
    _enter_and_wait(page)

    assert "stap=2" in page.url
    _no_axe_violations(page)
    kb = keyboard(page)
    kb.tab_to("Opslaan en verder", role="button", max_tabs=250)
    _enter_and_wait(page)

    assert "stap=3" in page.url
    _no_axe_violations(page)
    kb = keyboard(page)
    kb.tab_to("Stap overslaan", role="link", max_tabs=250)
    _enter_and_wait(page)

    assert "stap=4" in page.url
    _no_axe_violations(page)
    kb = keyboard(page)
    kb.tab_to("Ik ken de OpenStreetMap-schrijfwijze", max_tabs=250)
    page.keyboard.press("Enter")  # opens the disclosure with the raw syntax
    kb.tab_to("Openingstijden", role="textbox", exact=True, max_tabs=250)
    page.keyboard.type("Mo-Fr 09:00-17:00")
    kb.tab_to("Opslaan en afronden", role="button", max_tabs=250)
    _enter_and_wait(page)

    assert page.url.endswith("/plekken/mijn")
    db.session.expire_all()
    row = db.session.execute(sa.text("select status, category, opening_hours, created_by_id from places "
                                     "where name = 'Buurtkamer Stappen'")).one()
    assert row == ("proposed", "community_centre", "Mo-Fr 09:00-17:00", user.id)
