""""Postcode of plaats" (q) on "Wat is er te doen?" and /api/v1/initiatives."""
import pytest

from tests.areas.search_data import search_data, search_data_committed  # noqa: F401
from tests.initiatives.test_finding import neighbourhood  # noqa: F401

pytestmark = pytest.mark.usefixtures("search_data")


def test_a_postcode_or_place_searches_from_there(client, neighbourhood):  # noqa: F811
    utrecht = client.get("/wat-is-er-te-doen?q=Utrecht&radius=25000").get_data(as_text=True)
    assert "Utrechtse wandelgroep" in utrecht and "Breiclub" not in utrecht
    assert "Afstanden gemeten vanaf het centrum van Utrecht." in utrecht
    amsterdam = client.get("/wat-is-er-te-doen?q=1091+AB&radius=5000").get_data(as_text=True)
    assert "Breiclub" in amsterdam and "Utrechtse wandelgroep" not in amsterdam
    assert "vanaf postcode 1091" in amsterdam


def test_an_unknown_place_keeps_the_form_and_says_so(client):
    response = client.get("/wat-is-er-te-doen?q=Nergenshuizen")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'href="#f-q"' in page and 'value="Nergenshuizen"' in page


def test_an_ambiguous_name_asks_which(client):
    page = client.get("/wat-is-er-te-doen?q=Hengelo").get_data(as_text=True)
    assert "Bedoelt u" in page and page.count("q=Hengelo") >= 2


def test_api_q(client, neighbourhood):  # noqa: F811
    body = client.get("/api/v1/initiatives?q=Utrecht&radius=25000").get_json()
    assert "Utrechtse wandelgroep" in [f["properties"]["title"] for f in body["features"]]
    bad = client.get("/api/v1/initiatives?q=Nergenshuizen")
    assert bad.status_code == 400 and bad.get_json()["error"]["param"] == "q"
