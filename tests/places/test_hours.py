"""Opening hours: the library's evaluation in Europe/Amsterdam with Dutch public holidays."""
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.fixtures.hours import at
from webapp.places import hours

pytestmark = pytest.mark.usefixtures("in_request")


def test_open_and_closed_on_a_normal_weekday():
    rule = "Mo-Fr 09:00-17:00"
    assert hours.state_at(rule, at(2026, 11, 23, 10, 0)) == "open"      # a Monday
    assert hours.state_at(rule, at(2026, 11, 23, 17, 0)) == "closed"    # end is exclusive
    assert hours.state_at(rule, at(2026, 11, 22, 12, 0)) == "closed"    # Sunday


def test_past_midnight_belongs_to_the_evening_before():
    rule = "Fr-Sa 20:00-02:00"
    assert hours.is_open(rule, at(2026, 11, 28, 1, 30))       # Saturday 01:30, from Friday evening
    assert hours.is_open(rule, at(2026, 11, 29, 1, 30))       # Sunday 01:30, from Saturday evening
    assert not hours.is_open(rule, at(2026, 11, 27, 1, 30))   # Friday 01:30: Thursday had no evening
    assert not hours.is_open(rule, at(2026, 11, 28, 2, 0))
    schedule = hours.week_schedule(rule, at(2026, 11, 23))
    friday = schedule[4]
    assert friday.label == "vrijdag 27 november"
    assert friday.periods == ["20:00 tot 02:00 ('s nachts)"]
    assert schedule[6].periods == []   # Sunday: the Saturday night tail is said on Saturday


@pytest.mark.parametrize("holiday", [at(2026, 12, 25, 11, 0), at(2026, 4, 27, 11, 0), at(2027, 1, 1, 11, 0)],
                         ids=["kerstmis", "koningsdag", "nieuwjaarsdag"])
def test_ph_off_closes_on_dutch_public_holidays(holiday):
    rule = "Mo-Su 09:00-17:00; PH off"
    assert hours.state_at(rule, holiday) == "closed"
    assert hours.state_at("Mo-Su 09:00-17:00", holiday) == "open"
    assert hours.mentions_holidays_closed(rule)


def test_ph_off_does_not_close_the_day_before():
    assert hours.is_open("Mo-Su 09:00-17:00; PH off", at(2026, 12, 24, 11, 0))


def test_schedule_skips_christmas_with_ph_off():
    days = hours.week_schedule("Mo-Fr 09:00-17:00; PH off", at(2026, 12, 21))
    assert [d.periods for d in days][:5] == [["09:00 tot 17:00"]] * 4 + [[]]


def test_unknown_empty_and_invalid():
    assert hours.state_at("", at(2026, 11, 23, 10, 0)) == "unknown"
    assert hours.state_at("elke dag open", at(2026, 11, 23, 10, 0)) == "unknown"
    assert hours.state_at("Mo-Fr 09:00-17:00 unknown", at(2026, 11, 23, 10, 0)) == "unknown"
    assert not hours.is_valid("elke dag open")
    assert hours.is_valid("Mo-Fr 09:00-17:00; PH off")
    assert hours.is_valid("")
    with pytest.raises(hours.OpeningHoursError):
        hours.parse("25:00-26:00 maybe")


def test_describe_in_dutch():
    rule = "Mo-Fr 09:00-17:00; PH off"
    assert hours.describe(rule, at(2026, 11, 23, 10, 0)) == "Nu open, tot 17:00"
    assert hours.describe(rule, at(2026, 11, 23, 18, 0)) == "Nu dicht, open vanaf morgen 09:00"
    assert hours.describe(rule, at(2026, 11, 21, 12, 0)) == "Nu dicht, open vanaf maandag 09:00"
    assert hours.describe("24/7", at(2026, 11, 23, 3, 0)) == "Nu open"
    assert hours.describe("", at(2026, 11, 23, 3, 0)) == "Openingstijden onbekend"


def test_naive_times_are_amsterdam_time():
    assert hours.is_open("Mo 09:00-10:00", datetime(2026, 11, 23, 9, 30))
    # 08:30 UTC is 09:30 in Amsterdam in winter
    assert hours.is_open("Mo 09:00-10:00", datetime(2026, 11, 23, 8, 30, tzinfo=ZoneInfo("UTC")))
