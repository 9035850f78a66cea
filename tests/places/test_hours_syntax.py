"""The patch layer in front of opening-hours-py (webapp/places/hours_syntax.py): one test per rewrite,
on the rewritten text, so a rewrite that stops doing its job fails here before it shows up elsewhere."""
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from dateutil.easter import easter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from webapp.places import hours
from webapp.places import hours_syntax as syntax


def rewrite(value: str) -> str:
    return syntax.to_text(syntax.expand_open_ends(syntax.parse_rules(value)))


@pytest.mark.parametrize("value, expected", [
    ("10:00-12:00;", "10:00-12:00"),
    ("Mo-Fr 10:00-12:00, ", "Mo-Fr 10:00-12:00"),
    (";; Mo 10:00-12:00", "Mo 10:00-12:00"),
])
def test_empty_rules_are_dropped(value, expected):
    assert rewrite(value) == expected


@pytest.mark.parametrize("value, expected", [
    ("Mo, Tu, We 11:00-01:00", "Mo,Tu,We 11:00-01:00"),
    ("Mo-Fr 08:00-12:00, 14:00-18:00", "Mo-Fr 08:00-12:00,14:00-18:00"),
    ("Jan, Mar Sa 10:00-12:00", "Jan,Mar Sa 10:00-12:00"),
    # A real additional rule stays one.
    ("Mo-Fr 08:00-12:00, Sa 09:00-13:00", "Mo-Fr 08:00-12:00, Sa 09:00-13:00"),
])
def test_comma_space_inside_a_selector_is_a_list(value, expected):
    assert rewrite(value) == expected


@pytest.mark.parametrize("value, expected", [
    ('Su "op afspraak"', 'Su unknown "op afspraak"'),
    ('Mo-Fr 09:00-17:00 "ook lunch"', 'Mo-Fr 09:00-17:00 unknown "ook lunch"'),
    ('Mo-Fr 09:00-17:00 open "ook lunch"', 'Mo-Fr 09:00-17:00 open "ook lunch"'),
    ('Mo "a; b"', 'Mo unknown "a; b"'),   # a separator inside a comment is text
])
def test_a_comment_without_state_means_unknown(value, expected):
    assert rewrite(value) == expected


@pytest.mark.parametrize("value, expected", [
    ("Mo-Sa 18:00+", "Mo-Sa 18:00-28:00 unknown"),          # from 17:00: ten hours (04:00 next day)
    ("Fr 22:30+", "Fr 22:30-30:30 unknown"),                 # from 22:00: eight hours
    ("10:00+", "10:00-24:00 unknown"),                       # earlier: to the end of the day
    ("Fr 10:00-18:00+", "Fr 10:00-18:00, Fr 18:00-28:00 unknown"),
    ("07:00+,12:00-16:00", "12:00-16:00, 07:00-12:00 unknown"),   # until the next span starts
    ("Mo 22:00-04:00+", "Mo 22:00-04:00, Tu 04:00-12:00 unknown"),
])
def test_open_end_becomes_an_unknown_span(value, expected):
    assert rewrite(value) == expected


def test_typographic_dashes_are_hyphens_outside_comments():
    assert rewrite('Mo 12:00\u201314:00 "9\u201317"') == 'Mo 12:00-14:00 unknown "9\u201317"'


def test_fallback_groups():
    groups = syntax.fallback_groups(syntax.parse_rules('Mo-Fr 09:00-17:00; PH off || "bel ons"'))
    assert [syntax.to_text(g) for g in groups] == ["Mo-Fr 09:00-17:00 ; PH off", 'unknown "bel ons"']


def test_holidays_are_written_out_as_weekdays_for_the_day():
    def weekday(item, day):
        names = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"]
        if "-" in item:
            a, b = item.split("-")
            return names.index(a) <= day.weekday() <= names.index(b)
        return names[day.weekday()] == item

    rules = syntax.parse_rules("Mo-Fr 09:00-17:00; PH We,Fr 10:00-12:00; Sa,PH off")
    good_friday = date(2026, 4, 3)
    assert syntax.to_text(syntax.substitute_holidays(rules, good_friday, weekday)) == \
        "Mo-Fr 09:00-17:00 ; Fr 10:00-12:00 ; Fr,Sa off"
    ordinary = date(2026, 11, 25)
    assert syntax.to_text(syntax.substitute_holidays(rules, ordinary, weekday)) == "Mo-Fr 09:00-17:00"


def test_sun_times_are_written_out_for_the_day():
    sun = {"sunrise": 8 * 60 + 45, "sunset": 16 * 60 + 29, "dawn": 8 * 60, "dusk": 17 * 60 + 10}
    rules = syntax.parse_rules("sunrise-sunset; Sa sunrise-08:00; Su sunset-sunrise")
    assert syntax.to_text(syntax.substitute_sun(rules, sun)) == \
        "08:45-16:29 ; Sa off ; Su 16:29-32:45"


def test_easter_ranges_stay_within_their_year():
    rules = syntax.parse_rules("easter-Apr 02")
    assert syntax.to_text(syntax.substitute_easter(rules, 2027, easter)) == "2027 Mar 28-2027 Apr 02"
    # Easter 2026 is after 2 April: within 2026 only, as opening_hours.js reads it.
    assert syntax.to_text(syntax.substitute_easter(rules, 2026, easter)) == \
        "2026 Jan 01-2026 Apr 02,2026 Apr 05-2026 Dec 31"


def test_partial_rules():
    rules = syntax.parse_rules("24/7; 12:00-14:00 off; Su off; 00:23-00:42 unknown")
    assert [syntax.is_partial(r, i) for i, r in enumerate(rules)] == [False, True, False, True]


# --- Hostile input: never an exception, always a state or a message ---------------------------------------

_PIECES = ["Mo", "Tu-Fr", "Su[-1]", "PH", "SH", "PH +1 day", "easter", "Apr 02", "week 05", "2026", "Jan-Mar",
           "10:00", "-", "+", "18:00+", "sunrise", "(sunset+01:00)", ",", ", ", ";", " || ", " ", "off", "open",
           "unknown", '"x"', '"', "24/7", ":", "/2", "[", "]", "\u2013", "28:00", "99:99"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(st.text(max_size=60), st.lists(st.sampled_from(_PIECES), max_size=14).map("".join)))
def test_any_text_gives_a_state_or_a_message(app, value):
    with app.test_request_context():
        message = hours.problem(value)
        assert message is None or (isinstance(message, str) and message)
        moment = datetime(2026, 4, 3, 12, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))
        assert hours.state_at(value, moment, coords=(52.09, 5.12)) in ("open", "closed", "unknown")
        assert isinstance(hours.describe(value, moment), str)
        assert isinstance(hours.week_schedule(value, moment), list)
