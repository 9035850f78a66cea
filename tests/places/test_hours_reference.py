"""Opening hours agree with opening_hours.js, the evaluator OpenStreetMap's own tools use.

tests/fixtures/opening_hours_reference.json holds its answers for every value of its own test suite at 21
moments (Utrecht, Europe/Amsterdam); scripts/opening_hours_reference.js made it (run with node after
`npm ci`). Below the comparison: focused tests for each defect the comparison found (issue 12, item 2).
"""
from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path

import pytest

from tests.fixtures.hours import AMS, at
from webapp.places import hours
from webapp.places.hours_holidays import public_holidays

FIXTURE = Path(__file__).parent.parent / "fixtures" / "opening_hours_reference.json"
UTRECHT = (52.09, 5.12)


pytestmark = pytest.mark.usefixtures("in_request")


@pytest.fixture(scope="module")
def reference():
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


def _moments(reference):
    return [datetime.fromisoformat(m["local"]).replace(tzinfo=AMS) for m in reference["moments"]]


def test_the_fixture_covers_the_reference_test_suite_at_21_moments(reference):
    assert len(reference["moments"]) == 21
    assert len(reference["results"]) > 800
    assert reference["place"] == {"lat": 52.09, "lon": 5.12, "country_code": "nl", "state": "Utrecht"}


def test_agrees_with_opening_hours_js_at_least_99_percent(reference):
    """Every (value, moment) where both evaluate the value: the same state, open/closed/unknown."""
    coords = (reference["place"]["lat"], reference["place"]["lon"])
    moments = _moments(reference)
    agree = total = 0
    disagreements = []
    for result in reference["results"]:
        if "rejected" in result or hours.problem(result["value"]) is not None:
            continue
        for moment, expected in zip(moments, result["states"], strict=True):
            if expected == "error":  # the reference itself failed at this moment
                continue
            total += 1
            got = hours.state_at(result["value"], moment, coords=coords)
            if got == expected:
                agree += 1
            else:
                disagreements.append(f"{result['value']!r} at {moment:%Y-%m-%d %H:%M}: "
                                     f"opening_hours.js {expected}, we {got}")
    share = agree / total
    print(f"\nagreement with opening_hours.js: {agree}/{total} = {share:.2%}")
    print("\n".join(disagreements))
    assert total > 8000
    assert share >= 0.99, "\n".join(disagreements)


def test_every_value_the_reference_accepts_is_accepted_or_explained(reference):
    """A value opening_hours.js evaluates is either evaluated by us, or gets a Dutch message that says
    what to change: a specific rule, or the place in the value where reading stopped."""
    accepted = rejected = 0
    unexplained = []
    for result in reference["results"]:
        if "rejected" in result:
            continue
        message = hours.problem(result["value"])
        if message is None:
            accepted += 1
            continue
        rejected += 1
        specific = re.search(r"Schrijf tijden|Schoolvakanties|Gebruik|kennen we niet", message)
        near = re.search(r"teken \d+: \u201c(.*?)\u201d", message)
        if not (specific or (near and near.group(1) in result["value"])):
            unexplained.append(f"{result['value']!r}: {message}")
    print(f"\nreference accepts {accepted + rejected}: we accept {accepted}, explain {rejected}")
    assert not unexplained, "\n".join(unexplained)
    assert accepted > 400


def test_values_the_reference_rejects(reference):
    """Report (not a failure): values opening_hours.js rejects that we still evaluate."""
    lenient = [r["value"] for r in reference["results"] if "rejected" in r and hours.problem(r["value"]) is None]
    print(f"\nrejected by opening_hours.js, evaluated by us: {len(lenient)}")
    print("\n".join(map(repr, lenient)))
    assert len(lenient) < 0.05 * len(reference["results"])


# --- Focused tests, one per defect ------------------------------------------------------------------------

def test_sunrise_and_sunset_at_the_place_coordinates():
    rule = "sunrise-sunset"
    # 21 December: the sun sets about 16:21 in Enschede and 16:38 in Vlissingen (not at 19:00).
    assert hours.state_at(rule, at(2026, 12, 21, 16, 30), coords=(52.22, 6.89)) == "closed"
    assert hours.state_at(rule, at(2026, 12, 21, 16, 30), coords=(51.44, 3.57)) == "open"
    # Utrecht: sunrise 08:45 in December, 05:18 in June; sunset 22:05 in June.
    assert hours.state_at(rule, at(2026, 12, 21, 8, 0), coords=UTRECHT) == "closed"
    assert hours.state_at(rule, at(2026, 6, 21, 6, 0), coords=UTRECHT) == "open"
    assert hours.state_at(rule, at(2026, 6, 21, 21, 0), coords=UTRECHT) == "open"
    # Without coordinates: the centre of the Netherlands, not 07:00/19:00.
    assert hours.state_at(rule, at(2026, 6, 21, 21, 0)) == "open"
    assert hours.describe(rule, at(2026, 12, 21, 12, 0), coords=UTRECHT) == "Nu open, tot 16:29"


def test_sunrise_after_a_fixed_end_is_closed_that_day():
    # opening_hours.js: "sunrise-08:00" is empty on days the sun rises after 08:00 (not overnight).
    assert hours.state_at("sunrise-08:00", at(2026, 12, 21, 12, 0), coords=UTRECHT) == "closed"
    assert hours.state_at("sunrise-08:00", at(2026, 6, 21, 7, 0), coords=UTRECHT) == "open"


def test_open_end_is_unknown():
    rule = "Mo-Sa 18:00+"
    assert hours.state_at(rule, at(2026, 11, 23, 17, 0)) == "closed"
    assert hours.state_at(rule, at(2026, 11, 23, 19, 0)) == "unknown"
    assert hours.state_at("Fr 10:00-18:00+", at(2026, 11, 27, 12, 0)) == "open"
    assert hours.state_at("Fr 10:00-18:00+", at(2026, 11, 27, 20, 0)) == "unknown"


def test_comment_only_rules_are_unknown():
    assert hours.state_at('Su "op afspraak"', at(2026, 11, 29, 12, 0)) == "unknown"
    rule = 'Mo-Fr 09:00-17:00 || "bel ons"'
    assert hours.state_at(rule, at(2026, 11, 23, 10, 0)) == "open"
    assert hours.state_at(rule, at(2026, 11, 28, 10, 0)) == "unknown"


@pytest.mark.parametrize("value", ["10:00-12:00;", "Mo-Fr 10:00-12:00,", "Mo-Fr 10:00-12:00 ;  "])
def test_trailing_separator_is_accepted(value):
    assert hours.is_valid(value)
    assert hours.state_at(value, at(2026, 11, 23, 11, 0)) == "open"


def test_weekday_list_with_spaces_is_one_list():
    rule = "Mo, Tu, We 11:00-01:00"
    assert hours.state_at(rule, at(2026, 11, 23, 10, 0)) == "closed"   # Monday before 11:00
    assert hours.state_at(rule, at(2026, 11, 24, 0, 30)) == "open"     # Monday night
    assert hours.state_at(rule, at(2026, 11, 26, 0, 30)) == "open"     # Wednesday night
    assert hours.state_at(rule, at(2026, 11, 26, 12, 0)) == "closed"   # Thursday


def test_easter_to_a_fixed_date_is_not_open_in_january():
    rule = "easter-Apr 02"
    assert hours.state_at(rule, at(2027, 1, 13, 12, 0)) == "closed"
    assert hours.state_at(rule, at(2027, 3, 30, 12, 0)) == "open"      # Easter 2027 is 28 March


def test_ph_with_weekdays_means_a_holiday_on_those_weekdays():
    rule = "PH We,Fr"
    assert hours.state_at(rule, at(2026, 4, 3, 12, 0)) == "open"       # Goede Vrijdag, a Friday
    assert hours.state_at(rule, at(2026, 4, 6, 12, 0)) == "closed"     # Tweede Paasdag, a Monday
    assert hours.state_at(rule, at(2026, 11, 25, 12, 0)) == "closed"   # an ordinary Wednesday


def test_off_and_unknown_with_times_change_only_those_times():
    rule = "24/7; 12:00-14:00 off; 00:23-00:42 unknown"
    assert hours.state_at(rule, at(2026, 11, 23, 11, 0)) == "open"
    assert hours.state_at(rule, at(2026, 11, 23, 13, 0)) == "closed"
    assert hours.state_at(rule, at(2026, 11, 23, 0, 30)) == "unknown"


DUTCH_PH_2026 = {
    "2026-01-01": "Nieuwjaarsdag", "2026-04-03": "Goede Vrijdag", "2026-04-06": "Tweede Paasdag",
    "2026-04-27": "Koningsdag", "2026-05-05": "Bevrijdingsdag", "2026-05-14": "Hemelvaartsdag",
    "2026-05-25": "Tweede Pinksterdag", "2026-12-25": "Eerste Kerstdag", "2026-12-26": "Tweede Kerstdag",
}


def test_dutch_public_holiday_list():
    assert {d.isoformat(): name for d, name in public_holidays(2026).items()} == DUTCH_PH_2026
    # Koningsdag on a Sunday moves to Saturday 26 April (2025).
    assert public_holidays(2025)[datetime(2025, 4, 26).date()] == "Koningsdag"


@pytest.mark.parametrize("day", sorted(DUTCH_PH_2026))
def test_ph_matches_each_dutch_public_holiday(day):
    y, m, d = map(int, day.split("-"))
    assert hours.state_at("Mo-Su 09:00-17:00; PH off", at(y, m, d, 12, 0)) == "closed"
    assert hours.state_at("PH 10:00-14:00", at(y, m, d, 12, 0)) == "open"


@pytest.mark.parametrize("day", [(2026, 4, 5), (2026, 5, 24), (2026, 4, 2), (2026, 12, 24)],
                         ids=["eerste-paasdag", "eerste-pinksterdag", "witte-donderdag", "kerstavond"])
def test_ph_does_not_match_other_days(day):
    assert hours.state_at("PH 10:00-14:00", at(*day, 12, 0)) == "closed"


def test_school_holidays_get_a_clear_message():
    message = hours.problem("Mo-Fr 09:00-17:00; SH off")
    assert message and "Schoolvakanties" in message
    assert hours.state_at("Mo-Fr 09:00-17:00; SH off", at(2026, 11, 23, 10, 0)) == "unknown"


@pytest.mark.parametrize("value, hint", [
    ("10.00-12.00", "dubbele punt"),
    ("10-12", "met minuten"),
    ("Mo 10:00 am-2:00 pm", "24-uursklok"),
    ("Montag 10:00-12:00", "Montag"),
])
def test_unreadable_values_say_what_to_change(value, hint):
    message = hours.problem(value)
    assert message is not None and hint in message


def test_week_schedule_and_next_change_with_coordinates_and_holidays():
    days = hours.week_schedule("Mo-Fr 09:00-17:00; PH off", at(2026, 3, 30), coords=UTRECHT)
    assert [d.periods for d in days][:5] == [["09:00 tot 17:00"]] * 4 + [[]]   # Friday 3 April: Goede Vrijdag
    # Thursday evening before Goede Vrijdag; Monday is Tweede Paasdag: open again on Tuesday.
    assert hours.next_change("Mo-Fr 09:00-17:00; PH off", at(2026, 4, 2, 18, 0)) == at(2026, 4, 7, 9, 0)


def test_yesterdays_late_hours_survive_a_rule_for_today():
    # Saturday runs until 02:00 on Sunday; the Sunday rule does not wipe that out (opening_hours.js).
    rule = "Mo-Fr,Su 11:00-01:00; Sa 11:00-02:00"
    assert hours.state_at(rule, at(2026, 11, 29, 1, 30)) == "open"
    assert hours.state_at(rule, at(2026, 11, 29, 2, 30)) == "closed"


def test_unknown_is_said_on_the_page_not_shown_as_open_or_closed():
    rule = "Mo-Fr 10:00-17:00; Sa 18:00+"
    days = hours.week_schedule(rule, at(2026, 11, 23))
    assert days[0].periods == ["10:00 tot 17:00"]
    assert days[5].periods == ["18:00 tot 04:00 ('s nachts): misschien open"]
    assert hours.describe(rule, at(2026, 11, 28, 12, 0)) == "Nu dicht; vanaf 18:00 onbekend"
    assert hours.describe(rule, at(2026, 11, 28, 20, 0)) == "Open of dicht: onbekend"
