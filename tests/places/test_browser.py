"""The search page in a real Chromium: accessible at 375x667, works with JavaScript off, loads nothing
from another host (map tiles come from TILE_URL and are the only exception), popups show names as text."""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.fixtures.browser import DESKTOP, PHONE
from tests.places.conftest import DAM, offset

XSS = '<img src=x onerror="window.__xss=1">${window.__xss=2}'


@pytest.fixture
def places(make_place):
    made = [make_place(*offset(*DAM, 150), name="Buurthuis De Linde", wheelchair="yes", hearing_loop="limited",
                       opening_hours="24/7", cost="free", activities=["walk_in"], host_present="yes",
                       house_rules_published="yes", commit=True),
            make_place(*offset(*DAM, -400, 300), name="Bibliotheek Het Anker", category="library",
                       step_free_entrance="no", commit=True),
            make_place(5.1214, 52.0907, name="Moestuin De Wilg", category="garden", gemeente_code="GM0344",
                       commit=True)]
    return made


def _requests(page):
    seen = []
    page.on("request", lambda request: seen.append(request.url))
    return seen


def _foreign(urls, live_server, tile_url):
    tile_host = urlsplit(tile_url.replace("{s}", "a")).netloc
    own = urlsplit(live_server).netloc
    return [u for u in urls if urlsplit(u).netloc not in (own, tile_host, "") and not u.startswith(("data:", "blob:"))]


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_search_page_is_accessible(new_page, assert_accessible, places, viewport, live_server, app):
    page = new_page(viewport=viewport)
    seen = _requests(page)
    page.goto(f"/plekken?lat={DAM[1]}&lon={DAM[0]}")
    assert page.locator("h1").count() == 1
    assert page.locator(".place-card").count() == 2
    assert page.locator(".place-card h3").first.inner_text() == "Buurthuis De Linde"
    page.get_by_text("Zoeken aanpassen").click()
    page.locator(".filters > summary").click()
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert not _foreign(seen, live_server, app.config["TILE_URL"])
    page.goto("/")
    assert_accessible(page)


@pytest.mark.browser
def test_list_works_with_javascript_off(browser, live_server, places):
    context = browser.new_context(viewport=PHONE, locale="nl-NL", base_url=live_server, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/")
        assert not page.get_by_role("button", name="Gebruik mijn locatie").is_visible()
        page.get_by_label("Gemeente").select_option(label="Utrecht")
        with page.expect_navigation():
            page.get_by_role("button", name="Zoeken").click()
        assert "gemeente=GM0344" in page.url
        assert page.locator(".place-card h3").all_inner_texts() == ["Moestuin De Wilg"]
        page.get_by_role("link", name="Moestuin De Wilg").click()
        assert page.locator("h1").inner_text() == "Moestuin De Wilg"
        page.go_back()
        assert "gemeente=GM0344" in page.url
        # filters by form only, no script
        page.goto(f"/plekken?lat={DAM[1]}&lon={DAM[0]}")
        page.get_by_text("Zoeken aanpassen").click()
        page.locator(".filters > summary").click()
        page.get_by_label("Ingang zonder drempel of trap").check()
        page.get_by_role("button", name="Zoeken").click()
        assert "need=step_free_entrance" in page.url
        assert page.locator(".place-card").count() == 0
    finally:
        context.close()


@pytest.mark.browser
def test_map_view_loads_nothing_from_another_host(new_page, assert_accessible, places, live_server, app, make_place):
    for i in range(55):
        make_place(*offset(*DAM, 30 * (i % 8), 30 * (i // 8)), name=f"Plek {i}", commit=True)
    page = new_page(viewport=PHONE)
    seen = _requests(page)
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" and "net::" not in msg.text else None)
    page.goto(f"/plekken?lat={DAM[1]}&lon={DAM[0]}&view=kaart&limit=100")
    page.wait_for_selector(".leaflet-container")
    page.wait_for_selector(".marker-cluster")          # more than 50 markers: clustered
    assert not _foreign(seen, live_server, app.config["TILE_URL"]), _foreign(seen, live_server, app.config["TILE_URL"])
    assert any("/vendor/leaflet/leaflet.js" in u for u in seen)
    assert not [e for e in errors if "Content Security Policy" in e or "ReferenceError" in e], errors
    assert page.locator(".place-card").count() == 57     # the list is still there under the map
    assert_accessible(page)


@pytest.mark.browser
def test_popup_shows_a_name_as_text(new_page, live_server, make_place):
    make_place(*offset(*DAM, 50), name=XSS, commit=True)
    page = new_page(viewport=DESKTOP)
    page.goto(f"/plekken?lat={DAM[1]}&lon={DAM[0]}&view=kaart")
    page.wait_for_selector(".leaflet-marker-icon")
    page.locator(".leaflet-marker-icon").first.click()
    popup = page.locator(".leaflet-popup-content a")
    popup.wait_for()
    assert popup.inner_text() == XSS
    assert page.evaluate("window.__xss") is None
    assert page.locator(".place-card h3").inner_text() == XSS


@pytest.mark.browser
def test_place_page_is_accessible(new_page, assert_accessible, places):
    page = new_page(viewport=PHONE)
    page.goto(f"/plekken/{places[0].id}")
    page.wait_for_selector(".leaflet-container")
    assert page.locator("h1").inner_text() == "Buurthuis De Linde"
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.browser
def test_use_my_location(new_page, places, live_server):
    page = new_page(viewport=PHONE, geolocation={"latitude": DAM[1], "longitude": DAM[0]}, permissions=["geolocation"])
    page.goto("/")
    page.get_by_role("button", name="Gebruik mijn locatie").click()
    page.wait_for_url("**lat=*")
    assert f"lat={DAM[1]:.5f}" in page.url and "gemeente" not in page.url
    assert page.locator(".place-card h3").first.inner_text() == "Buurthuis De Linde"


@pytest.mark.browser
def test_use_my_location_refused_says_what_to_do(new_page, places):
    page = new_page(viewport=PHONE)   # no geolocation permission granted
    page.goto("/")
    page.get_by_role("button", name="Gebruik mijn locatie").click()
    status = page.locator("[data-geo-status]")
    status.filter(has_text="Kies een gemeente").wait_for()
    assert "lat=" not in page.url


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [PHONE, {"width": 320, "height": 640}], ids=["phone", "320"])
def test_closed_place_page_is_accessible(new_page, assert_accessible, make_place, viewport):
    place = make_place(name="Buurtkamer De Oude Bakkerij", status="closed", status_reason="Het gebouw wordt gesloopt.",
                       commit=True)
    page = new_page(viewport=viewport)
    page.goto(f"/plekken/{place.id}")
    assert page.locator("h1").inner_text() == "Buurtkamer De Oude Bakkerij"
    assert page.get_by_role("link", name="Zoek een plek in de buurt").count() == 1
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
