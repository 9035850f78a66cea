"""Starting an initiative asks for no status: a new initiative is active (issue 13, section 5)."""
from __future__ import annotations

from sqlalchemy import select

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
