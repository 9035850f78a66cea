"""Bewaard: logged-in residents save and unsave places and initiatives; nobody else touches their list."""
from __future__ import annotations

from sqlalchemy import func, select

from webapp.extensions import db
from webapp.saved.models import SavedItem


def _rows():
    db.session.expire_all()
    return sorted((r.user_id, r.subject_type, r.subject_id) for r in db.session.scalars(select(SavedItem)))


def test_save_and_unsave_a_place_and_an_initiative(client, act_as, make_place, make_initiative, resident):
    place = make_place("Buurthuis Bewaard")
    initiative = make_initiative(resident, title="Breiclub Bewaard")
    act_as(resident)
    response = client.post(f"/bewaard/place/{place.id}", data={"next": f"/plekken/{place.id}"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/plekken/{place.id}")
    client.post(f"/bewaard/initiative/{initiative.id}")
    client.post(f"/bewaard/place/{place.id}")   # twice is once
    assert _rows() == sorted([(resident.id, "place", place.id), (resident.id, "initiative", initiative.id)])
    page = client.get("/bewaard")
    assert page.status_code == 200
    assert "Buurthuis Bewaard" in page.text and "Breiclub Bewaard" in page.text
    assert "private" in page.headers["Cache-Control"]
    assert "Niet meer bewaren" in client.get(f"/plekken/{place.id}").text
    client.post(f"/bewaard/place/{place.id}/weg")
    assert _rows() == [(resident.id, "initiative", initiative.id)]


def test_anonymous_visitors_store_nothing(client, act_as, make_place):
    place = make_place()
    act_as(None)
    response = client.post(f"/bewaard/place/{place.id}")
    assert response.status_code in (302, 401)
    assert "inloggen" in response.headers.get("Location", "/inloggen")
    assert client.get("/bewaard").status_code in (302, 401)
    assert "Log in om te bewaren" in client.get(f"/plekken/{place.id}").text
    assert _rows() == []


def test_one_resident_cannot_touch_anothers_list(client, act_as, make_place, resident, other):
    place = make_place()
    db.session.add(SavedItem(user_id=resident.id, subject_type="place", subject_id=place.id))
    db.session.commit()
    act_as(other)
    client.post(f"/bewaard/place/{place.id}/weg")   # only their own (empty) list is touched
    assert _rows() == [(resident.id, "place", place.id)]


def test_unknown_or_hidden_subjects_cannot_be_saved(client, act_as, make_place, resident):
    proposed = make_place(status="proposed")
    act_as(resident)
    assert client.post("/bewaard/place/999999").status_code == 404
    assert client.post(f"/bewaard/place/{proposed.id}").status_code == 404
    assert client.post("/bewaard/grant/1").status_code == 404
    assert db.session.scalar(select(func.count()).select_from(SavedItem)) == 0


def test_without_csrf_token_nothing_is_stored(app, make_place, resident, login):
    place = make_place()
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        client = app.test_client()
        login(client, resident)
        response = client.post(f"/bewaard/place/{place.id}")
        assert response.status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert _rows() == []


def test_an_initiative_page_has_the_save_button(client, act_as, make_initiative, resident, other):
    initiative = make_initiative(resident, title="Breiclub Knop")
    act_as(other)
    page = client.get(f"/initiatieven/{initiative.id}")
    assert page.status_code == 200
    assert f'action="/bewaard/initiative/{initiative.id}"' in page.text and "Bewaren" in page.text
    client.post(f"/bewaard/initiative/{initiative.id}", data={"next": f"/initiatieven/{initiative.id}"})
    assert "Niet meer bewaren" in client.get(f"/initiatieven/{initiative.id}").text
