"""The map in a real Chromium: a place name that looks like a template, a script or a tag shows as that
literal text in the marker's popup and title (issue 10, finding 1), and the map still works (markers,
keyboard, a tap searches from there)."""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from tests.fixtures.browser import DESKTOP
from tests.places.conftest import DAM, offset

CANARY = 'Zaal {{7*7}} {% raw %} <script>window.__canary=1</script> "><img src=x onerror="window.__canary=2"> =1+1'


@pytest.mark.browser
@pytest.mark.parametrize("view", ["search", "detail"])
def test_popup_shows_a_template_name_as_literal_text(new_page, make_place, view):
    place = make_place(*offset(*DAM, 50), name=CANARY, commit=True)
    page = new_page(viewport=DESKTOP)
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"/plekken?lat={DAM[1]}&lon={DAM[0]}&view=kaart" if view == "search" else f"/plekken/{place.id}")
    marker = page.locator(".leaflet-marker-icon").first
    marker.wait_for()
    assert marker.get_attribute("title") == CANARY      # keyboard and screen reader users get the name too
    assert marker.get_attribute("alt") == CANARY
    marker.focus()
    page.keyboard.press("Enter")                        # Leaflet opens the popup from the keyboard
    link = page.locator(".leaflet-popup-content a")
    link.wait_for()
    assert link.inner_text() == CANARY
    assert link.get_attribute("href") == f"/plekken/{place.id}"
    assert page.locator(".leaflet-popup-content img").count() == 0
    assert page.evaluate("window.__canary") is None
    assert not errors, errors


@pytest.mark.browser
def test_a_tap_on_the_map_searches_from_there(new_page, make_place):
    make_place(*offset(*DAM, 50), name="Buurthuis De Tap", commit=True)
    page = new_page(viewport=DESKTOP)
    page.goto(f"/plekken?lat={DAM[1]}&lon={DAM[0]}&view=kaart&free=1")
    page.locator(".leaflet-container").wait_for()
    box = page.locator(".leaflet-container").bounding_box()
    page.mouse.click(box["x"] + 20, box["y"] + box["height"] / 2)
    page.wait_for_url(lambda url: "lon=" in url and float(parse_qs(urlsplit(url).query)["lon"][0]) < DAM[0] - 0.001)
    query = parse_qs(urlsplit(page.url).query)
    assert query["view"] == ["kaart"] and query["free"] == ["1"]   # the other filters stay
