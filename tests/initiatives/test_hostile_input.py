"""Issue 10, findings 3, 7 and 10 (Host) for initiatives: no leak of non-public places, hostile input is
a clear 4xx (never a 500, nothing saved), recurrence expansion is bounded, absolute links use PUBLIC_URL."""
from __future__ import annotations

import time as clock
from datetime import UTC, date, datetime, time, timedelta
from types import SimpleNamespace

import pytest
from dateutil.rrule import MONTHLY, WEEKLY, rrule, weekday
from sqlalchemy import func, select

from tests.initiatives.conftest import AMSTERDAM
from webapp.extensions import db
from webapp.initiatives import place_picker, recurrence, services
from webapp.initiatives.models import Activity, Initiative
from webapp.stewardship import services as stewardship

NL = {"Accept-Language": "nl"}


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# --- finding 3: places_by_ids leaked proposed and rejected places --------------------------------------------

@pytest.fixture
def non_public(make_place):
    return {"proposed": make_place("Geheim Voorstel Plek", status="proposed"),
            "rejected": make_place("Afgewezen Plek Zuid", status="rejected"),
            "closed": make_place("Gesloten Plek West", status="closed"),
            "hidden": make_place("Verborgen Plek Noord", hidden=True)}


def test_a_stranger_can_choose_only_listed_places(make_user, make_place, non_public):
    public = make_place("Open Bibliotheek")
    stranger = make_user()
    ids = [public.id] + [p.id for p in non_public.values()]
    assert [p.id for p in place_picker.by_ids(stranger, ids)] == [public.id]
    assert place_picker.by_ids(stranger, ["2147483648", "abc", "\u00b2", "-1", str(public.id)]) == [public]


def test_searching_a_place_does_not_show_name_or_address_of_non_public_places(client, login, make_user, make_place,
                                                                              non_public):
    public = make_place("Open Bibliotheek")
    for place in non_public.values():
        place.address = f"Adres van {place.name}"
    db.session.commit()
    login(client, make_user())
    ids = [str(public.id)] + [str(p.id) for p in non_public.values()]
    response = client.post("/initiatieven/nieuw", data={"title": "T", "action": "search_place", "status": "active",
                                                        "place_ids": ids})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Open Bibliotheek" in html          # the public place stays chosen
    for place in non_public.values():
        assert place.name not in html and "Adres van" not in html


def _own(place, user):
    stewardship.add_owner(place, user)
    db.session.commit()


def test_the_owner_of_a_proposed_place_can_attach_it_and_only_organisers_see_it(client, login, make_user,
                                                                                make_place):
    """A resident who proposed a place can start an initiative there at once; until the place is published
    its name shows only to the initiative's organisers (not on the public page, API, poster or feed)."""
    owner = make_user()
    mine = make_place("Mijn Voorgestelde Plek", status="proposed", address="Voorstelstraat 9")
    _own(mine, owner)
    login(client, owner)
    form = client.get("/initiatieven/nieuw").get_data(as_text=True)
    assert "Mijn Voorgestelde Plek" in form and "nog niet gepubliceerd" in form   # offered at once
    response = client.post("/initiatieven/nieuw", data={"title": "Koffie", "summary": "Samen koffie.",
                                                        "place_ids": [str(mine.id)]})
    assert response.status_code == 302
    initiative = db.session.scalars(select(Initiative).where(Initiative.title == "Koffie")).one()
    assert [p.id for p in initiative.places] == [mine.id]
    own_page = client.get(f"/initiatieven/{initiative.id}").get_data(as_text=True)
    assert "Mijn Voorgestelde Plek" in own_page and "Nog niet gepubliceerd" in own_page
    anonymous = client.application.test_client()
    for url in (f"/initiatieven/{initiative.id}", f"/api/v1/initiatives/{initiative.id}",
                f"/initiatieven/{initiative.id}/poster", f"/initiatieven/{initiative.id}/agenda.ics"):
        body = anonymous.get(url).get_data(as_text=True)
        assert "Mijn Voorgestelde Plek" not in body and "Voorstelstraat" not in body, url
    mine.status = "published"
    db.session.commit()
    assert "Mijn Voorgestelde Plek" in anonymous.get(f"/initiatieven/{initiative.id}").get_data(as_text=True)


def test_whats_on_does_not_name_a_place_that_is_still_a_proposal(make_user, make_place, add_activity):
    """An activity at the organiser's own proposal is found in "Wat is er te doen?", without the place's name
    (and the feed's line says no place) until the place is published."""
    owner = make_user()
    mine = make_place("Mijn Voorgestelde Plek", status="proposed")
    _own(mine, owner)
    initiative = services.create_initiative(owner, {"title": "Koffie", "summary": "Samen koffie."}, [mine.id])
    db.session.commit()
    add_activity(initiative, owner, starts_on=date(2026, 10, 20), place_id=mine.id)
    window = (datetime(2026, 10, 19, tzinfo=UTC), datetime(2026, 10, 26, tzinfo=UTC))
    found = services.whats_on(*window, *AMSTERDAM, 5000)
    assert [f.initiative.title for f in found] == ["Koffie"] and found[0].place is None
    mine.status = "published"
    db.session.commit()
    assert [f.place.name for f in services.whats_on(*window, *AMSTERDAM, 5000)] == ["Mijn Voorgestelde Plek"]


@pytest.mark.parametrize("kind", ["proposed", "rejected", "closed", "hidden"])
def test_nobody_attaches_a_place_they_may_not_choose(client, login, make_user, make_place, non_public, kind):
    """Somebody else's proposal, and a rejected, closed or hidden place (even one's own): 400, nothing saved,
    nothing about the place shown."""
    user = make_user()
    place = non_public[kind]
    if kind != "proposed":
        _own(place, user)     # owning it does not help
    login(client, user)
    before = _count(Initiative)
    response = client.post("/initiatieven/nieuw", data={"title": "Koffie", "summary": "Samen koffie.",
                                                        "place_ids": [str(place.id)]})
    assert response.status_code == 400
    assert place.name not in response.get_data(as_text=True)
    assert _count(Initiative) == before


def test_the_picker_finds_own_proposals_not_others_nearest_first(client, login, make_user, make_place):
    owner, stranger = make_user(), make_user()
    near = make_place("Buurthuis Dichtbij", lonlat=(4.9000, 52.3700))
    far = make_place("Buurthuis Veraf", lonlat=(4.9500, 52.3900))
    proposal = make_place("Buurthuis Voorstel", lonlat=(4.9010, 52.3705), status="proposed")
    _own(proposal, owner)
    login(client, owner)
    response = client.get("/initiatieven/plekken-zoeken?q=buurthuis&lat=52.37&lon=4.90")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "private, no-store"
    results = response.get_json()["results"]
    assert [r["id"] for r in results] == [near.id, proposal.id, far.id]
    assert [r["proposed"] for r in results] == [False, True, False]
    assert results[0]["distance_m"] < results[1]["distance_m"] < results[2]["distance_m"]
    login(client, stranger)
    ids = {r["id"] for r in client.get("/initiatieven/plekken-zoeken?q=buurthuis").get_json()["results"]}
    assert ids == {near.id, far.id}


@pytest.mark.parametrize("query", ["q=buurthuis&lat=abc&lon=4.9", "q=buurthuis&lat=95&lon=4.9",
                                   "q=buurthuis&lat=52.3", "q=" + "x" * 101, "q=a&lon=nan&lat=52"])
def test_the_picker_refuses_bad_input_with_a_message(client, login, make_user, query):
    login(client, make_user())
    response = client.get("/initiatieven/plekken-zoeken?" + query, headers=NL)
    assert response.status_code == 400 and response.get_json()["error"]


def test_the_picker_needs_a_login(client):
    response = client.get("/initiatieven/plekken-zoeken?q=buurthuis")
    assert response.status_code == 401 and response.get_json()["error"]


# --- finding 7: hostile form input -------------------------------------------------------------------------

BASE = {"title": "Repaircafé", "summary": "Samen repareren.", "status": "active"}


@pytest.mark.parametrize("extra, message", [
    ({"themes": ["social"]}, "Deze keuze kennen we niet: social"),
    ({"audience": ["aliens"]}, "Deze keuze kennen we niet: aliens"),
    ({"place_ids": ["2147483648"]}, "Deze keuze kennen we niet: 2147483648"),
    ({"place_ids": ["99999999999999999999999"]}, "Deze keuze kennen we niet"),
    ({"lat": "NaN", "lon": "4.9", "location_name": "Park"}, "Vul een getal in, zoals 52.37."),
    ({"lat": "52.3", "lon": "sNaN", "location_name": "Park"}, "Vul een getal in, zoals 52.37."),
    ({"lat": "1e999999", "lon": "4.9", "location_name": "Park"}, "Deze plek ligt niet in Nederland."),
    ({"title": "x" * 10_000}, "10000"),
])
def test_hostile_initiative_form_is_a_400_with_a_dutch_message_and_saves_nothing(client, login, make_user,
                                                                                  make_place, extra, message):
    place = make_place()
    login(client, make_user())
    before = _count(Initiative)
    data = {**BASE, "place_ids": [str(place.id)], **extra}
    response = client.post("/initiatieven/nieuw", data=data, headers=NL)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    if message != "10000":
        assert message in html
    else:
        assert "Veld mag niet langer zijn dan 160 karakters" in html or "160" in html
    assert _count(Initiative) == before


def test_json_posted_to_a_form_route_is_a_415_in_dutch(client, login, make_user):
    login(client, make_user())
    before = _count(Initiative)
    response = client.post("/initiatieven/nieuw", json={"title": {"nested": [1, 2]}, "themes": "social"},
                           headers=NL)
    assert response.status_code == 415
    assert "Stuur dit formulier vanaf de website" in response.get_data(as_text=True)
    assert _count(Initiative) == before


@pytest.mark.parametrize("starts_on", ["0001-01-01", "9999-12-31", "1999-12-31"])
def test_activity_dates_out_of_range_are_a_form_error(client, login, make_user, make_initiative, starts_on):
    owner = make_user()
    initiative = make_initiative(owner)
    login(client, owner)
    before = _count(Activity)
    response = client.post(f"/initiatieven/{initiative.id}/activiteiten/nieuw", headers=NL, data={
        "title": "Avond", "place_id": str(initiative.places[0].id), "starts_on": starts_on,
        "start_time": "23:00", "end_time": "01:00", "frequency": "weekly", "month_week": "0"})
    assert response.status_code == 400
    assert "Kies een datum tussen 1 januari 2000 en" in response.get_data(as_text=True)
    assert _count(Activity) == before


# --- finding 7: the API's dates ----------------------------------------------------------------------------

@pytest.mark.parametrize("query, param", [
    ("from=9999-12-31T00:00:00Z", "from"),
    ("from=9999-11-01", "from"),
    ("from=0001-01-01T00:00%2B14:00", "from"),
    ("from=0001-01-01", "from"),
    ("to=9999-12-31T23:59:59-14:00", "to"),
    ("from=2026-01-01&to=9999-01-01", "to"),
    ("radius=%C2%B2", "radius"),
    ("limit=99999999999999999999", "limit"),
])
def test_api_dates_out_of_range_are_a_400_naming_the_parameter(client, query, param):
    response = client.get(f"/api/v1/initiatives?lat={AMSTERDAM[1]}&lon={AMSTERDAM[0]}&{query}", headers=NL)
    assert response.status_code == 400, query
    error = response.get_json()["error"]
    assert error["param"] == param
    assert error["message"] and "moet" in error["message"] or "mag" in error["message"]


def test_api_says_how_far_away_a_date_may_be(client):
    response = client.get("/api/v1/initiatives?from=9999-11-01", headers={"Accept-Language": "nl"})
    assert response.get_json()["error"]["message"] == "from mag hoogstens 5 jaar van vandaag liggen."


def test_far_periods_are_fast_and_correct(client, make_user, make_initiative, add_activity):
    """A weekly activity since 2020, asked for a month almost 5 years ahead: quick, and the right Tuesdays."""
    owner = make_user()
    initiative = make_initiative(owner)
    add_activity(initiative, owner, starts_on=date(2020, 1, 7), frequency="weekly")       # a Tuesday
    add_activity(initiative, owner, starts_on=date(2020, 1, 7), frequency="monthly", title="Maandavond")
    start = (datetime.now(UTC) + timedelta(days=365 * 4 + 300)).date().replace(day=1)
    started = clock.perf_counter()
    response = client.get(f"/api/v1/initiatives?lat={AMSTERDAM[1]}&lon={AMSTERDAM[0]}&from={start}"
                          f"&to={start + timedelta(days=31)}")
    elapsed = clock.perf_counter() - started
    assert response.status_code == 200
    assert elapsed < 2.0
    dates = response.get_json()["features"][0]["properties"]["next_dates"]
    local = [datetime.fromisoformat(d["start"]).astimezone(recurrence.ZoneInfo("Europe/Amsterdam")) for d in dates]
    assert local and all(d.weekday() == 1 and d.time() == time(19, 30) for d in local)
    assert any(d["activity"] == "Maandavond" for d in dates)


# --- recurrence: bounded, and the same dates as the unbounded rule ---------------------------------------

def _activity(starts_on, frequency, month_week=None, ends_on=None, start=time(19, 30), end=time(21, 0)):
    return SimpleNamespace(id=1, starts_on=starts_on, start_time=start, end_time=end, frequency=frequency,
                           month_week=month_week, ends_on=ends_on, timezone="Europe/Amsterdam", cancelled_dates=set())


def _naive(activity, first: date, last: date) -> list[datetime]:
    """The dates the way the code worked before: the whole rule from the activity's first date."""
    dtstart = datetime.combine(activity.starts_on, activity.start_time)
    if activity.ends_on:
        last = min(last, activity.ends_on)
    until = datetime.combine(last, activity.start_time)
    if activity.frequency == "monthly":
        n = activity.month_week or recurrence.nth_weekday_of(activity.starts_on)
        rule = rrule(MONTHLY, byweekday=weekday(activity.starts_on.weekday(), n), dtstart=dtstart, until=until)
    else:
        rule = rrule(WEEKLY, interval=2 if activity.frequency == "biweekly" else 1, dtstart=dtstart, until=until)
    return [d for d in rule if d.date() >= first]


@pytest.mark.parametrize("frequency, month_week", [("weekly", None), ("biweekly", None), ("monthly", None),
                                                   ("monthly", -1), ("monthly", 2)])
@pytest.mark.parametrize("starts_on", [date(2020, 1, 31), date(2024, 2, 29), date(2026, 3, 17)])
@pytest.mark.parametrize("window", [(date(2026, 3, 1), 40), (date(2027, 10, 30), 5), (date(2029, 12, 20), 366)])
def test_bounded_expansion_gives_the_same_dates_as_the_whole_rule(frequency, month_week, starts_on, window):
    activity = _activity(starts_on, frequency, month_week)
    first, days = window
    assert recurrence._local_starts(activity, first, first + timedelta(days=days)) == \
        _naive(activity, first, first + timedelta(days=days))


def test_expansion_has_a_hard_cap():
    activity = _activity(date(2000, 1, 4), "weekly")
    start = datetime(2000, 1, 1, tzinfo=UTC)
    started = clock.perf_counter()
    found = recurrence.expand(activity, start, datetime(9999, 12, 31, tzinfo=UTC))
    assert clock.perf_counter() - started < 1.0
    assert 0 < len(found) <= recurrence.MAX_INSTANCES
    assert found[-1].start <= start + recurrence.MAX_WINDOW
    assert recurrence.expand(activity, datetime(9999, 12, 30, tzinfo=UTC),
                             datetime(9999, 12, 31, 23, tzinfo=UTC)) == []


# --- finding 10: absolute links never use the request's Host ---------------------------------------------

def test_api_feeds_and_posters_use_public_url_not_the_host_header(app, client, make_user, make_initiative,
                                                                  add_activity):
    owner = make_user()
    initiative = make_initiative(owner)
    add_activity(initiative, owner, starts_on=date.today(), frequency="weekly")
    public = app.config["PUBLIC_URL"].rstrip("/")
    evil = {"Host": "evil.example"}
    listing = client.get(f"/api/v1/initiatives?lat={AMSTERDAM[1]}&lon={AMSTERDAM[0]}", headers=evil)
    one = client.get(f"/api/v1/initiatives/{initiative.id}", headers=evil)
    ics = client.get(f"/initiatieven/{initiative.id}/agenda.ics", headers=evil)
    feed = client.get(f"/wat-is-er-te-doen.ics?lat={AMSTERDAM[1]}&lon={AMSTERDAM[0]}", headers=evil)
    poster = client.get(f"/initiatieven/{initiative.id}/poster", headers=evil)
    place_poster = client.get(f"/plekken/{initiative.places[0].id}/poster", headers=evil)
    for response in (listing, one, ics, feed, poster, place_poster):
        assert response.status_code == 200
        body = response.get_data(as_text=True)
        assert "evil.example" not in body
    props = one.get_json()["properties"]
    assert props["url"] == f"{public}/initiatieven/{initiative.id}"
    assert props["ical_url"] == f"{public}/initiatieven/{initiative.id}/agenda.ics"
    assert listing.get_json()["features"][0]["properties"]["url"] == props["url"]
    assert f"{public}/initiatieven/{initiative.id}" in ics.get_data(as_text=True).replace("\r\n ", "")
    assert f"{public}/initiatieven/{initiative.id}" in poster.get_data(as_text=True)


@pytest.mark.parametrize("title", ["Koffie\x00ochtend", "Koffie\x1b[31mochtend", "Koffie\x7f"])
def test_control_characters_are_a_400_in_dutch_and_save_nothing(client, login, make_user, make_place, title):
    """PostgreSQL refuses NUL in text: before, the title reached the database and the answer was a 500."""
    place = make_place()
    login(client, make_user())
    before = _count(Initiative)
    response = client.post("/initiatieven/nieuw", headers=NL, data={**BASE, "title": title,
                                                                     "place_ids": [str(place.id)]})
    assert response.status_code == 400
    assert "onzichtbaar stuurteken" in response.get_data(as_text=True)
    assert _count(Initiative) == before
    api = client.get("/api/v1/initiatives?theme=%00", headers=NL)
    assert api.status_code == 400 and "stuurteken" in api.get_json()["error"]["message"]
