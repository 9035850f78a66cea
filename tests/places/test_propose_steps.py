"""Proposing a place in short steps: the essentials save the proposal; accessibility, safety and house rules,
and opening hours follow as optional, skippable steps that can be continued later."""
from __future__ import annotations

from sqlalchemy import select

from webapp.extensions import db
from webapp.places.models import Place

ESSENTIALS = {"name": "Buurtkamer Stap", "category": "community_centre", "lat": "52.3731", "lon": "4.8922"}


def _place() -> Place | None:
    db.session.expire_all()
    return db.session.scalar(select(Place).where(Place.name == "Buurtkamer Stap"))


def _start(client):
    response = client.post("/plekken/voorstellen", data=ESSENTIALS)
    assert response.status_code == 302, response.get_data(as_text=True)
    place = _place()
    assert place is not None and place.status == "proposed"
    assert response.headers["Location"].endswith(f"/plekken/voorstellen?plek={place.id}&stap=2")
    return place


def test_step_one_asks_only_the_essentials(client, login, make_user):
    login(client, make_user())
    html = client.get("/plekken/voorstellen").get_data(as_text=True)
    assert 'name="name"' in html and 'name="category"' in html and 'name="address"' in html
    assert 'name="opening_hours"' not in html and 'name="wheelchair"' not in html and "Stap 1 van 4" in html
    assert "Breedtegraad" not in html and "Lengtegraad" not in html and '<input type="hidden" name="lat"' in html


def test_steps_save_their_own_fields_and_can_be_skipped(client, login, make_user):
    login(client, make_user())
    place = _start(client)
    step2 = client.get(f"/plekken/voorstellen?plek={place.id}&stap=2")
    html = step2.get_data(as_text=True)
    assert step2.status_code == 200 and 'name="wheelchair"' in html and 'name="opening_hours"' not in html
    assert f'href="/plekken/voorstellen?plek={place.id}&amp;stap=3"' in html  # skip
    saved = client.post(f"/plekken/voorstellen?plek={place.id}&stap=2",
                        data={"version": str(place.version), "wheelchair": "yes", "toilets": "no"})
    assert saved.status_code == 302 and saved.headers["Location"].endswith("stap=3")
    place = _place()
    assert place.wheelchair == "yes" and place.toilets == "no" and place.toilets_wheelchair == "no"
    # Step 3 skipped; step 4: opening hours, checked by the hours parser.
    bad = client.post(f"/plekken/voorstellen?plek={place.id}&stap=4",
                      data={"version": str(place.version), "opening_hours": "maandag altijd"})
    assert bad.status_code == 400 and place.opening_hours in ("", None)
    done = client.post(f"/plekken/voorstellen?plek={place.id}&stap=4",
                       data={"version": str(place.version), "opening_hours": "Mo-Fr 09:00-17:00"})
    assert done.status_code == 302 and done.headers["Location"] == "/plekken/mijn"
    place = _place()
    assert place.opening_hours == "Mo-Fr 09:00-17:00" and place.wheelchair == "yes" and place.status == "proposed"


def test_only_the_proposer_reaches_the_steps_of_a_proposal(client, login, make_user):
    login(client, make_user())
    place = _start(client)
    login(client, make_user("Ander"))
    assert client.get(f"/plekken/voorstellen?plek={place.id}&stap=2").status_code == 404
    response = client.post(f"/plekken/voorstellen?plek={place.id}&stap=2",
                           data={"version": str(place.version), "wheelchair": "no"})
    assert response.status_code == 404 and _place().wheelchair == "unknown"


def test_hostile_step_parameters_are_404(client, login, make_user):
    login(client, make_user())
    place = _start(client)
    for query in ("plek=x&stap=2", f"plek={place.id}&stap=9", f"plek={place.id}", "plek=99999999999&stap=2",
                  "plek=0&stap=2", f"plek={place.id}&stap=1"):
        assert client.get(f"/plekken/voorstellen?{query}").status_code == 404, query


def test_opening_hours_from_times_per_day_without_javascript(client, login, make_user):
    login(client, make_user())
    place = _start(client)
    page = client.get(f"/plekken/voorstellen?plek={place.id}&stap=4").get_data(as_text=True)
    assert 'type="time"' in page and "<legend>maandag</legend>" in page
    assert "Ik ken de OpenStreetMap-schrijfwijze" in page
    times = {f"{day}_{end}": value for day in ("Mo", "Tu", "We", "Th", "Fr")
             for end, value in (("from", "09:00"), ("to", "17:00"))}
    done = client.post(f"/plekken/voorstellen?plek={place.id}&stap=4",
                       data={"version": str(place.version), **times, "Sa_from": "10:00", "Sa_to": "14:00"})
    assert done.status_code == 302, done.get_data(as_text=True)
    assert _place().opening_hours == "Mo-Fr 09:00-17:00; Sa 10:00-14:00"


def test_bad_times_per_day_are_refused_and_the_raw_text_wins(client, login, make_user):
    login(client, make_user())
    place = _start(client)
    bad = client.post(f"/plekken/voorstellen?plek={place.id}&stap=4",
                      data={"version": str(place.version), "Mo_from": "25:00", "Mo_to": "17:00"})
    assert bad.status_code == 400 and "Vul een tijd in zoals 09:30." in bad.get_data(as_text=True)
    backwards = client.post(f"/plekken/voorstellen?plek={place.id}&stap=4",
                            data={"version": str(place.version), "Mo_from": "17:00", "Mo_to": "09:00"})
    assert backwards.status_code in (302, 400)  # the hours parser decides; never a 500
    place = _place()
    raw = client.post(f"/plekken/voorstellen?plek={place.id}&stap=4",
                      data={"version": str(place.version), "opening_hours": "Sa 10:00-12:00",
                            "Mo_from": "09:00", "Mo_to": "17:00"})
    assert raw.status_code == 302 and _place().opening_hours == "Sa 10:00-12:00"
