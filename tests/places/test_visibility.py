"""One definition of "public" for a place (webapp/places/visibility.py), applied everywhere.

A closed place: its page says kindly that it closed, its API detail says status closed, its history stays
readable; it is out of the search, the map and the lists; joining, suggesting a change and reporting are
refused with a clear message (409) and nothing is saved. A hidden (or unpublished) place is a 404 everywhere.
"""
from __future__ import annotations

import pytest

from tests.places.conftest import DAM, offset
from tests.places.test_api import validate
from tests.stewardship.conftest import snapshot
from webapp.extensions import db
from webapp.places import visibility
from webapp.places.models import Place
from webapp.stewardship import services as stewardship


@pytest.fixture
def closed_place(make_place, make_user):
    """A place that was published and then closed by a moderator, with a reason."""
    moderator = make_user("Moderator Amsterdam", role="moderator", gemeente="GM0363")
    place = make_place(name="Buurtkamer De Oude Bakkerij", commit=True)
    stewardship.apply_edit(place, moderator, {"status": "closed", "status_reason": "Het gebouw wordt gesloopt."},
                           place.version, kind="status", note="closed")
    db.session.commit()
    return place


@pytest.fixture
def doc(client):
    return client.get("/api/v1/openapi.json").get_json()


@pytest.fixture
def outsider(make_user, login, client):
    user = make_user("Bewoner Buiten")
    login(client, user)
    return user


def test_the_predicates():
    published, closed = Place(status="published", hidden=False), Place(status="closed", hidden=False)
    hidden, proposed = Place(status="published", hidden=True), Place(status="proposed", hidden=False)
    assert [visibility.is_public(p) for p in (published, closed, hidden, proposed)] == [True, True, False, False]
    assert [visibility.is_listed(p) for p in (published, closed, hidden, proposed)] == [True, False, False, False]
    assert [visibility.is_closed(p) for p in (published, closed, hidden, proposed)] == [False, True, False, False]


def test_closed_place_page_says_it_closed_since_when_and_why(client, closed_place):
    response = client.get(f"/plekken/{closed_place.id}")
    assert response.status_code == 200
    page = response.text
    assert "Buurtkamer De Oude Bakkerij" in page
    assert "Deze plek is gesloten" in page
    assert "Gesloten sinds" in page
    assert "Het gebouw wordt gesloopt." in page
    assert "Zoek een plek in de buurt" in page
    assert f"/plekken?lat={DAM[1]:.5f}" in page  # the search near it


def test_closed_place_is_not_found_by_the_search_the_map_or_the_lists(client, make_place, closed_place):
    make_place(*offset(*DAM, 40), name="Buurthuis Open")
    for url in (f"/plekken?lat={DAM[1]}&lon={DAM[0]}", f"/plekken?lat={DAM[1]}&lon={DAM[0]}&view=kaart"):
        page = client.get(url).text
        assert "Buurthuis Open" in page and "Oude Bakkerij" not in page
    data = client.get(f"/api/v1/places?lat={DAM[1]}&lon={DAM[0]}").get_json()
    assert [f["properties"]["name"] for f in data["features"]] == ["Buurthuis Open"]
    assert all(f["properties"]["status"] == "published" for f in data["features"])
    data = client.get("/api/v1/gemeenten/GM0363/places.geojson").get_json()
    assert "Buurtkamer De Oude Bakkerij" not in [f["properties"]["name"] for f in data["features"]]


def test_closed_place_api_detail_says_closed(client, closed_place, doc):
    response = client.get(f"/api/v1/places/{closed_place.id}")
    assert response.status_code == 200
    data = response.get_json()
    validate(doc, "PlaceFeature", data)
    assert data["properties"]["status"] == "closed"


def test_closed_place_history_stays_readable(client, closed_place):
    page = client.get(f"/plekken/{closed_place.id}/geschiedenis")
    assert page.status_code == 200 and "Buurtkamer De Oude Bakkerij" in page.text
    assert client.get(f"/beheer/place/{closed_place.id}/geschiedenis").status_code == 200
    data = client.get(f"/api/v1/places/{closed_place.id}/history").get_json()
    assert data["data"][0]["changes"]["status"] == {"old": "published", "new": "closed"}


@pytest.mark.parametrize("path, form", [
    ("meebeheren", {"motivation": "Ik kom hier elke week"}),
    ("voorstel", {"name": "Buurtkamer De Oude Bakkerij", "category": "community_centre", "hearing_loop": "yes"}),
    ("melden", {"category": "wrong_info", "text": "Het is weer open"}),
])
def test_joining_suggesting_and_reporting_are_refused_for_a_closed_place(client, closed_place, outsider, path, form):
    url = f"/beheer/place/{closed_place.id}/{path}"
    page = client.get(url)
    assert page.status_code == 409 and "is gesloten" in page.text
    before = snapshot()
    response = client.post(url, data=form)
    assert response.status_code == 409 and "is gesloten" in response.text
    assert snapshot() == before


@pytest.mark.parametrize("action", ["join", "suggest", "report"])
def test_services_refuse_a_closed_place(closed_place, outsider, action):
    from webapp.domain_errors import Conflict

    calls = {"join": lambda: stewardship.request_join(outsider, closed_place, "Ik help graag"),
             "suggest": lambda: stewardship.suggest_edit(outsider, closed_place, {"hearing_loop": "yes"}),
             "report": lambda: stewardship.report(outsider, closed_place, "wrong_info", "Het is weer open")}
    with pytest.raises(Conflict, match="is gesloten"):
        calls[action]()


def test_closed_place_panel_offers_no_joining_suggesting_or_reporting(closed_place, outsider):
    panel = stewardship.panel(outsider, closed_place)
    assert panel["closed"] and not (panel["can_join"] or panel["can_suggest"] or panel["can_report"])


@pytest.mark.parametrize("values", [{"hidden": True}, {"status": "proposed"}, {"status": "rejected"},
                                    {"status": "closed", "hidden": True}])
def test_hidden_or_unpublished_place_is_404_everywhere(client, make_place, outsider, values):
    place = make_place(name="Niet Openbaar", commit=True, **values)
    for url in (f"/plekken/{place.id}", f"/plekken/{place.id}/geschiedenis",
                f"/beheer/place/{place.id}/geschiedenis", f"/beheer/place/{place.id}/meebeheren",
                f"/beheer/place/{place.id}/voorstel", f"/beheer/place/{place.id}/melden",
                f"/api/v1/places/{place.id}", f"/api/v1/places/{place.id}/history"):
        assert client.get(url).status_code == 404, url
    before = snapshot()
    assert client.post(f"/beheer/place/{place.id}/meebeheren", data={"motivation": "Mag ik?"}).status_code == 404
    assert snapshot() == before
