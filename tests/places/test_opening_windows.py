"""The precomputed opening windows ("open now" in SQL) say exactly what the library's evaluation says.

Every demo place (plus a few hard cases), at a moment every 37 minutes over the whole window, for three
windows: the current one, one with Christmas (PH), and one with the change to summer time, Goede Vrijdag
and Tweede Paasdag. Then: the search answers the same through SQL as through the Python evaluation, and
the CLI fills every place's window.
"""
from __future__ import annotations

import random
from collections import defaultdict
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from tests.places.conftest import DAM, offset
from webapp.extensions import db
from webapp.places import demo, hours, opening_windows
from webapp.places import search as searching
from webapp.places.models import Place, PlaceOpeningWindow

STEP = timedelta(minutes=37)
# Hard cases next to the demo's own hours: past midnight, open ends, comments, unreadable, PH with its own
# times, fallback, the last Sunday of the month, easter, sun times, a day split at midnight, SH.
EXTRA_HOURS = ["Fr 22:00-02:00", "Sa 23:00-24:00; Su 00:00-03:00", "Mo-Su 09:00+", '"op afspraak"', "ma-vr 9-17",
               "Mo-Sa 10:00-18:00; PH 12:00-14:00", 'Mo-Fr 09:00-17:00 || "bel ons"', "Su[-1] 10:00-12:00",
               "Mo-Fr 08:00-12:00,13:00-17:00; We off; easter 10:00-12:00", "sunset-sunrise", "off", "SH off",
               "Mo-Fr 09:00-17:00; Mo-Fr 12:00-13:00 off; Fr 16:00-17:00 unknown", "24/7", ""]
CHRISTMAS = datetime(2026, 12, 20, 12, 0, tzinfo=UTC)       # 25 and 26 December are PH
SUMMER_TIME = datetime(2027, 3, 22, 12, 0, tzinfo=UTC)      # 26 Mar Goede Vrijdag, 28 Mar DST, 29 Mar PH


@pytest.fixture
def places(app, make_place):
    demo.load(random.Random(5))
    for i, text in enumerate(EXTRA_HOURS):
        make_place(*offset(*DAM, 15 * i, 40), name=f"Geval {i}", opening_hours=text)
    rows = db.session.execute(select(Place.id, Place.opening_hours, func.ST_Y(Place.location),
                                     func.ST_X(Place.location))).all()
    assert len(rows) > 250
    return rows


def _sql_states(moment: datetime) -> dict[int, str]:
    """The window's answer per place: the search's own predicate for open, the stored state otherwise."""
    rows = db.session.execute(
        select(Place.id, opening_windows.open_at_sql(Place.id, moment), opening_windows.state_at_sql(Place.id, moment))
    ).all()
    out = {}
    for place_id, is_open, state in rows:
        assert is_open == (state == "open"), (place_id, moment)
        out[place_id] = state
    return out


@pytest.mark.parametrize("now", [None, CHRISTMAS, SUMMER_TIME], ids=["current", "christmas", "summer-time"])
def test_the_windows_equal_the_library_on_every_demo_place(places, now):
    """One window per test, so that parallel workers share the three (the demo data is loaded per test)."""
    result = opening_windows.refresh_all(db.session.connection, now=now)
    assert result.places == len(places) and result.per_place > 0   # sunrise/sunset at the place itself
    start, end = opening_windows.window(now)
    assert end - start >= timedelta(days=16)
    moment, checked, differences = start, 0, defaultdict(list)
    seen = set()
    while moment < end:
        sql = _sql_states(moment)
        for place_id, text, lat, lon in places:
            expected = hours.state_at(text, moment, coords=(lat, lon))
            seen.add(expected)
            if sql[place_id] != expected:
                differences[text].append((moment.isoformat(), sql[place_id], expected))
            checked += 1
        moment += STEP
    assert not differences, (now, {text: found[:3] for text, found in differences.items()})
    assert seen == {"open", "closed", "unknown"} and checked > 150_000


def test_a_moment_outside_the_window_is_not_answered_by_it(places):
    start, end = opening_windows.window()
    assert set(_sql_states(start - timedelta(minutes=1)).values()) == {None}
    assert set(_sql_states(end).values()) == {None}


def _names(args: dict) -> list[str]:
    result = searching.search(searching.parse_params(MultiDict(args)))
    return [h.place.name for h in result.hits]


def test_the_search_answers_the_same_through_sql_as_through_python(places, monkeypatch):
    """Open at many moments of the coming two weeks, 25 km around the Dam: the same places, in the same
    order, with and without the windows (the Python path is what the search does outside the window)."""
    now = datetime.now(UTC)
    moments = [hours.local_moment(now + timedelta(hours=5 * k + 1)).replace(tzinfo=None) for k in range(0, 65)]
    base = {"lat": str(DAM[1]), "lon": str(DAM[0]), "radius": "25000", "limit": "200"}
    by_sql = {}
    for moment in moments:
        args = {**base, "open_at": moment.isoformat(timespec="minutes")}
        params = searching.parse_params(MultiDict(args))
        assert searching.open_moment(params) is not None
        stmt, values = searching.query_and_values(params, DAM[0], DAM[1])
        assert "place_opening_windows" in str(stmt) and values["fetch"] == 200
        by_sql[moment] = _names(args)
    assert len({tuple(found) for found in by_sql.values()}) > 3    # the moments differ (day, night, weekend)
    # Without the filter every row's state (now) comes from its window too.
    plain = searching.parse_params(MultiDict(base))
    assert "open_state" in str(searching.query_and_values(plain, DAM[0], DAM[1])[0])
    states_by_sql = [(h.place.name, h.open_state) for h in searching.search(plain).hits]
    monkeypatch.setattr(opening_windows, "covers", lambda moment, now=None: False)
    for moment in moments:
        args = {**base, "open_at": moment.isoformat(timespec="minutes")}
        assert searching.open_moment(searching.parse_params(MultiDict(args))) is None
        assert _names(args) == by_sql[moment], moment
    assert "open_state" not in str(searching.query_and_values(plain, DAM[0], DAM[1])[0])
    assert [(h.place.name, h.open_state) for h in searching.search(plain).hits] == states_by_sql
    assert {state for _name, state in states_by_sql} >= {"open", "unknown"}


def test_open_now_is_answered_by_the_windows_and_far_moments_by_python(make_place):
    make_place(*offset(*DAM, 10), name="Altijd", opening_hours="24/7")
    make_place(*offset(*DAM, 20), name="Nooit", opening_hours="off")
    make_place(*offset(*DAM, 30), name="Onbekend", opening_hours="")
    now = searching.parse_params(MultiDict({"lat": str(DAM[1]), "lon": str(DAM[0]), "open_now": "1"}))
    assert searching.open_moment(now) is not None
    result = searching.search(now)
    assert [(h.place.name, h.open_state) for h in result.hits] == [("Altijd", "open")]
    far = (datetime.now(UTC) + timedelta(days=40)).astimezone(hours.TZ).replace(tzinfo=None)
    later = searching.parse_params(MultiDict({"lat": str(DAM[1]), "lon": str(DAM[0]),
                                              "open_at": far.isoformat(timespec="minutes")}))
    assert searching.open_moment(later) is None
    stmt, _values = searching.query_and_values(later, DAM[0], DAM[1])
    assert "place_opening_windows" not in str(stmt)
    assert [h.place.name for h in searching.search(later).hits] == ["Altijd"]


def test_a_place_without_a_window_is_not_open_in_sql(make_place):
    """Only the window says "open": a place whose window is gone is left out, never guessed."""
    place = make_place(*offset(*DAM, 10), name="Zonder venster", opening_hours="24/7")
    db.session.execute(PlaceOpeningWindow.__table__.delete().where(PlaceOpeningWindow.place_id == place.id))
    assert _names({"lat": str(DAM[1]), "lon": str(DAM[0]), "open_now": "1"}) == []


def test_the_cli_refreshes_every_place(app, make_place):
    for i, text in enumerate(("24/7", "", "Mo-Fr 09:00-17:00; PH off", "sunrise-sunset", "kapot")):
        make_place(*offset(*DAM, 10 * i), name=f"Plek {i}", opening_hours=text)
    db.session.execute(PlaceOpeningWindow.__table__.delete())
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["places", "refresh-opening-windows", "--batch", "1000"])
    assert result.exit_code == 0, result.output
    total = db.session.scalar(select(func.count()).select_from(Place))
    assert f"{total} places refreshed" in result.output and "1 evaluated at their own location" in result.output
    windows = {name: (known, valid_until) for name, known, valid_until in db.session.execute(
        select(Place.name, PlaceOpeningWindow.hours_known, PlaceOpeningWindow.valid_until)
        .join(PlaceOpeningWindow, PlaceOpeningWindow.place_id == Place.id))}
    assert len(windows) == total
    assert windows["Plek 0"][0] and not windows["Plek 1"][0] and not windows["Plek 4"][0]
    assert all(until > datetime.now(UTC) + timedelta(days=15) for _known, until in windows.values())
    assert "Plek 0" in _names({"lat": str(DAM[1]), "lon": str(DAM[0]), "open_now": "1"})
