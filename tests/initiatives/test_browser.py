"""Phone-sized browser test: start an initiative → add a weekly activity → a resident finds it in
"Wat is er te doen?" and says "doe mee". axe-core checks every page on the way."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.fixtures.browser import PHONE
from tests.initiatives.conftest import AMSTERDAM


@pytest.mark.browser
def test_start_initiative_add_activity_resident_joins(new_page, browser_login, assert_accessible, make_user,
                                                      make_place):
    owner = make_user("Ans Organisator")
    resident = make_user("Samir Buurman")
    make_place("Bibliotheek Dapperbuurt", AMSTERDAM, wheelchair="yes")

    page = new_page(viewport=PHONE)
    browser_login(page, owner)
    page.goto("/initiatieven/nieuw")
    assert_accessible(page)
    page.get_by_label("Naam van het initiatief").fill("Breiclub De Steek")
    page.get_by_label("In één zin: wat doet u?").fill("Samen breien en koffie drinken.")
    page.get_by_label("Ontmoeting").check()
    page.get_by_label("Zoek een plek op naam of adres").fill("Dapper")
    with page.expect_navigation():
        page.get_by_role("button", name="Plek zoeken").click()
    assert_accessible(page)
    page.get_by_label("Bibliotheek Dapperbuurt").check()
    page.get_by_label("Gratis", exact=True).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Initiatief starten").click()

    # Straight on to the first activity.
    assert page.locator("h1").inner_text() == "Activiteit toevoegen"
    assert_accessible(page)
    tomorrow = date.today() + timedelta(days=1)
    page.get_by_label("Naam van de activiteit").fill("Brei-avond")
    page.get_by_label("Datum (de eerste keer)").fill(tomorrow.isoformat())
    page.get_by_label("Begintijd").fill("19:30")
    page.get_by_label("Eindtijd").fill("21:00")
    page.get_by_label("Elke week", exact=True).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Opslaan").click()
    assert page.locator("h1").inner_text() == "Breiclub De Steek"
    assert "19:30" in page.locator("#when-heading + ul").inner_text()
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # A neighbour finds it in "Wat is er te doen?" (location in the URL: no JavaScript needed).
    other = new_page(viewport=PHONE)
    browser_login(other, resident)
    other.goto(f"/wat-is-er-te-doen?lat={AMSTERDAM[1]}&lon={AMSTERDAM[0]}&radius=2000")
    assert_accessible(other)
    assert other.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    with other.expect_navigation():
        other.get_by_role("link", name="Breiclub De Steek").first.click()
    assert_accessible(other)
    with other.expect_navigation():
        other.get_by_role("link", name="Ik doe mee").click()
    assert_accessible(other)
    other.get_by_label("Bericht aan de organisatoren (mag leeg blijven)").fill("Ik kan nog niet breien!")
    with other.expect_navigation():
        other.get_by_role("button", name="Ik doe mee").click()
    assert "U doet mee" in other.content()
    assert_accessible(other)

    # The owner sees who joined.
    with page.expect_navigation():
        page.get_by_role("link", name="Wie doen er mee").click()
    assert "Samir Buurman" in page.content() and "Ik kan nog niet breien!" in page.content()
    assert_accessible(page)


@pytest.mark.browser
def test_whats_on_choosing_a_gemeente_and_poster(new_page, assert_accessible, make_user, make_place):
    page = new_page(viewport=PHONE)
    page.goto("/wat-is-er-te-doen")
    assert_accessible(page)
    page.get_by_label("Gemeente").select_option(label="Utrecht")
    page.get_by_label("Toegankelijk met rolstoel: ja").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Zoeken").click()
    assert "gemeente=GM0344" in page.url and "access=wheelchair" in page.url
    assert_accessible(page)
