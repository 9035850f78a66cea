"""Search by postcode or place on a 390 px phone: the plain form, the combobox driven by keyboard only,
and an empty search whose counted next step works. Only the live server is reachable (new_page)."""
from __future__ import annotations

import pytest

from tests.areas.search_data import search_data, search_data_committed  # noqa: F401
from tests.places.conftest import offset

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("search_data")]

PHONE_390 = {"width": 390, "height": 844}
PC3511 = (5.1174, 52.0886)
LEEUWARDEN = (5.80859, 53.20139)


@pytest.fixture
def places(make_place):
    return [make_place(*offset(*PC3511, 250), name="Buurthuis Oudegracht", gemeente_code="GM0344",
                       wheelchair="yes", toilets_wheelchair="yes", commit=True),
            make_place(*offset(*PC3511, 6400), name="Stilte Zes", gemeente_code="GM0344", quiet_space="yes",
                       commit=True),
            make_place(*offset(*LEEUWARDEN, 200), name="Wijkcentrum Leeuwarden", gemeente_code="GM0080",
                       commit=True)]


def _search(page, text):
    page.goto("/plekken")
    page.locator("#q").fill(text)
    with page.expect_navigation():
        page.locator("#search-submit").click()


@pytest.mark.parametrize("text,found,origin", [
    ("3511", "Buurthuis Oudegracht", "vanaf postcode 3511"),
    ("Leeuwarden", "Wijkcentrum Leeuwarden", "vanaf het centrum van Leeuwarden"),
    ("Ljouwert", "Wijkcentrum Leeuwarden", "vanaf het centrum van Leeuwarden"),
])
def test_typed_place_finds_places_there(new_page, assert_accessible, places, text, found, origin):
    page = new_page(viewport=PHONE_390)
    _search(page, text)
    assert page.locator(".place-card h3").all_inner_texts() == [found]
    assert origin in page.locator(".origin").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_accessible(page)


def test_combobox_with_the_keyboard_only(new_page, assert_accessible, places):
    page = new_page(viewport=PHONE_390)
    page.goto("/plekken")
    field = page.locator("#q")
    assert field.get_attribute("role") == "combobox" and field.get_attribute("aria-expanded") == "false"
    listbox_id = field.get_attribute("aria-controls")
    field.focus()
    page.keyboard.type("ljouw", delay=30)
    listbox = page.locator(f"#{listbox_id}")
    listbox.locator("[role=option]").first.wait_for()
    assert listbox.get_attribute("role") == "listbox"
    assert field.get_attribute("aria-expanded") == "true"
    assert field.get_attribute("aria-activedescendant") is None
    page.keyboard.press("ArrowDown")
    first = listbox.locator("[role=option]").first
    assert field.get_attribute("aria-activedescendant") == first.get_attribute("id")
    assert first.get_attribute("aria-selected") == "true" and first.inner_text() == "Leeuwarden"
    assert_accessible(page)
    page.keyboard.press("Escape")
    assert field.get_attribute("aria-expanded") == "false" and listbox.is_hidden()
    assert field.get_attribute("aria-activedescendant") is None and field.input_value() == "ljouw"
    page.keyboard.press("ArrowDown")  # opens the list again
    assert field.get_attribute("aria-expanded") == "true"
    page.keyboard.press("ArrowDown")
    assert field.get_attribute("aria-activedescendant") == first.get_attribute("id")
    page.keyboard.press("Enter")
    assert field.input_value() == "Leeuwarden" and field.get_attribute("aria-expanded") == "false"
    page.keyboard.press("Enter")  # the form is sent
    page.wait_for_url("**/plekken?*q=Leeuwarden*")
    assert page.locator(".place-card h3").all_inner_texts() == ["Wijkcentrum Leeuwarden"]


def test_an_empty_search_offers_a_counted_step_that_works(new_page, assert_accessible, places):
    page = new_page(viewport=PHONE_390)
    page.goto("/plekken?q=3511&need=quiet_space")
    assert page.locator(".place-card").count() == 0
    nearest = page.get_by_role("link", name="Toon de dichtstbijzijnde die aan alles voldoet: 6,4 km")
    assert_accessible(page)
    with page.expect_navigation():
        nearest.click()
    assert page.locator(".place-card h3").all_inner_texts() == ["Stilte Zes"]
    chip = page.locator("a.chip")
    assert chip.count() == 1
    with page.expect_navigation():
        chip.click()
    assert page.locator("a.chip").count() == 0


def test_colofon_is_accessible(new_page, assert_accessible):
    page = new_page(viewport=PHONE_390)
    page.goto("/colofon")
    assert "GeoNames" in page.locator("main").inner_text()
    assert_accessible(page)
