"""Starting an initiative asks for no status: a new initiative is active (issue 13, section 5)."""
from __future__ import annotations

from sqlalchemy import select

from tests.areas.search_data import search_data, search_data_committed  # noqa: F401
from webapp.extensions import db
from webapp.initiatives.models import Initiative


def test_start_form_asks_no_status_and_a_new_initiative_is_active(client, login, make_user, make_place):
    place = make_place()
    login(client, make_user())
    page = client.get("/initiatieven/nieuw").get_data(as_text=True)
    assert 'name="status"' not in page and "Hoe staat het ervoor?" not in page
    response = client.post("/initiatieven/nieuw", data={
        "title": "Taalcafé", "summary": "Samen Nederlands praten.", "status": "stopped",
        "place_ids": [str(place.id)]})
    assert response.status_code == 302, response.get_data(as_text=True)
    initiative = db.session.scalar(select(Initiative).where(Initiative.title == "Taalcafé"))
    assert initiative is not None and initiative.status == "active"


def test_editing_still_asks_how_it_stands(client, login, make_user, make_place):
    place = make_place()
    login(client, make_user())
    client.post("/initiatieven/nieuw", data={"title": "Taalcafé", "summary": "Samen Nederlands praten.",
                                             "place_ids": [str(place.id)]})
    initiative = db.session.scalar(select(Initiative).where(Initiative.title == "Taalcafé"))
    page = client.get(f"/initiatieven/{initiative.id}/bewerken").get_data(as_text=True)
    assert 'name="status"' in page


def test_no_coordinate_fields_shown_and_a_typed_postcode_places_it(client, login, make_user, search_data):  # noqa: F811
    from webapp.initiatives import services
    from webapp.places.services import point_for_address

    login(client, make_user())
    page = client.get("/initiatieven/nieuw").get_data(as_text=True)
    assert "Breedtegraad" not in page and "Lengtegraad" not in page
    assert '<input type="hidden" name="lat"' in page
    response = client.post("/initiatieven/nieuw", data={
        "title": "Moestuin Oost", "summary": "Samen tuinieren.", "location_name": "Achter het speelveld",
        "location_place": "3511 AB"})
    assert response.status_code == 302, response.get_data(as_text=True)
    initiative = db.session.scalar(select(Initiative).where(Initiative.title == "Moestuin Oost"))
    lon, lat = services.coordinates(initiative)
    expected = point_for_address("3511 AB")
    assert abs(lon - expected.lon) < 1e-5 and abs(lat - expected.lat) < 1e-5


def test_a_place_we_cannot_find_is_said_at_its_field(client, login, make_user, search_data):  # noqa: F811
    login(client, make_user())
    response = client.post("/initiatieven/nieuw", data={
        "title": "Moestuin", "summary": "Samen tuinieren.", "location_name": "Achter het speelveld",
        "location_place": "Nergensdorp"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Deze plek kunnen we niet vinden" in html and 'href="#location_place"' in html
    assert db.session.scalar(select(Initiative).where(Initiative.title == "Moestuin")) is None
