"""The search page (works without JavaScript: a GET form, state in the URL) and the place page."""
from __future__ import annotations

import re

import pytest

from tests.places.conftest import DAM, offset

XSS = '<img src=x onerror="alert(1)">${alert(2)}</script><script>alert(3)</script>'


def html(response):
    return response.get_data(as_text=True)


def test_home_is_the_search_page(client):
    for url in ("/", "/plekken"):
        response = client.get(url)
        assert response.status_code == 200
        page = html(response)
        assert page.count("<h1") == 1
        assert 'name="gemeente"' in page and "Amsterdam</option>" in page
        assert 'method="get"' in page
        assert "leaflet" not in page.lower()       # the map is a second view, not loaded here


def test_results_sorted_with_distance_walking_time_and_badges(client, make_place):
    make_place(*offset(*DAM, 800), name="Verder weg")
    make_place(*offset(*DAM, 120), name="Dichtbij", wheelchair="yes", hearing_loop="limited", step_free_entrance="no",
               opening_hours="24/7", cost="free")
    page = html(client.get(f"/plekken?lat={DAM[1]}&lon={DAM[0]}"))
    assert page.index("Dichtbij") < page.index("Verder weg")
    assert "120 m" in page and "2 minuten lopen" in page and "800 m" in page and "12 minuten lopen" in page
    assert "Toegankelijk met rolstoel" in page
    assert "Deels: Ringleiding" in page
    assert "Niet: Ingang zonder drempel of trap" in page
    assert "Nu open" in page and "Gratis" in page
    assert "2 plekken binnen 1,0 km" in page


def test_filters_are_kept_in_the_form_and_links(client, make_place):
    make_place(name="Bieb", category="library", wheelchair="yes")
    page = html(client.get(f"/plekken?lat={DAM[1]}&lon={DAM[0]}&category=library&need=wheelchair&radius=2000"))
    assert re.search(r'id="category-library"[^>]*checked', page)
    assert re.search(r'id="need-wheelchair"[^>]*checked', page)
    assert re.search(r'<option value="2000" selected', page)
    # the map link, and the newcomers link keep every filter
    map_link = re.search(r'href="([^"]*view=kaart[^"]*)"', page).group(1)
    assert "category=library" in map_link and "need=wheelchair" in map_link
    newcomers = re.search(r'href="([^"]*newcomers=1[^"]*)"', page).group(1)
    assert "category=library" in newcomers and "lat=" in newcomers


def test_gemeente_search_without_javascript(client, make_place):
    make_place(5.1214, 52.0907, name="Buurthuis in Utrecht", gemeente_code="GM0344")
    page = html(client.get("/plekken?gemeente=GM0344"))
    assert "Buurthuis in Utrecht" in page
    assert "1 plek in Utrecht" in page


def test_newcomers_one_tap(client, make_place):
    make_place(name="Welkom", activities=["walk_in"], cost="free", host_present="yes", house_rules_published="yes")
    make_place(name="Niet voor beginners")
    page = html(client.get(f"/plekken?lat={DAM[1]}&lon={DAM[0]}&newcomers=1"))
    assert "Welkom" in page and "Niet voor beginners" not in page
    assert "Toon alle plekken" in page


@pytest.mark.parametrize("query,field", [("lat=100&lon=4", "gemeente"), ("lat=52&lon=4&radius=0", "radius"),
                                         ("lat=52&lon=4&category=kroeg", "category-community_centre"),
                                         ("gemeente=GM9999", "gemeente"), ("lat=52&lon=4&limit=999", "search-submit")])
def test_bad_input_is_a_friendly_400(client, query, field):
    response = client.get(f"/plekken?{query}")
    assert response.status_code == 400
    page = html(response)
    assert 'role="alert"' in page and f'href="#{field}"' in page
    assert page.count("<h1") == 1


def test_a_wrong_value_keeps_the_other_choices(client):
    response = client.get(f"/plekken?lat={DAM[1]}&lon={DAM[0]}&radius=99999&category=library&need=hearing_loop")
    assert response.status_code == 400
    page = html(response)
    assert re.search(r'id="category-library"[^>]*checked', page)
    assert re.search(r'id="need-hearing_loop"[^>]*checked', page)
    assert f'name="lat" value="{DAM[1]:.5f}"' in page


def test_show_more_link(client, make_place):
    for i in range(31):
        make_place(*offset(*DAM, 10 * i), name=f"P{i}")
    page = html(client.get(f"/plekken?lat={DAM[1]}&lon={DAM[0]}"))
    assert page.count('class="card place-card"') == 30
    assert "limit=60" in page
    page = html(client.get(f"/plekken?lat={DAM[1]}&lon={DAM[0]}&limit=60"))
    assert page.count('class="card place-card"') == 31


def test_search_page_query_count_does_not_grow_with_results(client, make_place, count_queries):
    for i in range(3):
        make_place(*offset(*DAM, 10 * i))
    with count_queries() as few:
        client.get(f"/plekken?lat={DAM[1]}&lon={DAM[0]}")
    for i in range(3, 30):
        make_place(*offset(*DAM, 10 * i))
    with count_queries() as many:
        assert client.get(f"/plekken?lat={DAM[1]}&lon={DAM[0]}").status_code == 200
    assert many.count == few.count
    assert sum("_ST_Expand" in s for s in many.statements) == 1


def test_map_view_loads_only_our_own_files_with_the_nonce(client, make_place):
    for i in range(60):   # above 50 markers: clustered
        make_place(*offset(*DAM, 10 * i), name=f"P{i}")
    response = client.get(f"/plekken?lat={DAM[1]}&lon={DAM[0]}&view=kaart&limit=100")
    page = html(response)
    assert "/vendor/leaflet/leaflet.js" in page and "leaflet.markercluster.js" in page
    assert "L.markerClusterGroup" in page
    for url in re.findall(r'(?:src|href)="(https?:[^"]+)"', page):
        pytest.fail(f"page loads something from another host: {url}")
    assert "cdn" not in page.lower()
    nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"]).group(1)
    for tag in re.findall(r"<script[^>]*>", page):
        assert f'nonce="{nonce}"' in tag or 'src="/' in tag, tag


def test_list_without_map_has_no_cluster(client, make_place):
    make_place(name="Een")
    page = html(client.get(f"/plekken?lat={DAM[1]}&lon={DAM[0]}&view=kaart"))
    assert "L.markerClusterGroup" not in page and "leaflet.js" in page


def test_xss_in_a_name_is_text_in_list_page_and_popup(client, make_place):
    place = make_place(name=XSS, description=XSS, house_rules=XSS, host_name="<b>x</b>")
    for url in (f"/plekken?lat={DAM[1]}&lon={DAM[0]}", f"/plekken?lat={DAM[1]}&lon={DAM[0]}&view=kaart",
                f"/plekken/{place.id}"):
        page = html(client.get(url))
        assert "<img src=x" not in page
        assert "<script>alert(3)" not in page
        assert "<b>x</b>" not in page
        # the popup's name is a JSON string (\u003c...) put in with textContent, never HTML or a JS template
        if "view=kaart" in url or "/plekken/" in url:
            assert "js/places-map.js" in page   # builds the popup with textContent from the JSON data block
            assert "\\u003cimg src=x" in page
            assert "${alert(2)}" not in re.sub(r'"(?:[^"\\]|\\.)*"', '""', page.split("<script nonce")[-1])


def test_place_page_shows_everything(client, make_place):
    place = make_place(name="Buurthuis De Test", description="Koffie en een praatje.",
                       address="Teststraat 1, Amsterdam",
                       opening_hours="Mo-Fr 09:00-17:00; PH off", cost="contribution", languages=["nl", "ar"],
                       audience=["elderly", "newcomers"], activities=["walk_in", "sit_quietly"], host_name="Ans",
                       house_rules="Iedereen is welkom.", wheelchair="yes", toilets="yes", toilets_wheelchair="limited",
                       attribute_meta={"wheelchair": {"source": "owner", "checked": "2026-10-01"}},
                       phone="020 000 0000", website="https://voorbeeld.example", email="a@voorbeeld.example")
    response = client.get(f"/plekken/{place.id}")
    assert response.status_code == 200
    page = html(response)
    assert page.count("<h1") == 1
    for text in ("Buurthuis De Test", "Koffie en een praatje.", "Vrijwillige bijdrage", "Arabisch", "Ouderen",
                 "Nieuwkomers", "Binnenlopen voor koffie", "Ans", "Iedereen is welkom.", "Op feestdagen dicht.",
                 "09:00 tot 17:00", "bron: beheerders", "gecontroleerd op 2026-10-01", "Toilet voor rolstoel",
                 "tel:0200000000", "mailto:a@voorbeeld.example"):
        assert text in page, text
    assert page.count(">? onbekend<") + page.count("</span> onbekend</span>") >= 10   # unknown shown as unknown
    assert re.search(r'href="geo:52\.373100,4\.893000', page)
    assert "/vendor/leaflet/leaflet.js" in page


def test_toilets_wheelchair_not_shown_without_toilets(client, make_place):
    place = make_place(toilets="no", toilets_wheelchair="yes")
    page = html(client.get(f"/plekken/{place.id}"))
    assert "Toilet voor rolstoel" not in page
    assert "Toilet aanwezig" in page


@pytest.mark.parametrize("values", [{"status": "proposed"}, {"status": "rejected"}, {"hidden": True},
                                    {"status": "closed", "hidden": True}])
def test_place_page_is_404_unless_public(client, make_place, values):
    """A closed place is public (its page says it closed: tests/places/test_visibility.py); the rest is 404."""
    place = make_place(**values)
    assert client.get(f"/plekken/{place.id}").status_code == 404


def test_place_page_of_unknown_id_is_404(client):
    assert client.get("/plekken/987654").status_code == 404


def test_open_at_a_chosen_moment_from_the_form(client, make_place):
    make_place(*offset(*DAM, 50), name="Werkdagen", opening_hours="Mo-Fr 09:00-17:00")
    make_place(*offset(*DAM, 90), name="Alleen avond", opening_hours="Mo-Su 19:00-22:00")
    # Monday 23 November 2026, 10:00 in Amsterdam (a datetime-local value, the user's wall clock)
    page = html(client.get(f"/plekken?lat={DAM[1]}&lon={DAM[0]}&open_at=2026-11-23T10:00"))
    assert "Werkdagen" in page and "Alleen avond" not in page
    assert 'name="open_at"' in page and 'value="2026-11-23T10:00"' in page   # the form keeps the choice
    assert "Open op ma 23 nov 10:00" in page                                  # the badge names the moment
    bad = client.get(f"/plekken?lat={DAM[1]}&lon={DAM[0]}&open_at=morgen")
    assert bad.status_code == 400 and 'href="#open_at"' in html(bad)


# --- Opening hours shown honestly (issue 12, item 2) --------------------------------------------------

def _badge(page: str, element_id: str | None = None) -> list[tuple[str, str]]:
    """(class, text) of each open-state badge on the page (the first span inside p.open-state)."""
    import html as html_lib
    found = re.findall(r'<p class="open-state"><span class="badge ([^"]*)"[^>]*><span aria-hidden="true">[^<]*</span>'
                       r'\s*([^<]*)</span>', page)
    return [(cls.strip(), html_lib.unescape(text).strip()) for cls, text in found]


def test_unknown_is_its_own_badge_on_cards_and_the_place_page(client, make_place):
    by_appointment = make_place(*offset(*DAM, 10), name="Op afspraak", opening_hours='"op afspraak"')
    make_place(*offset(*DAM, 20), name="Geen tijden")
    cards = _badge(html(client.get(f"/plekken?lat={DAM[1]}&lon={DAM[0]}")))
    assert cards == [("badge-unknown", "Open of dicht: onbekend")] * 2
    page = html(client.get(f"/plekken/{by_appointment.id}"))
    assert _badge(page) == [("badge-unknown", "Open of dicht: onbekend")]
    assert "Nu open" not in page and "Nu dicht" not in page


def test_place_page_says_why_hours_cannot_be_read(client, make_place):
    import html as html_lib

    from webapp.places import hours
    place = make_place(name="Onleesbaar", opening_hours="ma-vr 9-17")
    page = html_lib.unescape(html(client.get(f"/plekken/{place.id}")))
    with client.application.test_request_context():
        problem = hours.problem("ma-vr 9-17")
    assert problem and problem in page
    assert "ma-vr 9-17" in page
    assert _badge(html(client.get(f"/plekken/{place.id}"))) == [("badge-unknown", "Open of dicht: onbekend")]


def test_open_state_uses_the_places_coordinates(client, make_place, monkeypatch):
    """Sunset in Cadzand, not at the centre of the country: the place page and the GeoJSON say open."""
    from tests.places.test_search import CADZAND, SUN_HOURS, sunset_gap_moment
    from webapp.places import hours
    moment = sunset_gap_moment()
    place = make_place(*CADZAND, name="Strandpaviljoen", opening_hours=SUN_HOURS, gemeente_code=None)
    monkeypatch.setattr(hours, "now", lambda: moment)     # the clock, not the data
    page = html(client.get(f"/plekken/{place.id}"))
    assert _badge(page) == [("badge-ok", "Nu open")]
    assert client.get(f"/api/v1/places/{place.id}").get_json()["properties"]["open_now"] is True
    listing = client.get(f"/api/v1/places?lat={CADZAND[1]}&lon={CADZAND[0]}&open_now=1").get_json()
    assert [f["properties"]["name"] for f in listing["features"]] == ["Strandpaviljoen"]
