"""Keyboard-only: propose a place, and apply for a startbijdrage (WCAG 2.1.1, 2.4.7, 2.5.7).

No mouse and no map: the place is located with the address, the gemeente and the coordinates; every stop
on the way must show the focus (tests/a11y/keyboard.py)."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from tests.a11y.conftest import login_through_form
from tests.fixtures.browser import PHONE
from tests.fixtures.users import PASSWORD
from webapp.extensions import db

NARROW = {"width": 320, "height": 640}


def _press_enter_and_wait(page) -> None:
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state()


def _type_into(kb, name: str, text: str, **kwargs) -> None:
    kb.tab_to(name, **kwargs)
    kb.page.keyboard.type(text)


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [PHONE, NARROW], ids=["phone", "320"])
def test_propose_a_place_with_the_keyboard_only(app, new_page, make_user, keyboard, viewport):
    assert "places.propose" in app.view_functions, "the propose page (endpoint places.propose) exists"
    user = make_user(name="Noor Toetsenbord")
    page = new_page(viewport=viewport, service_workers="block")
    login_through_form(page, user.email, PASSWORD)
    page.goto("/plekken/voorstellen")
    kb = keyboard(page)
    name = f"Buurtkamer Toetsenbord {viewport['width']}"

    _type_into(kb, name="Naam van de plek", text=name, role="textbox")
    category = kb.tab_to("Soort plek", role="combobox")
    page.keyboard.type("Buurthuis")  # type-ahead in the list
    assert category.input_value() == "community_centre"
    _type_into(kb, "Adres", "Dorpsstraat 12, 1011 AB", role="textbox", exact=True)
    gemeente = page.get_by_role("combobox", name="Gemeente")
    if gemeente.count():
        kb.tab_to("Gemeente", role="combobox", exact=True)
        page.keyboard.type("Amsterdam")
    assert page.evaluate("document.scrollingElement.scrollWidth") <= viewport["width"]

    kb.tab_to("Voorstel versturen", role="button", max_tabs=250)
    _press_enter_and_wait(page)
    if page.get_by_role("button", name="Mijn plek is nieuw: voorstel opslaan").count():
        kb.tab_to("Mijn plek is nieuw: voorstel opslaan", role="button")
        _press_enter_and_wait(page)
    assert page.locator(".error-summary").count() == 0, page.locator(".error-summary").inner_text()
    # No coordinates typed: the address's postcode placed it; the proposer confirms the point.
    assert page.get_by_role("heading", name="Klopt de plek?").count() == 1
    assert page.evaluate("document.scrollingElement.scrollWidth") <= viewport["width"]
    kb = keyboard(page)
    kb.tab_to("Ja, de plek klopt", role="button", max_tabs=250)
    _press_enter_and_wait(page)
    row = db.session.execute(sa.text("select status, category, created_by_id, round(st_y(location)::numeric, 3), "
                                     "round(st_x(location)::numeric, 3) from places where name = :n"),
                             {"n": name}).one()
    assert row[:3] == ("proposed", "community_centre", user.id)
    assert (float(row[3]), float(row[4])) == (52.371, 4.904)  # postcode 1011's point, not the gemeente's centre


@pytest.mark.browser
def test_apply_for_a_startbijdrage_with_the_keyboard_only(app, demo_world, page_as, keyboard):
    assert "grants.apply" in app.view_functions, "the apply page (endpoint grants.apply) exists"
    initiative_id, round_id = demo_world.initiative_to_apply, demo_world.round
    assert initiative_id and round_id, "the demo has an open round and an initiative that can apply"
    owner = db.session.execute(sa.text(
        "select u.email from initiative_owners o join users u on u.id = o.user_id where o.initiative_id = :i "
        "order by o.since limit 1"), {"i": initiative_id}).scalar()
    grant_round = db.session.execute(sa.text(
        "select own_contribution_percent, min_supporters from grant_rounds where id = :r"), {"r": round_id}).one()
    page = page_as("anonymous", service_workers="block")
    login_through_form(page, owner, "buurtplek-demo")
    page.goto(f"/startbijdragen/regeling/{round_id}/aanvragen?initiatief={initiative_id}")
    assert page.get_by_role("heading", level=1).inner_text() == "Startbijdrage aanvragen"
    kb = keyboard(page)

    _type_into(kb, "Wat wilt u doen?", "Samen koken op vrijdag", role="textbox")
    _type_into(kb, "Voor wie is het?", "Buren die alleen wonen.", role="textbox")
    _type_into(kb, "Wanneer is het?", "Elke vrijdag in mei", role="textbox")
    _type_into(kb, "Vertel er meer over", "We koken samen en eten samen.", role="textbox")
    _type_into(kb, "Welk bedrag vraagt u?", "250", role="textbox")
    _type_into(kb, "Waarvoor (regel 1)", "Boodschappen", role="textbox")
    _type_into(kb, "Bedrag (regel 1)", "250", role="textbox")
    if grant_round.own_contribution_percent:
        _type_into(kb, "Eigen bijdrage", str(250 * grant_round.own_contribution_percent // 100 + 1), role="textbox")
    if page.get_by_role("textbox", name=re.compile("Hoeveel buren")).count():
        _type_into(kb, "Hoeveel buren steunen het plan?", str((grant_round.min_supporters or 0) + 5), role="textbox")
    kb.tab_to("Versturen", role="button", exact=True)
    _press_enter_and_wait(page)
    errors = page.locator(".error-summary, .error, .flash-error").all_inner_texts()
    assert not errors, errors
    assert re.search(r"/startbijdragen/aanvraag/\d+$", page.url)
    status = db.session.execute(sa.text(
        "select status from grant_applications where initiative_id = :i and round_id = :r "
        "order by id desc limit 1"), {"i": initiative_id, "r": round_id}).scalar()
    assert status in ("submitted", "provisional")
