"""On a 390 px phone: share and route links load nothing from elsewhere; a saved place opens offline;
a barrier report changes the place page at once; axe-core finds nothing on the changed pages."""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.browser


def _wait_for_worker(page) -> None:
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.wait_for_function("navigator.serviceWorker.controller !== null")


def test_the_place_page_requests_nothing_from_elsewhere(app, new_page, live_server, make_place, assert_accessible):
    place = make_place("Buurthuis Route", wheelchair="yes", toilets="yes", toilets_wheelchair="no")
    page = new_page()
    hosts = []
    page.on("request", lambda request: hosts.append(urlsplit(request.url).netloc))
    page.goto(f"/plekken/{place.id}")
    page.wait_for_load_state("networkidle")
    own = urlsplit(live_server).netloc
    tiles = urlsplit(app.config["TILE_URL"]).netloc   # the map's own tile server (a setting), not a route service
    assert set(hosts) - {tiles} == {own}
    assert not any(h.endswith(("google.com", "apple.com", "www.openstreetmap.org")) for h in hosts)
    for name in ("Lopen met OpenStreetMap", "Lopen met Google Maps", "Openbaar vervoer met Google Maps",
                 "Lopen met Apple Kaarten", "Openbaar vervoer met Apple Kaarten", "Route in mijn kaart-app"):
        assert page.get_by_role("link", name=name).count() == 1
    assert page.get_by_role("link", name="Route in mijn kaart-app").get_attribute("href").startswith("geo:")
    # Chromium here has no share sheet but a clipboard: the link becomes "Kopieer link".
    share = page.locator("[data-share]")
    assert share.inner_text() in ("Kopieer link", "Link naar deze plek")
    assert page.locator(".access-summary").inner_text().count("Rolstoel") == 2
    assert_accessible(page)


def test_a_saved_place_opens_offline(new_page, make_place, make_user, browser_login, assert_accessible):
    place = make_place("Buurthuis Offline")
    user = make_user()
    page = new_page()
    page.goto("/offline")
    _wait_for_worker(page)
    browser_login(page, user)
    page.goto(f"/plekken/{place.id}")
    with page.expect_navigation():
        page.get_by_role("button", name="Bewaren").click()
    assert page.get_by_role("button", name="Niet meer bewaren").count() == 1
    page.goto("/bewaard")
    assert page.get_by_role("link", name="Buurthuis Offline").count() == 1
    assert_accessible(page)
    path = f"/plekken/{place.id}"
    page.wait_for_function(
        f"caches.open('buurtplek-saved').then(c => c.keys()).then(k => k.some(r => r.url.endsWith('{path}')))")
    page.goto("/offline")
    try:
        page.context.set_offline(True)
        page.goto(f"/plekken/{place.id}")
        assert page.get_by_role("heading", level=1).inner_text() == "Buurthuis Offline"
    finally:
        page.context.set_offline(False)
    # Logging out forgets the saved pages in this browser.
    page.evaluate("fetch('/uitloggen', {method: 'POST', redirect: 'manual'}).then(() => true)")
    page.wait_for_function("caches.has('buurtplek-saved').then(has => !has)")


def test_a_barrier_report_changes_the_page_at_once(new_page, make_place, make_user, browser_login,
                                                     assert_accessible):
    place = make_place("Buurthuis Oprit", step_free_entrance="yes", wheelchair="yes")
    page = new_page()
    browser_login(page, make_user())
    page.goto(f"/beheer/place/{place.id}/melden")
    page.get_by_label("Iets is niet (meer) toegankelijk, bijvoorbeeld de oprit is weg").check()
    page.get_by_label("Wat klopt er niet?").select_option("step_free_entrance")
    page.get_by_label("Beschrijf het probleem").fill("De oprit is weg")
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Melding versturen").click()
    page.goto(f"/plekken/{place.id}")
    assert "gemeld: mogelijk niet juist" in page.locator(".access-summary").inner_text()
    assert page.locator(".attribute-reported").count() == 1
    assert_accessible(page)
