"""Keyboard-only choice of a point on the map (WCAG 2.1.1 keyboard, 2.5.7 dragging): focus the map, pan
it with the arrow keys, and take its centre with the "use the centre of the map" button."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.a11y.conftest import login_through_form
from tests.fixtures.browser import PHONE
from tests.fixtures.users import PASSWORD

PANNING = re.compile(r"\bleaflet-pan-anim\b")


def _wait_until_the_pan_ends(page) -> None:
    # Leaflet marks the map pane with leaflet-pan-anim while it animates a pan and removes it at the end.
    expect(page.locator(".leaflet-map-pane")).not_to_have_class(PANNING)


@pytest.mark.browser
def test_pick_a_place_on_the_map_with_the_keyboard(app, new_page, make_user, keyboard):
    user = make_user(name="Sam Pijltjes")
    page = new_page(viewport=PHONE, service_workers="block")
    login_through_form(page, user.email, PASSWORD)
    page.goto("/plekken/voorstellen")
    lat, lon = page.locator("[name=lat]"), page.locator("[name=lon]")
    assert lat.input_value() == "" and lon.input_value() == ""

    kb = keyboard(page)
    kb.tab_to("Kaart: tik op de plek", role="region")
    centre_before = page.evaluate("document.activeElement.classList.contains('leaflet-container')")
    assert centre_before, "the map itself takes the keyboard focus"
    for _ in range(3):
        page.keyboard.press("ArrowRight")  # pans east
    _wait_until_the_pan_ends(page)
    kb.tab_to("Gebruik het midden van de kaart", role="button")
    page.keyboard.press("Enter")

    first_lon = float(lon.input_value())
    assert 50.0 < float(lat.input_value()) < 54.0  # the map starts over the Netherlands
    page.get_by_role("region", name="Kaart: tik op de plek").focus()
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    _wait_until_the_pan_ends(page)
    page.get_by_role("button", name="Gebruik het midden van de kaart").focus()
    page.keyboard.press("Enter")
    assert float(lon.input_value()) > first_lon, "panning east with the arrow keys moves the chosen point east"
