"""On a 390 px phone: the initiative form's place picker finds places as the owner types, nearest first
(from "my location"), offers the owner's own proposal, is used with the keyboard only, and the initiative
keeps the chosen place; "Wat is er te doen?" asks "Bedoelt u…?" for an ambiguous place name and searches
from the one chosen. Only the live server is reachable (new_page)."""
from __future__ import annotations

import re
from datetime import date, time

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.areas.search_data import search_data, search_data_committed  # noqa: F401
from webapp.extensions import db
from webapp.initiatives.models import Initiative
from webapp.stewardship import services as stewardship

pytestmark = pytest.mark.browser

PHONE_390 = {"width": 390, "height": 844}
HERE = (4.9000, 52.3700)       # lon, lat of "my location" in the browser
HENGELO_OV = (6.7931, 52.2658)   # Hengelo in the gemeente Hengelo (Overijssel)


def test_the_place_picker_nearest_first_with_the_keyboard(new_page, browser_login, assert_accessible, make_user,
                                                          make_place):
    owner = make_user("Fatima Organisator")
    far = make_place("Buurthuis Veraf", (4.9500, 52.3900))
    near = make_place("Buurthuis Dichtbij", (4.9003, 52.3702))
    proposal = make_place("Buurthuis Eigen Voorstel", (4.9020, 52.3710), status="proposed")
    stewardship.add_owner(proposal, owner)
    db.session.commit()

    page = new_page(viewport=PHONE_390, geolocation={"latitude": HERE[1], "longitude": HERE[0]},
                    permissions=["geolocation"])
    browser_login(page, owner)
    page.goto("/initiatieven/nieuw")
    page.get_by_label("Naam van het initiatief").fill("Samen Koken")
    page.get_by_label("In één zin: wat doet u?").fill("Elke vrijdag samen koken en eten.")
    page.get_by_role("button", name="Plekken dichtbij mij eerst").click()
    field = page.get_by_label("Zoek een plek op naam of adres")
    field.focus()
    page.keyboard.type("buurthuis", delay=20)
    results = page.locator("[data-place-results] li")
    results.nth(2).wait_for()
    status = page.locator("[data-place-status]")
    assert status.get_attribute("aria-live") == "polite"
    expect(status).to_contain_text("3 plekken gevonden")
    texts = results.all_inner_texts()
    assert [t.split(" · ")[0] for t in texts] == ["Buurthuis Dichtbij", "Buurthuis Eigen Voorstel",
                                                  "Buurthuis Veraf"]
    assert "nog niet gepubliceerd" in texts[1] and re.search(r"\d+ m", texts[0])
    assert page.get_by_role("button", name="Plekken dichtbij mij eerst").get_attribute("aria-pressed") == "true"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_accessible(page)

    # The keyboard only: Tab from the field to the found places, Space ticks the nearest one.
    box = page.get_by_role("checkbox", name=re.compile("^Buurthuis Dichtbij"))
    for _ in range(12):
        page.keyboard.press("Tab")
        if box.evaluate("el => el === document.activeElement"):
            break
    assert box.evaluate("el => el === document.activeElement")
    page.keyboard.press("Space")
    assert box.is_checked()
    # Typing again keeps the ticked place and finds new ones.
    field.fill("veraf")
    expect(results).to_have_count(2)
    assert box.is_checked()
    page.get_by_label("Gratis", exact=True).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Initiatief starten").click()
    assert page.locator("h1").inner_text() == "Activiteit toevoegen"
    db.session.expire_all()
    initiative = db.session.scalars(select(Initiative).where(Initiative.title == "Samen Koken")).one()
    assert [p.id for p in initiative.places] == [near.id]
    assert far.id and proposal.id


def test_whats_on_asks_which_place_is_meant(new_page, assert_accessible, search_data, make_user, make_place,  # noqa: F811
                                            make_initiative, add_activity):
    owner = make_user("Eigenaar Hengelo")
    place = make_place("Wijkcentrum Hengelo", HENGELO_OV)
    initiative = make_initiative(owner, "Hengelose Repaircafé", place)
    add_activity(initiative, owner, starts_on=date.today(), start=time(23, 58), end=time(23, 59), frequency="weekly")

    page = new_page(viewport=PHONE_390)
    page.goto("/wat-is-er-te-doen")
    page.get_by_label("Postcode of plaats").fill("Hengelo")
    with page.expect_navigation():
        page.get_by_label("Postcode of plaats").press("Enter")
    heading = page.get_by_role("heading", name="Bedoelt u…?")
    assert heading.is_visible()
    choices = page.locator(".did-you-mean a")
    labels = choices.all_inner_texts()
    assert len(labels) >= 2 and all("Hengelo" in label for label in labels)
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Hengelo (gemeente Hengelo)").click()
    assert page.get_by_role("heading", name="Bedoelt u…?").count() == 0
    assert "vanaf het centrum van Hengelo" in page.locator(".origin").inner_text()
    assert "Hengelose Repaircafé" in page.locator("main").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_accessible(page)
