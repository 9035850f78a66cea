"""iCalendar feeds carry their time zone: one VTIMEZONE for Europe/Amsterdam, DTSTART/DTEND with
TZID=Europe/Amsterdam, and independent readers find the same local times on both sides of a clock change."""
from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import icalendar
import pytest
from dateutil import tz as dateutil_tz

from tests.initiatives.conftest import AMSTERDAM
from webapp.extensions import db
from webapp.initiatives import clock, services
from webapp.initiatives.recurrence import expand_many

LOCAL = ZoneInfo("Europe/Amsterdam")
NOW = datetime(2026, 10, 19, 8, 0, tzinfo=UTC)  # Monday; winter time starts Sunday 25 October, 03:00 -> 02:00


@pytest.fixture
def feeds(client, make_user, make_place, make_initiative, add_activity, monkeypatch):
    """The two feeds (per initiative, per search) of a weekly Tuesday evening that crosses the clock change."""
    monkeypatch.setattr(clock, "utcnow", lambda: NOW)
    owner = make_user("Eigenaar")
    place = make_place("Bibliotheek Oost", AMSTERDAM)
    knit = make_initiative(owner, "Breiclub", place)
    activity = add_activity(knit, owner, starts_on=date(2026, 10, 6), start=time(19, 30), end=time(21, 0))
    services.cancel_date(activity, owner, date(2026, 11, 10))
    db.session.commit()
    initiative_feed = client.get(f"/initiatieven/{knit.id}/agenda.ics")
    search_feed = client.get(f"/wat-is-er-te-doen.ics?lat={AMSTERDAM[1]}&lon={AMSTERDAM[0]}&radius=2000")
    assert initiative_feed.status_code == 200 and search_feed.status_code == 200
    return {"initiative": initiative_feed.data, "search": search_feed.data, "activity": activity}


def _events(data: bytes) -> list:
    return list(icalendar.Calendar.from_ical(data).walk("VEVENT"))


def test_every_feed_has_one_vtimezone_and_every_start_and_end_its_tzid(feeds):
    for name in ("initiative", "search"):
        data = feeds[name]
        calendar = icalendar.Calendar.from_ical(data)
        zones = list(calendar.walk("VTIMEZONE"))
        assert [str(z["tzid"]) for z in zones] == ["Europe/Amsterdam"], name
        events = list(calendar.walk("VEVENT"))
        assert events, name
        for event in events:
            for prop in ("dtstart", "dtend"):
                assert event[prop].params.get("TZID") == "Europe/Amsterdam", (name, prop, event[prop].to_ical())
        # In the text itself: a local time with TZID on every line, never a UTC "Z" time.
        text = data.decode()
        starts = re.findall(r"^DTSTART[;:].*$", text[text.index("BEGIN:VEVENT"):], re.M)
        assert len(starts) == len(events) and all(
            re.fullmatch(r"DTSTART;TZID=Europe/Amsterdam:\d{8}T\d{6}\r?", s) for s in starts), starts
        # The zone is defined before it is used.
        assert text.index("BEGIN:VTIMEZONE") < text.index("BEGIN:VEVENT")


def test_local_times_across_the_clock_change_agree_with_independent_readers(feeds):
    """icalendar reading the feed back, and dateutil's own VTIMEZONE reader (tzical) applied to the local
    DTSTART text, give 19:30 in Amsterdam on each Tuesday, summer time and winter time, at the same UTC
    moments the recurrence rules gave before (17:30 UTC in October, 18:30 UTC in November)."""
    activity = feeds["activity"]
    expected = {i.start for i in expand_many([activity], datetime(2026, 9, 19, tzinfo=UTC),
                                             datetime(2027, 10, 20, tzinfo=UTC)) if not i.cancelled}
    assert datetime(2026, 10, 20, 17, 30, tzinfo=UTC) in expected      # before the switch (CEST, +02:00)
    assert datetime(2026, 10, 27, 18, 30, tzinfo=UTC) in expected      # after it (CET, +01:00)

    for name in ("initiative", "search"):
        data = feeds[name]
        calendar = icalendar.Calendar.from_ical(data)
        vtimezone = calendar.walk("VTIMEZONE")[0].to_ical().decode()
        amsterdam_by_dateutil = dateutil_tz.tzical(io.StringIO(vtimezone)).get("Europe/Amsterdam")
        starts_utc = []
        for event in calendar.walk("VEVENT"):
            start = event.decoded("dtstart")
            assert start.tzinfo is not None
            assert start.astimezone(LOCAL).time() == time(19, 30), (name, start)
            assert (event.decoded("dtend") - start).total_seconds() == 90 * 60
            # dateutil: the naive local text of DTSTART, placed in the zone the feed itself defines.
            local_text = re.search(r"\d{8}T\d{6}", event["dtstart"].to_ical().decode()).group()
            naive = datetime.strptime(local_text, "%Y%m%dT%H%M%S")
            by_dateutil = naive.replace(tzinfo=amsterdam_by_dateutil).astimezone(UTC)
            assert by_dateutil == start.astimezone(UTC), (name, local_text)
            starts_utc.append(by_dateutil)
        assert datetime(2026, 10, 20, 17, 30, tzinfo=UTC) in starts_utc
        assert datetime(2026, 10, 27, 18, 30, tzinfo=UTC) in starts_utc
        assert datetime(2026, 11, 10, 18, 30, tzinfo=UTC) not in starts_utc   # cancelled: left out
        assert set(starts_utc) <= expected
    # The initiative's feed holds every date of its window (30 days back, a year ahead) but the cancelled one.
    window = {s for s in expected if NOW.replace(day=19, month=9) <= s <= NOW.replace(year=2027)}
    initiative_starts = {e.decoded("dtstart").astimezone(UTC) for e in _events(feeds["initiative"])}
    assert initiative_starts == window
