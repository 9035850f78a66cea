"""Search and filter places with the keyboard only (WCAG 2.1.1, 2.4.7): no mouse, focus always visible."""
from __future__ import annotations

import re

import pytest

from tests.fixtures.browser import PHONE


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [PHONE, {"width": 320, "height": 640}], ids=["phone", "320"])
def test_search_and_filter_with_the_keyboard_only(app, demo_world, new_page, keyboard, viewport):
    assert "places.search" in app.view_functions, "the places search page (endpoint places.search) exists"
    page = new_page(viewport=viewport, service_workers="block")
    page.goto("/plekken")
    kb = keyboard(page)

    # Choose the gemeente by typing its name in the list (type-ahead), like a keyboard user does.
    gemeente = kb.tab_to("Gemeente", role="combobox")
    page.keyboard.type("Amsterdam")
    assert gemeente.input_value() == "GM0363"

    # Open the filters (a <details>) with Enter, tick "Gratis" with Space.
    kb.tab_to("Filters")
    page.keyboard.press("Enter")
    free = kb.tab_to("Gratis", role="checkbox", exact=True)
    page.keyboard.press("Space")
    assert free.is_checked()

    kb.tab_to("Zoeken", role="button", exact=True)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"gemeente=GM0363"))
    assert "free=1" in page.url
    assert page.evaluate("document.scrollingElement.scrollWidth") <= viewport["width"]

    # The results are a list; open the first place with the keyboard.
    results = page.locator(".place-list h3 a")
    assert results.count() > 0, "the demo has free places in Amsterdam"
    name = results.first.inner_text()
    kb.tab_to(name, role="link", exact=True, max_tabs=200)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("heading", level=1).inner_text() == name
    # Back to the results, and the filter is still there.
    page.go_back()
    assert "free=1" in page.url
