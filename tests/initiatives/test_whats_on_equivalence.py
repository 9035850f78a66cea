""""Wat is er te doen?" in one SQL statement gives exactly what the expansion in Python (`recurrence.expand`
over every candidate activity, then sorted by time, distance and activity) gives: on the demo data and on
generated activities (once, weekly, biweekly, monthly on the Nth or last weekday, ends_on, cancelled dates,
times around the clock changes, ending after midnight), in periods across the clock changes; and the pages
together are that list."""
from __future__ import annotations

import importlib
import random
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import Float, cast, func, or_, select

from tests.initiatives.conftest import AMSTERDAM
from webapp import geo
from webapp.extensions import db
from webapp.initiatives import finding, services, whats_on_query
from webapp.initiatives.models import Activity, ActivityCancellation, Initiative
from webapp.initiatives.recurrence import expand
from webapp.initiatives.rules import SEARCH_STATUSES, public
from webapp.places.models import Place
from webapp.places.visibility import is_listed


def reference(start, end, lon, lat, radius, theme=None, free=False, include_cancelled=True):
    """The algorithm before: every visible activity with its distance, its dates expanded in Python."""
    location = func.coalesce(Place.location, Initiative.location)
    distance = cast(geo.distance_m(geo.geography(location), geo.point(lon, lat)), Float)
    stmt = (select(Activity, distance).join(Activity.initiative).outerjoin(Place, Place.id == Activity.place_id)
            .where(public(), Initiative.status.in_(SEARCH_STATUSES),
                   or_(Place.id.is_(None), Place.hidden.is_(False)),
                   geo.within_m(geo.geography(location), geo.point(lon, lat), radius)))
    if theme:
        stmt = stmt.where(Initiative.themes.any_() == theme)
    if free:
        stmt = stmt.where(Initiative.cost == "free")
    found = []
    for activity, dist in db.session.execute(stmt):
        place = activity.place if activity.place is not None and is_listed(activity.place) else None
        reasons = {c.on_date: c.reason for c in activity.cancellations}
        for i in expand(activity, start, end, include_cancelled):
            found.append((i.start, dist, activity.id, i.end, i.local_date, i.cancelled,
                          reasons.get(i.local_date, "") if i.cancelled else "", activity.initiative.id,
                          place.id if place else None, activity.title))
    found.sort(key=lambda f: (f[0], f[1], f[2]))
    return found


def as_tuples(found):
    return [(f.instance.start, f.distance, f.instance.activity.id, f.instance.end, f.instance.local_date,
             f.instance.cancelled, f.instance.activity.cancellations[0].reason if f.instance.cancelled else "",
             f.initiative.id, f.place.id if f.place else None, f.instance.activity.title) for f in found]


def assert_same(start, end, lon, lat, radius, **filters):
    expected = reference(start, end, lon, lat, radius, **filters)
    found, total = whats_on_query.find(start, end, lon, lat, radius, limit=100_000, **filters)
    got = as_tuples(found)
    assert total == len(expected)
    assert len(got) == len(expected)
    for mine, theirs in zip(got, expected, strict=True):
        assert mine[0] == theirs[0] and mine[2:] == theirs[2:], (mine, theirs)
        assert abs(mine[1] - theirs[1]) < 1e-6
    return expected


@pytest.fixture
def generated(make_place):
    """120 activities of every kind around the Oosterpark, with cancelled dates."""
    rng = random.Random(16)
    places = [make_place(f"Plek {n}", (AMSTERDAM[0] + rng.uniform(-0.05, 0.05),
                                       AMSTERDAM[1] + rng.uniform(-0.03, 0.03)), commit=False,
                         status=rng.choice(["published"] * 4 + ["proposed", "closed"]),
                         hidden=rng.random() < 0.05) for n in range(30)]
    initiatives = []
    for n in range(40):
        initiative = Initiative(title=f"Initiatief {n}", summary="Samen", status=rng.choice(
            ["active", "active", "idea", "paused"]), themes=[rng.choice(["sport", "green"])],
            cost=rng.choice(["free", "paid"]), hidden=rng.random() < 0.05,
            location=f"SRID=4326;POINT({AMSTERDAM[0] + rng.uniform(-0.05, 0.05)} "
                     f"{AMSTERDAM[1] + rng.uniform(-0.03, 0.03)})")
        db.session.add(initiative)
        initiatives.append(initiative)
    db.session.flush()
    times = [time(2, 30), time(2, 0), time(3, 0), time(1, 59), time(19, 30), time(23, 30), time(0, 0),
             time(10, 15)]
    for n in range(120):
        starts_on = date(2026, 1, 1) + timedelta(days=rng.randrange(0, 330))
        frequency = rng.choice(["once", "weekly", "weekly", "biweekly", "monthly", "monthly"])
        start = rng.choice(times)
        activity = Activity(
            initiative_id=rng.choice(initiatives).id, title=f"Activiteit {n}",
            place_id=rng.choice(places).id if rng.random() < 0.7 else None, starts_on=starts_on,
            start_time=start, end_time=rng.choice([time(21, 0), time(1, 0), start, time(3, 30)]),
            frequency=frequency,
            month_week=rng.choice([None, 1, 2, 3, 4, -1]) if frequency == "monthly" else None,
            ends_on=starts_on + timedelta(days=rng.randrange(0, 200)) if rng.random() < 0.3 else None)
        db.session.add(activity)
        db.session.flush()
        for instance in expand(activity, datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 3, 1, tzinfo=UTC)):
            if rng.random() < 0.15:
                db.session.add(ActivityCancellation(activity_id=activity.id, on_date=instance.local_date,
                                                    reason=rng.choice(["", "Ziek", "Vakantie"])))
    db.session.commit()


PERIODS = [
    (datetime(2026, 3, 24, 10, 0, tzinfo=UTC), 7),     # clock to summer time on Sunday 29 March
    (datetime(2026, 10, 21, 23, 0, tzinfo=UTC), 7),    # clock to winter time on Sunday 25 October
    (datetime(2026, 10, 25, 0, 30, tzinfo=UTC), 1),    # starting inside the hour that occurs twice
    (datetime(2026, 5, 31, 22, 0, tzinfo=UTC), 28),    # the search feed's four weeks, month boundary
    (datetime(2026, 1, 1, 0, 0, tzinfo=UTC), 120),
    (datetime(2026, 12, 28, 8, 0, tzinfo=UTC), 366),
]


@pytest.mark.parametrize("start, days", PERIODS)
def test_generated_activities_give_the_same_dates(generated, start, days):
    expected = assert_same(start, start + timedelta(days=days), *AMSTERDAM, 5000)
    assert expected or days == 1
    assert_same(start, start + timedelta(days=days), *AMSTERDAM, 1500)
    assert_same(start, start + timedelta(days=days), *AMSTERDAM, 5000, include_cancelled=False)
    assert_same(start, start + timedelta(days=days), *AMSTERDAM, 5000, theme="green", free=True)


def test_generated_set_has_every_kind(generated):
    kinds = set(db.session.execute(select(Activity.frequency, Activity.month_week)).all())
    assert {"once", "weekly", "biweekly"} <= {k for k, _ in kinds}
    assert {1, 2, 3, 4, -1, None} <= {w for k, w in kinds if k == "monthly"}
    assert db.session.scalar(select(func.count()).select_from(ActivityCancellation)) > 20


def test_pages_together_are_the_whole_list(generated):
    start = datetime(2026, 3, 24, 10, 0, tzinfo=UTC)
    end = start + timedelta(days=28)
    whole, total = whats_on_query.find(start, end, *AMSTERDAM, 5000, limit=100_000)
    pages = []
    number = 1
    while True:
        page = finding.whats_on_page(start, end, *AMSTERDAM, 5000, number)
        assert page.total == total and page.number == number and page.size == whats_on_query.PAGE_SIZE
        pages += page.found
        if number >= page.pages:
            break
        number += 1
    assert number > 2 and as_tuples(pages) == as_tuples(whole)
    # Past the last page: the last page.
    late = finding.whats_on_page(start, end, *AMSTERDAM, 5000, number + 5)
    assert late.number == number and as_tuples(late.found) == as_tuples(pages[-len(late.found):])
    # The first `limit` dates of the service are the first page(s).
    assert as_tuples(services.whats_on(start, end, *AMSTERDAM, 5000, limit=30)) == as_tuples(whole[:30])


def test_demo_data_gives_the_same_dates(app):
    from webapp.initiatives import demo

    rng = random.Random(2026)
    for name in ("accounts", "places"):
        importlib.import_module(f"webapp.{name}.demo").load(rng)
    demo.load(rng)
    db.session.flush()
    now = services.utcnow()
    for lon, lat in [(4.8952, 52.3702), (5.1214, 52.0907), (6.0830, 52.5168)]:
        for days in (7, 28):
            assert_same(now, now + timedelta(days=days), lon, lat, 10_000)
    assert reference(now, now + timedelta(days=7), 4.8952, 52.3702, 10_000)


def api_reference(client, query, start, end, lon, lat, radius, theme=None, limit=100):
    """The list before: ORM initiatives nearest first, each with expand_many(...)[:10] (places by id)."""
    from webapp.initiatives import api
    from webapp.initiatives.recurrence import expand_many

    with client.application.test_request_context("/api/v1/initiatives?" + query):
        features = []
        for initiative, distance in services.search_initiatives(lon, lat, radius, theme, limit):
            feature = api._feature(initiative, distance, expand_many(initiative.activities, start, end)[:10])
            feature["properties"]["places"].sort(key=lambda p: p["id"])
            features.append(feature)
        return features


@pytest.mark.parametrize("start, days", PERIODS[:2] + PERIODS[4:])
def test_api_list_gives_the_same_features(client, generated, start, days):
    end = start + timedelta(days=days)
    for query_radius, theme, limit in ((5000, None, 100), (1500, "green", 7), (50_000, None, 500)):
        query = (f"lat={AMSTERDAM[1]}&lon={AMSTERDAM[0]}&radius={query_radius}&limit={limit}"
                 f"&from={start.isoformat()}&to={end.isoformat()}" + (f"&theme={theme}" if theme else ""))
        body = client.get("/api/v1/initiatives?" + query.replace("+", "%2B")).get_json()
        expected = api_reference(client, query, start, end, *AMSTERDAM, query_radius, theme, limit)
        assert body["features"] == expected
        assert body["features"] and any(f["properties"]["next_dates"] for f in body["features"])
