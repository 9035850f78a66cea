"""Search by what people type (q), "Bedoelt u...?", where distances are measured from, and no dead ends."""
import re

import pytest

from tests.areas.search_data import search_data, search_data_committed  # noqa: F401
from tests.places.conftest import offset

pytestmark = pytest.mark.usefixtures("search_data")

PC3511 = (5.1174, 52.0886)
LEEUWARDEN = (5.80859, 53.20139)


def html(response):
    return response.get_data(as_text=True)


def names(page):
    return re.findall(r'<h3><a href="/plekken/\d+">([^<]+)</a>', page)


@pytest.mark.parametrize("q", ["3511", "3511 AB", "3511ab"])
def test_a_postcode_searches_from_that_postcode(client, make_place, q):
    make_place(*offset(*PC3511, 300), name="Buurthuis Oudegracht", gemeente_code="GM0344")
    page = html(client.get("/plekken", query_string={"q": q}))
    assert names(page) == ["Buurthuis Oudegracht"]
    assert "Afstanden gemeten vanaf postcode 3511." in page


@pytest.mark.parametrize("q", ["Leeuwarden", "ljouwert", "LJOUWERT"])
def test_a_town_and_its_frisian_name_search_from_its_centre(client, make_place, q):
    make_place(*offset(*LEEUWARDEN, 200), name="Wijkcentrum Leeuwarden", gemeente_code="GM0080")
    page = html(client.get("/plekken", query_string={"q": q}))
    assert names(page) == ["Wijkcentrum Leeuwarden"]
    assert "Afstanden gemeten vanaf het centrum van Leeuwarden." in page
    assert f'value="{q}"' in page  # the field keeps what was typed


def test_a_location_search_says_it_measures_from_you(client, make_place):
    make_place(*offset(*PC3511, 100))
    assert "Afstanden gemeten vanaf uw locatie." in html(client.get(f"/plekken?lat={PC3511[1]}&lon={PC3511[0]}"))


def test_q_wins_over_an_old_point(client, make_place):
    make_place(*offset(*LEEUWARDEN, 200), name="Friesland")
    page = html(client.get(f"/plekken?lat={PC3511[1]}&lon={PC3511[0]}&q=Leeuwarden"))
    assert names(page) == ["Friesland"]


def test_an_ambiguous_name_asks_which_and_each_link_searches_there(client):
    response = client.get("/plekken?q=Hengelo&need=wheelchair")
    page = html(response)
    assert response.status_code == 200 and "Bedoelt u" in page
    links = re.findall(r'<li><a href="(/plekken\?[^"]+)">([^<]+)</a></li>', page.split("did-you-mean-title")[-1])
    assert len(links) >= 2
    for url, _label in links:
        assert "need=wheelchair" in url
        there = html(client.get(url.replace("&amp;", "&")))
        assert "Bedoelt u" not in there and "Afstanden gemeten vanaf het centrum van Hengelo." in there


def test_an_unknown_place_says_so_and_keeps_the_form(client):
    response = client.get("/plekken?q=Nergenshuizen&free=1")
    page = html(response)
    assert response.status_code == 200
    assert "niet als postcode of plaats" in page and 'href="#q"' in page
    assert 'value="Nergenshuizen"' in page and 'id="free" name="free" value="1" checked' in page


def test_filters_are_chips_that_each_remove_one_filter(client, make_place):
    make_place(*offset(*PC3511, 100), wheelchair="yes", toilets_wheelchair="yes")
    page = html(client.get("/plekken?q=3511&need=wheelchair,toilets_wheelchair&free=1"))
    chips = dict((label.strip(), url.replace("&amp;", "&")) for url, label in
                 re.findall(r'<a class="chip" href="([^"]+)">([^<]+)<', page))
    assert len(chips) == 3
    assert any("need=toilets_wheelchair" in u and "free=1" in u and "wheelchair," not in u for u in chips.values())
    assert any("free" not in u and "need=wheelchair%2Ctoilets_wheelchair" in u for u in chips.values())


def test_an_empty_search_offers_counted_next_steps_that_work(client, make_place):
    near = offset(*PC3511, 1500)
    make_place(*near, name="Anderhalve kilometer", quiet_space="no")
    make_place(*offset(*PC3511, 6400), name="Zes kilometer", quiet_space="yes")
    make_place(*offset(*PC3511, 300), name="Dichtbij zonder rust", quiet_space="no")
    page = html(client.get("/plekken?q=3511&need=quiet_space"))
    assert names(page) == []
    assert "Geen plekken gevonden." not in page
    nearest = re.search(r'<a href="([^"]+)">Toon de dichtstbijzijnde die aan alles voldoet: (6,4 km)</a>', page)
    assert nearest is not None
    assert names(html(client.get(nearest.group(1).replace("&amp;", "&")))) == ["Zes kilometer"]
    without = re.search(r'<a href="([^"]+)">Zonder \u2018[^\u2019]+\u2019: 1 plek</a>', page)
    assert without is not None
    assert names(html(client.get(without.group(1).replace("&amp;", "&")))) == ["Dichtbij zonder rust"]
    wider = re.search(r'<a href="([^"]+)">Zoek tot 25 km: 1 plek</a>', page)
    assert wider is not None and "radius=25000" in wider.group(1)


def test_many_results_offer_no_next_steps(client, make_place):
    for n in range(3):
        make_place(*offset(*PC3511, 100 + n))
    page = html(client.get("/plekken?q=3511"))
    assert len(names(page)) == 3 and "next-steps" not in page


def test_next_steps_are_counted_in_sql_a_few_statements(client, make_place, count_queries):
    make_place(*offset(*PC3511, 9000), wheelchair="yes")
    with count_queries() as counter:
        client.get("/plekken?q=3511&need=wheelchair&free=1")
    assert counter.count <= 12


def test_api_q_searches_from_the_place_and_says_which(client, make_place):
    make_place(*offset(*LEEUWARDEN, 200), name="Fries")
    body = client.get("/api/v1/places?q=Ljouwert").get_json()
    assert [f["properties"]["name"] for f in body["features"]] == ["Fries"]
    assert body["origin"] == {"kind": "woonplaats", "name": "Leeuwarden"}
    assert body["centre"]["coordinates"] == pytest.approx(list(LEEUWARDEN))


def test_api_unknown_q_is_a_400_naming_q(client):
    response = client.get("/api/v1/places?q=Nergenshuizen")
    assert response.status_code == 400 and response.get_json()["error"]["param"] == "q"
    too_long = client.get("/api/v1/places", query_string={"q": "x" * 500})
    assert too_long.status_code == 400 and too_long.get_json()["error"]["param"] == "q"


def test_suggestions_api(client):
    body = client.get("/api/v1/plaatsen?q=ljouw").get_json()
    assert [r["name"] for r in body["results"]] == ["Leeuwarden"]
    postcodes = [r["name"] for r in client.get("/api/v1/plaatsen?q=351").get_json()["results"]]
    assert postcodes[:2] == ["3511", "3512"] and all(p.startswith("351") for p in postcodes)
    assert client.get("/api/v1/plaatsen?q=x").get_json()["results"] == []
    assert client.get("/api/v1/plaatsen").get_json()["results"] == []


def test_colofon_credits_the_sources(client):
    page = html(client.get("/colofon"))
    assert "Postcodes en plaatsen: GeoNames, CC BY 4.0" in page and "OpenStreetMap" in page
    assert "CBS" in page and "Gemeente Utrecht" in page
    assert 'href="/colofon"' in html(client.get("/plekken"))
