""""Wat is er te doen?", the iCalendar feeds and the API."""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import icalendar
import pytest

from tests.initiatives.conftest import AMSTERDAM, UTRECHT
from webapp.extensions import db
from webapp.initiatives import clock, services

NOW = datetime(2026, 10, 19, 8, 0, tzinfo=UTC)  # Monday; winter time starts Sunday 25 October


@pytest.fixture
def neighbourhood(make_user, make_place, make_initiative, add_activity):
    """Three initiatives near the Oosterpark and one in Utrecht, with activities this week."""
    owner = make_user("Eigenaar")
    near = make_place("Bibliotheek Oost", AMSTERDAM, wheelchair="yes")
    further = make_place("Buurthuis Dapper", (4.9300, 52.3640), wheelchair="no")  # ~800 m
    utrecht = make_place("Wijkcentrum Utrecht", UTRECHT)
    knit = make_initiative(owner, "Breiclub", near, themes=("ontmoeting",), cost="free")
    repair = make_initiative(owner, "Repaircafé", further, themes=("green",), cost="contribution")
    lang = make_initiative(owner, "Taalcafé", near, themes=("language",), cost="free", audience=["newcomers"])
    far = make_initiative(owner, "Utrechtse wandelgroep", utrecht)
    a_knit = add_activity(knit, owner, starts_on=date(2026, 10, 6), start=time(19, 30), end=time(21, 0))  # Tue
    a_repair = add_activity(repair, owner, starts_on=date(2026, 10, 20), start=time(19, 30), end=time(22, 0),
                            frequency="once", title="Repareren")  # Tue same time, further away
    a_lang = add_activity(lang, owner, starts_on=date(2026, 10, 22), start=time(10, 0), end=time(12, 0),
                          frequency="biweekly", title="Praten")  # Thu
    add_activity(far, owner, starts_on=date(2026, 10, 21), start=time(9, 0), end=time(10, 0))
    services.cancel_date(a_knit, owner, date(2026, 10, 20 + 7))  # 27 Oct
    db.session.commit()
    return {"owner": owner, "knit": knit, "repair": repair, "lang": lang, "far": far, "a_knit": a_knit,
            "a_repair": a_repair, "a_lang": a_lang, "near": near}


def _titles(found):
    return [(f.instance.local_date.isoformat(), f.initiative.title) for f in found]


def test_whats_on_sorted_by_time_then_distance(neighbourhood, count_queries):
    lon, lat = AMSTERDAM
    with count_queries() as counter:
        found = services.whats_on(NOW, NOW + timedelta(days=9), lon, lat, 5000)
    assert counter.count == 1  # one statement: the candidates, their dates, the order and the page
    assert _titles(found) == [
        ("2026-10-20", "Breiclub"),    # Tue 19:30, 0 m
        ("2026-10-20", "Repaircafé"),  # Tue 19:30, ~800 m
        ("2026-10-22", "Taalcafé"),    # Thu 10:00 (every other week: next on 5 November)
        ("2026-10-27", "Breiclub"),    # cancelled: shown as "gaat niet door"
    ]
    assert found[0].distance < found[1].distance
    assert found[-1].instance.cancelled
    # After the clock change 19:30 local is 18:30 UTC.
    assert found[-1].instance.start == datetime(2026, 10, 27, 18, 30, tzinfo=UTC)
    assert found[0].instance.start == datetime(2026, 10, 20, 17, 30, tzinfo=UTC)


def test_whats_on_filters(neighbourhood):
    lon, lat = AMSTERDAM
    week = (NOW, NOW + timedelta(days=7))
    assert {f.initiative.title for f in services.whats_on(*week, lon, lat, 5000, theme="language")} == {"Taalcafé"}
    assert {f.initiative.title for f in services.whats_on(*week, lon, lat, 5000, free=True)} == {"Breiclub",
                                                                                              "Taalcafé"}
    assert {f.initiative.title for f in services.whats_on(*week, lon, lat, 5000, audience="newcomers")} == {
        "Taalcafé"}
    assert {f.initiative.title for f in services.whats_on(*week, lon, lat, 5000, access=("wheelchair",))} == {
        "Breiclub", "Taalcafé"}
    assert {f.initiative.title for f in services.whats_on(*week, lon, lat, 300)} == {"Breiclub", "Taalcafé"}
    neighbourhood["lang"].hidden = True
    db.session.commit()
    assert "Taalcafé" not in {f.initiative.title for f in services.whats_on(*week, lon, lat, 5000)}


def test_whats_on_page_without_javascript(client, neighbourhood):
    page = client.get("/wat-is-er-te-doen")
    assert page.status_code == 200 and "Kies eerst waar u zoekt" in page.get_data(as_text=True)
    html = client.get(f"/wat-is-er-te-doen?lat={AMSTERDAM[1]}&lon={AMSTERDAM[0]}&radius=5000").get_data(as_text=True)
    assert "Breiclub" in html and "Utrechtse wandelgroep" not in html
    by_gemeente = client.get("/wat-is-er-te-doen?gemeente=GM0344&radius=25000").get_data(as_text=True)
    assert "Utrechtse wandelgroep" in by_gemeente and "Breiclub" not in by_gemeente
    bad = client.get("/wat-is-er-te-doen?lat=abc&lon=4.9")
    assert bad.status_code == 400 and "lat moet een getal zijn" in bad.get_data(as_text=True)
    assert client.get("/wat-is-er-te-doen?gemeente=GM9999").status_code == 400
    assert client.get("/wat-is-er-te-doen?lat=52.3&lon=4.9&radius=999999").status_code == 400


def test_initiative_ical_feed_parses_with_right_instances(client, neighbourhood, monkeypatch):
    monkeypatch.setattr(clock, "utcnow", lambda: NOW)
    knit = neighbourhood["knit"]
    response = client.get(f"/initiatieven/{knit.id}/agenda.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    calendar = icalendar.Calendar.from_ical(response.data)
    events = [c for c in calendar.walk("VEVENT")]
    starts = [e.decoded("dtstart") for e in events]
    # Window: 30 days back, 365 days ahead; weekly on Tuesday from 6 October; 27 October cancelled.
    assert datetime(2026, 10, 20, 17, 30, tzinfo=UTC) in starts
    assert datetime(2026, 11, 3, 18, 30, tzinfo=UTC) in starts
    assert all(s.astimezone(UTC).date() != date(2026, 10, 27) for s in starts)
    uids = [str(e["uid"]) for e in events]
    assert len(uids) == len(set(uids))
    assert f"activity-{neighbourhood['a_knit'].id}-20261020@buurtplek" in uids
    first = events[0]
    assert str(first["summary"]) == "Breiclub: Breiavond"
    assert "Bibliotheek Oost" in str(first["location"])
    assert first.decoded("dtend") - first.decoded("dtstart") == timedelta(hours=1, minutes=30)


def test_search_ical_feed(client, neighbourhood, monkeypatch):
    monkeypatch.setattr(clock, "utcnow", lambda: NOW)
    response = client.get(f"/wat-is-er-te-doen.ics?lat={AMSTERDAM[1]}&lon={AMSTERDAM[0]}&radius=2000&theme=green")
    calendar = icalendar.Calendar.from_ical(response.data)
    events = list(calendar.walk("VEVENT"))
    assert [str(e["summary"]) for e in events] == ["Repaircafé: Repareren"]
    assert client.get("/wat-is-er-te-doen.ics").status_code == 400
    assert client.get("/wat-is-er-te-doen.ics?lat=x&lon=1").status_code == 400


def test_api_list_is_geojson_with_next_dates(client, neighbourhood):
    response = client.get(f"/api/v1/initiatives?lat={AMSTERDAM[1]}&lon={AMSTERDAM[0]}&radius=5000"
                          "&from=2026-10-19&to=2026-11-01")
    assert response.status_code == 200
    body = response.get_json()
    assert body["type"] == "FeatureCollection"
    titles = [f["properties"]["title"] for f in body["features"]]
    assert set(titles) == {"Breiclub", "Repaircafé", "Taalcafé"}
    knit = next(f for f in body["features"] if f["properties"]["title"] == "Breiclub")
    assert knit["geometry"]["type"] == "Point"
    dates = knit["properties"]["next_dates"]
    assert [d["start"] for d in dates] == ["2026-10-20T17:30:00+00:00", "2026-10-27T18:30:00+00:00"]
    assert [d["cancelled"] for d in dates] == [False, True]
    only_green = client.get(f"/api/v1/initiatives?lat={AMSTERDAM[1]}&lon={AMSTERDAM[0]}&theme=green").get_json()
    assert [f["properties"]["title"] for f in only_green["features"]] == ["Repaircafé"]


def test_api_detail(client, neighbourhood):
    knit = neighbourhood["knit"]
    body = client.get(f"/api/v1/initiatives/{knit.id}").get_json()
    assert body["properties"]["title"] == "Breiclub"
    assert body["properties"]["activities"][0]["frequency"] == "weekly"
    assert body["properties"]["activities"][0]["cancelled_dates"] == ["2026-10-27"]
    assert neighbourhood["owner"].email not in str(body)
    missing = client.get("/api/v1/initiatives/999999")
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("query, param", [
    ("lat=abc&lon=4.9", "lat"),
    ("lat=52.3", "lon"),
    ("lon=4.9", "lat"),
    ("lat=95&lon=4.9", "lat"),
    ("lat=52.3&lon=4.9&radius=-5", "radius"),
    ("lat=52.3&lon=4.9&radius=9999999", "radius"),
    ("lat=52.3&lon=4.9&radius=1e3", "radius"),
    ("from=gisteren", "from"),
    ("to=2026-13-01", "to"),
    ("from=2026-10-10&to=2026-10-01", "to"),
    ("from=2026-01-01&to=2028-01-01", "to"),
    ("theme=voetbal", "theme"),
    ("limit=0", "limit"),
    ("lat=nan&lon=4.9", "lat"),
    ("lat=inf&lon=4.9", "lat"),
])
def test_api_bad_input_names_the_parameter(client, query, param):
    response = client.get(f"/api/v1/initiatives?{query}")
    assert response.status_code == 400, query
    error = response.get_json()["error"]
    assert error["param"] == param and error["message"]


def test_openapi_lists_the_initiatives_api(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "/api/v1/initiatives" in paths and "/api/v1/initiatives/{initiative_id}" in paths


def test_outdoor_initiative_is_found_by_its_own_location(make_user, add_activity):
    owner = make_user()
    walk = services.create_initiative(owner, {"title": "Wandelgroep 65+", "summary": "Samen wandelen.",
                                              "status": "active", "location_name": "Ingang Oosterpark"},
                                      own_location=(4.9180, 52.3590), now=NOW)
    db.session.commit()
    add_activity(walk, owner, starts_on=date(2026, 10, 21), start=time(10), end=time(11))
    found = services.whats_on(NOW, NOW + timedelta(days=7), *AMSTERDAM, 1000)
    assert [(f.initiative.title, f.place) for f in found] == [("Wandelgroep 65+", None)]
    assert 100 < found[0].distance < 300
    assert services.whats_on(NOW, NOW + timedelta(days=7), *UTRECHT, 5000) == []


def test_pages_render_in_english(client, neighbourhood):
    client.set_cookie("lang", "en")
    knit = neighbourhood["knit"]
    # (English from the catalog that must be on the page, its Dutch original that must not)
    common = [("Skip to content", "Naar de inhoud"),
              ("Buurtplek helps neighbours meet each other.", "Buurtplek helpt buren elkaar te ontmoeten.")]
    pages = {
        f"/initiatieven/{knit.id}": [],
        "/wat-is-er-te-doen?gemeente=GM0363": [
            ("Activities near you in the next 7 days.", "Activiteiten bij u in de buurt in de komende 7 dagen.")],
        f"/initiatieven/{knit.id}/poster": [
            ("Print this page on A4 and put it up", "Print deze pagina op A4 en hang hem op")],
    }
    for url, texts in pages.items():
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.get_data(as_text=True)
        assert '<html lang="en"' in html, url
        for english, dutch in common + texts:
            assert english in html, (url, english)
            assert dutch not in html, (url, dutch)
