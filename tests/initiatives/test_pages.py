"""Starting, editing and owner-only routes of initiatives; doe mee; contact; posters."""
from __future__ import annotations

from datetime import date, time, timedelta

from sqlalchemy import func, select

from webapp.extensions import db
from webapp.initiatives import services
from webapp.initiatives.models import Activity, ActivityCancellation, Initiative, Participation
from webapp.mail.models import OutboxMail
from webapp.stewardship import services as stewardship
from webapp.stewardship.models import Revision


def _snapshot():
    """Everything owner-only routes could change, to prove a refused request changed nothing."""
    rows = []
    for model in (Initiative, Activity, ActivityCancellation, Participation, Revision, OutboxMail):
        rows.append((model.__name__, db.session.scalar(select(func.count()).select_from(model))))
    rows.append(("initiatives", [(i.id, i.title, i.status, i.version) for i in
                                 db.session.scalars(select(Initiative).order_by(Initiative.id))]))
    db.session.expire_all()
    return rows


def test_resident_starts_an_initiative_and_becomes_owner(client, login, logout, make_user, make_place):
    resident = make_user("Fatima")
    place = make_place()
    login(client, resident)
    page = client.get("/initiatieven/nieuw")
    assert page.status_code == 200
    response = client.post("/initiatieven/nieuw", data={
        "title": "Repaircafé Oost", "summary": "Samen spullen maken in plaats van weggooien.",
        "themes": ["ontmoeting", "green"], "audience": ["everyone"], "languages": ["nl", "ar"],
        "cost": "free", "status": "active", "volunteer_roles": "Fietsen maken\nKoffie zetten",
        "place_ids": [str(place.id)]})
    assert response.status_code == 302, response.get_data(as_text=True)
    initiative = db.session.scalar(select(Initiative).where(Initiative.title == "Repaircafé Oost"))
    assert initiative is not None and initiative.status == "active" and not initiative.hidden
    assert stewardship.is_owner(resident, initiative)
    assert [p.id for p in initiative.places] == [place.id]
    assert initiative.gemeente_code == "GM0363"
    assert initiative.volunteer_roles == ["Fietsen maken", "Koffie zetten"]
    assert [r.kind for r in stewardship.history(initiative)] == ["create"]
    # Public at once.
    logout(client)
    detail = client.get(f"/initiatieven/{initiative.id}")
    assert detail.status_code == 200
    assert "Repaircafé Oost" in detail.get_data(as_text=True)
    assert "Fietsen maken" in detail.get_data(as_text=True)


def test_start_form_keeps_input_and_says_what_is_missing(client, login, make_user):
    login(client, make_user())
    response = client.post("/initiatieven/nieuw", data={"title": "Moestuin", "summary": "Samen tuinieren.",
                                                        "status": "active"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Kies een plek op Buurtplek, of geef een eigen plek op." in html
    assert 'value="Moestuin"' in html
    assert db.session.scalar(select(func.count()).select_from(Initiative)) == 0


def test_place_search_in_the_form_works_without_javascript(client, login, make_user, make_place):
    make_place("Buurthuis De Pijp")
    login(client, make_user())
    response = client.post("/initiatieven/nieuw", data={"title": "Taalcafé", "place_query": "pijp",
                                                        "action": "search_place", "status": "active"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Buurthuis De Pijp" in html and 'value="Taalcafé"' in html


def test_own_outdoor_location(client, login, make_user):
    resident = make_user()
    login(client, resident)
    response = client.post("/initiatieven/nieuw", data={
        "title": "Wandelgroep 65+", "summary": "Elke week samen wandelen.", "status": "active",
        "location_name": "Ingang Westerpark, Haarlemmerweg", "lat": "52.3863", "lon": "4.8795"})
    assert response.status_code == 302
    initiative = db.session.scalar(select(Initiative).where(Initiative.title == "Wandelgroep 65+"))
    lon, lat = services.coordinates(initiative)
    assert (round(lon, 4), round(lat, 4)) == (4.8795, 52.3863)
    assert initiative.gemeente_code == "GM0363" and initiative.places == []


def test_anonymous_is_sent_to_login(client, make_user, make_initiative):
    owner = make_user()
    initiative = make_initiative(owner)
    for url in ("/initiatieven/nieuw", f"/initiatieven/{initiative.id}/bewerken",
                f"/initiatieven/{initiative.id}/meedoen", f"/initiatieven/{initiative.id}/deelnemers",
                f"/initiatieven/{initiative.id}/activiteiten/nieuw", f"/initiatieven/{initiative.id}/contact"):
        response = client.get(url)
        assert response.status_code == 302 and "/inloggen" in response.headers["Location"], url
    before = _snapshot()
    response = client.post(f"/initiatieven/{initiative.id}/bewerken", data={"title": "Gekaapt"})
    assert response.status_code == 302 and "/inloggen" in response.headers["Location"]
    assert _snapshot() == before


def test_owner_only_routes_refuse_others_and_change_nothing(client, login, make_user, make_initiative,
                                                            add_activity):
    owner, other = make_user("Eigenaar"), make_user("Ander")
    initiative = make_initiative(owner)
    activity = add_activity(initiative, owner)
    login(client, other)
    base = f"/initiatieven/{initiative.id}"
    before = _snapshot()
    for method, url, data in [
        ("get", base + "/bewerken", None),
        ("post", base + "/bewerken", {"title": "Gekaapt", "summary": "x", "status": "ended",
                                      "version": str(initiative.version)}),
        ("get", base + "/activiteiten/nieuw", None),
        ("post", base + "/activiteiten/nieuw", {"title": "X", "starts_on": "2026-12-01", "start_time": "10:00",
                                                "end_time": "11:00", "frequency": "once"}),
        ("get", f"{base}/activiteiten/{activity.id}", None),
        ("post", f"{base}/activiteiten/{activity.id}", {"title": "X", "starts_on": "2026-12-01",
                                                        "start_time": "10:00", "end_time": "11:00",
                                                        "frequency": "once"}),
        ("post", f"{base}/activiteiten/{activity.id}/verwijderen", {}),
        ("post", f"{base}/activiteiten/{activity.id}/afzeggen", {"on_date": "2026-03-24"}),
        ("post", f"{base}/activiteiten/{activity.id}/toch-door", {"on_date": "2026-03-24"}),
        ("post", base + "/klopt-nog", {}),
        ("post", base + "/pauze-terugdraaien", {}),
        ("get", base + "/deelnemers", None),
    ]:
        response = getattr(client, method)(url, data=data)
        assert response.status_code == 403, (method, url)
    assert _snapshot() == before
    assert "Gegevens aanpassen" not in client.get(base).get_data(as_text=True)


def test_owner_edits_with_optimistic_locking(client, login, make_user, make_initiative):
    owner = make_user()
    initiative = make_initiative(owner)
    place_id = initiative.places[0].id
    login(client, owner)
    form = client.get(f"/initiatieven/{initiative.id}/bewerken")
    assert form.status_code == 200
    data = {"title": "Breiclub De Steek", "summary": "Nu ook haken!", "status": "active", "cost": "free",
            "place_ids": [str(place_id)], "version": str(initiative.version)}
    assert client.post(f"/initiatieven/{initiative.id}/bewerken", data=data).status_code == 302
    db.session.expire_all()
    assert initiative.summary == "Nu ook haken!" and initiative.version == 2
    # A second editor with the old version gets a conflict and keeps their text.
    stale = dict(data, summary="Mijn oude tekst", version="1")
    response = client.post(f"/initiatieven/{initiative.id}/bewerken", data=stale)
    assert response.status_code == 409
    assert "Mijn oude tekst" in response.get_data(as_text=True)
    db.session.expire_all()
    assert initiative.summary == "Nu ook haken!"


def test_owner_adds_activity_and_cancels_a_date(client, login, make_user, make_initiative):
    owner = make_user()
    initiative = make_initiative(owner)
    login(client, owner)
    first = date.today() + timedelta(days=1)
    response = client.post(f"/initiatieven/{initiative.id}/activiteiten/nieuw", data={
        "title": "Breiavond", "place_id": str(initiative.places[0].id), "starts_on": first.isoformat(),
        "start_time": "19:30", "end_time": "21:00", "frequency": "weekly", "month_week": "0"})
    assert response.status_code == 302, response.get_data(as_text=True)
    activity = initiative.activities[0]
    assert (activity.frequency, activity.start_time) == ("weekly", time(19, 30))
    second = first + timedelta(days=7)
    response = client.post(f"/initiatieven/{initiative.id}/activiteiten/{activity.id}/afzeggen",
                           data={"on_date": second.isoformat(), "reason": "Bibliotheek dicht"})
    assert response.status_code == 302
    assert activity.cancelled_dates == {second}
    page = client.get(f"/initiatieven/{initiative.id}").get_data(as_text=True)
    assert "Gaat niet door" in page and "Bibliotheek dicht" in page
    # A date that is not one of its dates is refused.
    client.post(f"/initiatieven/{initiative.id}/activiteiten/{activity.id}/afzeggen",
                data={"on_date": (second + timedelta(days=1)).isoformat()})
    db.session.expire_all()
    assert activity.cancelled_dates == {second}
    # And it can go ahead after all.
    client.post(f"/initiatieven/{initiative.id}/activiteiten/{activity.id}/toch-door",
                data={"on_date": second.isoformat()})
    db.session.expire_all()
    assert activity.cancelled_dates == set()
    bad = client.post(f"/initiatieven/{initiative.id}/activiteiten/nieuw", data={
        "title": "Kapot", "starts_on": "niet-een-datum", "start_time": "19:30", "end_time": "21:00",
        "frequency": "weekly"})
    assert bad.status_code == 400
    assert 'value="Kapot"' in bad.get_data(as_text=True)


def test_doe_mee_list_is_for_owners_only(client, login, logout, make_user, make_initiative):
    owner, resident, other = make_user("Eigenaar"), make_user("Karin Deelnemer"), make_user("Nieuwsgierig")
    initiative = make_initiative(owner, volunteer_roles=["Koffie zetten"])
    login(client, resident)
    response = client.post(f"/initiatieven/{initiative.id}/meedoen",
                           data={"kind": "volunteer", "role": "Koffie zetten", "message": "Ik kom graag helpen"})
    assert response.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Participation)) == 1
    mail = db.session.scalar(select(OutboxMail).where(OutboxMail.kind == "initiatives.join"))
    assert mail.to_address == owner.email
    # The resident sees they joined, but not a list of others.
    page = client.get(f"/initiatieven/{initiative.id}").get_data(as_text=True)
    assert "U doet mee" in page
    assert client.get(f"/initiatieven/{initiative.id}/deelnemers").status_code == 403
    assert client.get(f"/api/v1/initiatives/{initiative.id}/participants").status_code == 403
    # Others: no names anywhere, not on the page, not in the API.
    login(client, other)
    assert "Karin Deelnemer" not in client.get(f"/initiatieven/{initiative.id}").get_data(as_text=True)
    assert client.get(f"/initiatieven/{initiative.id}/deelnemers").status_code == 403
    assert client.get(f"/api/v1/initiatives/{initiative.id}/participants").status_code == 403
    api = client.get(f"/api/v1/initiatives/{initiative.id}").get_data(as_text=True)
    assert "Karin Deelnemer" not in api and "Ik kom graag helpen" not in api
    logout(client)
    assert client.get(f"/api/v1/initiatives/{initiative.id}/participants").status_code == 401
    # The owner sees who.
    login(client, owner)
    listing = client.get(f"/initiatieven/{initiative.id}/deelnemers")
    assert listing.status_code == 200 and "Karin Deelnemer" in listing.get_data(as_text=True)
    api = client.get(f"/api/v1/initiatives/{initiative.id}/participants").get_json()
    assert api["participants"][0]["name"] == "Karin Deelnemer"
    assert api["participants"][0]["role"] == "Koffie zetten"
    # The resident withdraws: the row is gone.
    login(client, resident)
    assert client.post(f"/initiatieven/{initiative.id}/meedoen/intrekken").status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Participation)) == 0


def test_contact_form_mails_owners_without_showing_their_address(client, login, make_user, make_initiative):
    owner, resident = make_user("Eigenaar"), make_user("Vraagsteller")
    initiative = make_initiative(owner)
    page = client.get(f"/initiatieven/{initiative.id}").get_data(as_text=True)
    assert owner.email not in page
    login(client, resident)
    assert client.post(f"/initiatieven/{initiative.id}/contact", data={"message": "Mag mijn kleinzoon mee?",
                                                                     "share_email": "y"}).status_code == 302
    mail = db.session.scalar(select(OutboxMail).where(OutboxMail.kind == "initiatives.contact"))
    assert mail.to_address == owner.email
    assert "Mag mijn kleinzoon mee?" in mail.body and resident.email in mail.body
    short = client.post(f"/initiatieven/{initiative.id}/contact", data={"message": "hi"})
    assert short.status_code == 400


def test_hidden_initiative_is_not_shown(client, login, make_user, make_initiative):
    owner = make_user()
    initiative = make_initiative(owner)
    initiative.hidden = True
    db.session.commit()
    assert client.get(f"/initiatieven/{initiative.id}").status_code == 404
    assert client.get(f"/api/v1/initiatives/{initiative.id}").status_code == 404
    login(client, owner)
    assert client.get(f"/initiatieven/{initiative.id}").status_code == 200


def test_posters_have_qr_code_and_next_dates(client, make_user, make_initiative, add_activity, app):
    owner = make_user()
    initiative = make_initiative(owner)
    add_activity(initiative, owner, starts_on=date.today())
    response = client.get(f"/initiatieven/{initiative.id}/poster")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<svg" in html and 'role="img"' in html
    assert f"{app.config['PUBLIC_URL']}/initiatieven/{initiative.id}" in html
    assert "19:30" in html
    place = initiative.places[0]
    place_poster = client.get(f"/plekken/{place.id}/poster").get_data(as_text=True)
    assert "Breiclub De Steek" in place_poster and "<svg" in place_poster
    assert client.get("/plekken/999999/poster").status_code == 404


def test_place_panel_lists_initiatives(app, make_user, make_initiative, add_activity):
    from flask import render_template_string

    owner = make_user()
    initiative = make_initiative(owner)
    add_activity(initiative, owner, starts_on=date.today())
    with app.test_request_context("/"):
        html = render_template_string('{% include "initiatives/place_panel.html" %}', place=initiative.places[0])
    assert "Breiclub De Steek" in html and "19:30" in html


def test_export_contains_own_initiatives(make_user, make_initiative):
    from webapp.initiatives.export import export_user_data

    owner = make_user()
    initiative = make_initiative(owner)
    assert export_user_data(owner)["initiatives_owned"] == [{"id": initiative.id, "title": initiative.title}]


def test_own_location_needs_a_point(client, login, make_user):
    login(client, make_user())
    response = client.post("/initiatieven/nieuw", data={
        "title": "Wandelgroep", "summary": "Samen wandelen.", "status": "active",
        "location_name": "Bij de vijver"})
    assert response.status_code == 400
    assert "Geef ook aan waar de eigen plek is" in response.get_data(as_text=True)
    outside = client.post("/initiatieven/nieuw", data={
        "title": "Wandelgroep", "summary": "Samen wandelen.", "status": "active",
        "location_name": "Bij de vijver", "lat": "48.85", "lon": "2.35"})
    assert outside.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(Initiative)) == 0


def test_place_page_shows_initiatives_held_there(client, app, make_user, make_initiative, add_activity):
    assert "places.detail" in app.view_functions
    owner = make_user()
    initiative = make_initiative(owner)
    add_activity(initiative, owner, starts_on=date.today())
    html = client.get(f"/plekken/{initiative.places[0].id}").get_data(as_text=True)
    assert "Initiatieven op deze plek" in html and "Breiclub De Steek" in html
    assert f"/plekken/{initiative.places[0].id}/poster" in html
