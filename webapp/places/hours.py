"""Opening hours in the OpenStreetMap `opening_hours` syntax, via the `opening-hours-py` library.

Evaluated in Europe/Amsterdam, at the place's coordinates (sunrise/sunset), with the Dutch public holidays
of webapp/places/hours_holidays.py for `PH`. webapp/places/hours_syntax.py is a small patch layer that makes
the library read values the way opening_hours.js (the evaluator OpenStreetMap's tools use) does; the
agreement is measured in tests/places/test_hours_reference.py.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import opening_hours
from dateutil.easter import easter
from flask_babel import format_date
from flask_babel import gettext as _

from webapp.places import hours_syntax as syntax

# The library's parse error (its type stub leaves it out).
_PARSER_ERROR: type[Exception] = opening_hours.ParserError  # type: ignore[attr-defined]

log = logging.getLogger(__name__)

TZ = ZoneInfo("Europe/Amsterdam")
COUNTRY = "NL"
# Without a place's coordinates, sunrise and sunset are those of the centre of the Netherlands
# (at most about 10 minutes off anywhere in the country), not a fixed 07:00/19:00.
NL_CENTRE = (52.1326, 5.2913)

Coords = tuple[float, float]


class OpeningHoursError(ValueError):
    """The text is not valid `opening_hours` syntax, or we cannot evaluate it; str() says why (in Dutch)."""


@dataclass(frozen=True)
class Prepared:
    """A checked value: its rule groups (the first, then each "||" fallback) after the syntax rewrites."""
    text: str
    groups: tuple[tuple[syntax.Rule, ...], ...]
    uses_holidays: bool
    per_day: bool           # PH, easter or sun times: the rules are written out per day


def _coords(coords: Coords | None) -> Coords:
    if coords is None:
        return NL_CENTRE
    return (round(float(coords[0]), 4), round(float(coords[1]), 4))


@lru_cache(maxsize=8192)
def _library(text: str, coords: Coords = NL_CENTRE, country: str | None = None) -> opening_hours.OpeningHours:
    # `PH` is replaced by our own calendar before evaluation (hours_syntax.substitute_holidays); `country`
    # is only given to check the syntax. Workaround: opening-hours-py 2.1.4 ignores `coords` (sunrise at
    # 07:00, sunset at 19:00) when auto_timezone/auto_country are False, so they stay at their default;
    # the timezone is given, so nothing is guessed for it.
    # max_interval_days keeps evaluation fast for rules that never change ("24/7").
    return opening_hours.OpeningHours(text, timezone=TZ, country=country, coords=coords, max_interval_days=370)


def _explain(text: str, error: str) -> str:
    """Why the value cannot be read, in plain Dutch, with the way to write it."""
    position = re.search(r"--> \d+:(\d+)", error)
    column = int(position.group(1)) if position else None

    def near_error(pattern: str, flags: int = 0) -> bool:
        # Only a hint about the place where reading stopped ("week 01-05" elsewhere is fine).
        return any(column is None or (match.start() <= column + 2 and match.end() >= column - 2)
                   for match in re.finditer(pattern, text, flags))

    if near_error(r"\b\d{1,2}\.\d{2}\b"):
        return _("Schrijf tijden met een dubbele punt, zoals 10:00 (niet 10.00).")
    if near_error(r"\d(?::\d{2})?\s*(am|pm|a\.m\.|p\.m\.)", re.IGNORECASE):
        return _("Schrijf tijden op de 24-uursklok, zoals 14:00 (niet 2 pm).")
    if near_error(r"(?<![:\d])\d{1,2}\s*-\s*\d{1,2}(?![:\d])"):
        return _("Schrijf tijden met minuten, zoals 10:00-12:00 (niet 10-12).")
    if column is not None:
        word = _word_at(text, column - 1)
        if word:
            return _("\u201c%(word)s\u201d kennen we niet. Gebruik Mo Tu We Th Fr Sa Su voor de dagen, "
                     "Jan tot Dec voor de maanden, PH voor feestdagen en off voor dicht.", word=word)
        return _("Deze openingstijden kunnen we niet lezen. Kijk bij teken %(position)s: \u201c%(near)s\u201d. "
                 "Schrijf ze zoals \u201cMo-Fr 09:00-17:00; Sa 10:00-16:00; PH off\u201d.",
                 position=column, near=text[max(column - 1, 0):column + 11])
    return _("Deze openingstijden kunnen we niet lezen. "
             "Schrijf ze zoals \u201cMo-Fr 09:00-17:00; Sa 10:00-16:00; PH off\u201d.")


_KNOWN_WORDS = {"Mo", "Tu", "We", "Th", "Fr", "Sa", "Su", "PH", "SH", "off", "open", "closed", "unknown", "week",
                "easter", "sunrise", "sunset", "dawn", "dusk", "day", "days", "Jan", "Feb", "Mar", "Apr", "May",
                "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}


def _word_at(text: str, index: int) -> str | None:
    """The word (letters) around position `index`, when it is not part of the syntax."""
    if not 0 <= index < len(text) or not text[index].isalpha():
        return None
    start = index
    while start > 0 and text[start - 1].isalpha():
        start -= 1
    end = index
    while end < len(text) and (text[end].isalpha() or text[end] == "."):
        end += 1
    word = text[start:end]
    return None if word in _KNOWN_WORDS else word


@dataclass(frozen=True)
class _Failure:
    """Why a value cannot be used; cached like a success, the message is made in the reader's language."""
    reason: str             # "school_holidays", "empty" or "syntax"
    error: str = ""         # the library's error (with the position) for "syntax"


@lru_cache(maxsize=4096)
def _prepare(text: str) -> Prepared | _Failure:
    rules = syntax.parse_rules(text)
    if any(re.search(r"\bSH\b", r.selectors) for r in rules):
        return _Failure("school_holidays")
    rules = syntax.expand_open_ends(rules)
    groups = tuple(tuple(g) for g in syntax.fallback_groups(rules))
    if not groups:
        return _Failure("empty")
    for group in groups:
        try:
            # Check the syntax with the library's own calendar, so PH, PH +1 day etc. are checked too.
            _library(syntax.to_text(list(group)), NL_CENTRE, COUNTRY)
        except (_PARSER_ERROR, SyntaxError, ValueError) as exc:  # noqa: F841 - used below
            try:  # the position in the text as written (the rewrites may have moved it)
                _library(text, NL_CENTRE, COUNTRY)
            except (_PARSER_ERROR, SyntaxError, ValueError) as original:
                exc = original
            return _Failure("syntax", str(exc))
    uses_holidays = any(syntax.uses_holidays(list(g)) for g in groups)
    per_day = uses_holidays or any(syntax.uses_easter(list(g)) or syntax.uses_variable_times(list(g))
                                   for g in groups)
    return Prepared(text, groups, uses_holidays, per_day)


def _message(failure: _Failure, text: str) -> str:
    if failure.reason == "school_holidays":
        return _("Schoolvakanties (SH) kunnen we niet uitrekenen: die verschillen per regio. "
                 "Schrijf de data uit, bijvoorbeeld \u201cJul 18-Aug 30 off\u201d.")
    if failure.reason == "empty":
        return _("Deze openingstijden zijn leeg.")
    return _explain(text, failure.error)


def parse(text: str, coords: Coords | None = None) -> Prepared:
    """The checked value (cached: the same strings come back on every search). Raises OpeningHoursError
    with a plain-Dutch message. `coords` does not change how a value is read (only how it is evaluated)."""
    text = text.strip()
    try:
        prepared = _prepare(text)
    except (_PARSER_ERROR, SyntaxError, ValueError) as exc:
        raise OpeningHoursError(_explain(text, str(exc))) from exc
    if isinstance(prepared, _Failure):
        raise OpeningHoursError(_message(prepared, text))
    return prepared


def uses_place(text: str | None) -> bool:
    """Whether the hours depend on where the place is (sunrise, sunset, dawn, dusk)."""
    if not text or not text.strip():
        return False
    try:
        prepared = parse(text.strip())
    except OpeningHoursError:
        return False
    return any(syntax.uses_variable_times(list(group)) for group in prepared.groups)


def is_valid(text: str) -> bool:
    return problem(text) is None


def problem(text: str | None) -> str | None:
    """Why `text` cannot be used as opening hours (plain Dutch), or None when it can (empty = not known)."""
    if not text or not text.strip():
        return None
    try:
        parse(text.strip())
    except OpeningHoursError as exc:
        return str(exc)
    return None


def now() -> datetime:
    return datetime.now(TZ)


def _local(at: datetime | None) -> datetime:
    if at is None:
        return now()
    if at.tzinfo is None:
        return at.replace(tzinfo=TZ)
    return at.astimezone(TZ)


def local_moment(at: datetime | None) -> datetime:
    """`at` in Amsterdam time (a naive `at` is read as Amsterdam time; None is now)."""
    return _local(at)


@lru_cache(maxsize=512)
def _weekday_matches(item: str, day: date) -> bool:
    """Whether a plain weekday item ("Mo-Fr", "Su[-1]", "Sa +1 day") matches `day`."""
    try:
        return _library(item).is_open(datetime.combine(day, time(12, 0), TZ))
    except Exception:
        return False


@lru_cache(maxsize=2048)
def _sun(day: date, where: Coords) -> dict[str, int]:
    """Sunrise, sunset, dawn and dusk of `day` at `where`, in minutes after midnight (Amsterdam time)."""
    start = datetime.combine(day, time(0, 0), TZ)
    end = start + timedelta(days=1)
    out: dict[str, int] = {}
    for rule, names in (("sunrise-sunset", ("sunrise", "sunset")), ("dawn-dusk", ("dawn", "dusk"))):
        for begin, finish, state, _comment in _library(rule, where).intervals(start, end):
            if str(state).split(".")[-1].upper() == "OPEN":
                for name, moment in zip(names, (begin, finish), strict=False):
                    moment = _local(moment)
                    out[name] = int((moment - start).total_seconds() // 60)
                break
    defaults = {"sunrise": 6 * 60, "sunset": 18 * 60, "dawn": 5 * 60 + 30, "dusk": 18 * 60 + 30}
    return {name: out.get(name, minutes) for name, minutes in defaults.items()}


def _day_rules(group: tuple[syntax.Rule, ...], day: date, prepared: Prepared, where: Coords) -> list[syntax.Rule]:
    """The group's rules as they apply around `day`: PH and sunrise/sunset written out for that day."""
    rules = list(group)
    if prepared.uses_holidays:
        rules = syntax.substitute_holidays(rules, day, _weekday_matches)
    if syntax.uses_easter(rules):
        rules = syntax.substitute_easter(rules, day.year, easter)
    if syntax.uses_variable_times(rules):
        rules = syntax.substitute_sun(rules, _sun(day, where))
    return rules


def _group_text(group: tuple[syntax.Rule, ...], day: date, prepared: Prepared, where: Coords) -> str:
    return syntax.to_text(_day_rules(group, day, prepared, where))


_STATES = {"OPEN": "open", "CLOSED": "closed", "UNKNOWN": "unknown"}


def _state(oh: opening_hours.OpeningHours, moment: datetime) -> str:
    return _STATES.get(str(oh.state(moment)[0]).split(".")[-1].upper(), "unknown")


@dataclass(frozen=True)
class _Partial:
    cover: opening_hours.OpeningHours             # open where the rule's selectors and times are
    unknown: bool                                 # says unknown (else closed)
    overriders: tuple[opening_hours.OpeningHours, ...]   # days of later rules that replace the day


@dataclass(frozen=True)
class _GroupPlan:
    base: opening_hours.OpeningHours | None       # the rules that replace whole days
    tails: tuple[tuple[opening_hours.OpeningHours, opening_hours.OpeningHours], ...]  # (its days, the rule)
    partials: tuple[_Partial, ...]


def _rule_lib(rule: syntax.Rule, where: Coords, day_only: bool = False,
              modifier: str | None = "open") -> opening_hours.OpeningHours:
    if day_only:
        return _library(rule.selectors or "24/7", where)
    return _library(syntax.to_text([syntax.Rule("", rule.selectors, rule.times, modifier, None)]), where)


@lru_cache(maxsize=16384)
def _plan(text: str, day: date | None, where: Coords) -> tuple[_GroupPlan, ...]:
    """What to ask the library for `text` (on `day`, when PH, easter or sun times make it depend on the
    day; else for every day), read as opening_hours.js does: a later rule with times that says
    off/closed/unknown changes only its own times; other rules replace what earlier rules said about a day,
    except yesterday's hours past midnight."""
    prepared = parse(text)
    plans = []
    for group in prepared.groups:
        rules = _day_rules(group, day, prepared, where) if day is not None else list(group)
        if not rules:
            continue
        partial = {i for i, rule in enumerate(rules) if syntax.is_partial(rule, i)}
        base = [r for i, r in enumerate(rules) if i not in partial]
        tails = tuple((_rule_lib(r, where, day_only=True), _rule_lib(r, where, modifier=r.modifier))
                      for r in reversed(base) if syntax.runs_past_midnight(r))
        partials = tuple(
            _Partial(_rule_lib(rules[i], where), rules[i].modifier == "unknown",
                     tuple(_rule_lib(rules[j], where, day_only=True) for j in range(i + 1, len(rules))
                           if j not in partial and rules[j].sep == ";"))
            for i in sorted(partial))
        plans.append(_GroupPlan(_library(syntax.to_text(base), where) if base else None, tails, partials))
    return tuple(plans)


def _group_state(plan: _GroupPlan, moment: datetime) -> str:
    state = _state(plan.base, moment) if plan.base is not None else "closed"
    if state == "closed":
        # opening-hours-py lets a later rule for today ("Su 11:00-01:00") also wipe out the part after
        # midnight of yesterday's rule ("Sa 11:00-02:00"); opening_hours.js keeps that part.
        for its_days, rule in plan.tails:
            if its_days.is_open(moment):
                continue
            tail = _state(rule, moment)
            if tail != "closed":
                state = tail
                break
    for partial in plan.partials:
        if partial.cover.is_open(moment) and not any(o.is_open(moment) for o in partial.overriders):
            state = "unknown" if partial.unknown else "closed"
    return state


def state_at(text: str | None, at: datetime | None = None, coords: Coords | None = None) -> str:
    """'open', 'closed' or 'unknown' (no hours, unreadable hours, or the rule says unknown).

    `coords` (latitude, longitude) of the place make sunrise/sunset exact; without them the centre of
    the Netherlands is used."""
    if not text or not text.strip():
        return "unknown"
    text = text.strip()
    try:
        prepared = parse(text)
    except OpeningHoursError:
        return "unknown"
    moment = _local(at)
    try:
        return _evaluate(_plan(text, moment.date() if prepared.per_day else None, _coords(coords)), moment)
    except Exception:  # the library can fail on exotic rules (e.g. far-off dates); never break a page
        log.warning("could not evaluate opening hours %r", text, exc_info=True)
        return "unknown"


def _evaluate(plans: tuple[_GroupPlan, ...], moment: datetime) -> str:
    for plan in plans:
        state = _group_state(plan, moment)
        # Fallback ("||"): as in opening_hours.js the next group decides wherever this group says
        # closed. opening-hours-py only falls back on days no rule of the group mentions.
        if state != "closed":
            return state
    return "closed"


def _plan_libraries(plans: tuple[_GroupPlan, ...]) -> list[opening_hours.OpeningHours]:
    """Every library object `_evaluate` asks: the state can change only where one of them changes."""
    found: list[opening_hours.OpeningHours] = []
    for plan in plans:
        if plan.base is not None:
            found.append(plan.base)
        for its_days, rule in plan.tails:
            found += [its_days, rule]
        for partial in plan.partials:
            found += [partial.cover, *partial.overriders]
    return found


def _changes(libraries: list[opening_hours.OpeningHours], start: datetime, end: datetime) -> set[datetime]:
    """The moments (UTC) in [start, end) at which one of `libraries` changes state."""
    moments = {start}
    for oh in libraries:
        for begin, finish, _kind, _comment in oh.intervals(_local(start), _local(end)):
            for moment in (begin, finish):
                if moment is not None:
                    moment = (moment if moment.tzinfo else moment.replace(tzinfo=TZ)).astimezone(UTC)
                    if start <= moment < end:
                        moments.add(moment)
    return moments


Interval = tuple[datetime, datetime, str]


def intervals(text: str | None, start: datetime, end: datetime,
              coords: Coords | None = None) -> list[Interval] | None:
    """The open and unknown intervals (begin, end, "open"/"unknown"; UTC, end excluded) in [start, end):
    at every moment in them `state_at` says that state, and "closed" everywhere else. None when the hours
    are not known or cannot be evaluated (then `state_at` says "unknown" at every moment).

    Between two moments at which one of the library objects `state_at` asks changes, the answer cannot
    change: so `state_at`'s own evaluation at each such moment gives the exact timeline."""
    if not text or not text.strip():
        return None
    text = text.strip()
    try:
        prepared = parse(text)
    except OpeningHoursError:
        return None
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    where = _coords(coords)
    try:
        pieces: list[tuple[datetime, datetime, tuple[_GroupPlan, ...]]] = []
        if prepared.per_day:
            day = _local(start).date()
            while True:
                day_start = datetime.combine(day, time(0, 0), TZ).astimezone(UTC)
                if day_start >= end:
                    break
                day_end = datetime.combine(day + timedelta(days=1), time(0, 0), TZ).astimezone(UTC)
                pieces.append((max(start, day_start), min(end, day_end), _plan(text, day, where)))
                day += timedelta(days=1)
        else:
            pieces.append((start, end, _plan(text, None, where)))
        segments: list[Interval] = []
        for piece_start, piece_end, plans in pieces:
            moments = sorted(_changes(_plan_libraries(plans), piece_start, piece_end))
            for i, moment in enumerate(moments):
                finish = moments[i + 1] if i + 1 < len(moments) else piece_end
                state = _evaluate(plans, _local(moment))
                if segments and segments[-1][1] == moment and segments[-1][2] == state:
                    segments[-1] = (segments[-1][0], finish, state)
                else:
                    segments.append((moment, finish, state))
        return [segment for segment in segments if segment[2] != "closed"]
    except Exception:
        log.warning("could not list the intervals of opening hours %r", text, exc_info=True)
        return None


def is_open(text: str | None, at: datetime | None = None, coords: Coords | None = None) -> bool:
    return state_at(text, at, coords) == "open"


def _midnight(moment: datetime) -> datetime:
    return datetime.combine(moment.date() + timedelta(days=1), time(0, 0), TZ)


def next_change(text: str | None, at: datetime | None = None, coords: Coords | None = None) -> datetime | None:
    """When the state of the first rule group next changes (within about a week for rules with PH)."""
    if not text or not text.strip():
        return None
    try:
        prepared = parse(text.strip())
        moment, where = _local(at), _coords(coords)
        group = prepared.groups[0]
        if not prepared.per_day:
            change = _library(syntax.to_text(list(group)), where).next_change(moment)
            return change.astimezone(TZ) if change and change.tzinfo else change
        cursor = moment
        for _day in range(8):
            # The holiday substitution holds for the day of `cursor` (and its neighbours): look no further.
            oh = _library(_group_text(group, cursor.date(), prepared, where) or "closed", where)
            change = oh.next_change(cursor)
            if change is not None:
                change = change.astimezone(TZ) if change.tzinfo else change.replace(tzinfo=TZ)
            midnight = _midnight(cursor)
            if change is not None and change < midnight:
                return change
            tomorrow = _library(_group_text(group, midnight.date(), prepared, where) or "closed", where)
            if _state(oh, midnight - timedelta(seconds=1)) != _state(tomorrow, midnight):
                return midnight
            cursor = midnight
    except Exception:
        return None
    return None


@dataclass(frozen=True)
class DaySchedule:
    day: datetime
    label: str              # "maandag 23 november"
    periods: list[str]      # ["09:00 tot 17:00"]


def _day_label(day: datetime) -> str:
    """"maandag 23 november" (in the user's language, from the CLDR data via Babel)."""
    return format_date(day.date(), "EEEE d MMMM")


def _weekday(day: datetime) -> str:
    return format_date(day.date(), "EEEE")


def _add(per_day: dict[int, list[str]], index: int, begin: datetime, end_text: str, unknown: bool = False) -> None:
    if index not in per_day:
        return
    if begin.hour == 0 and begin.minute == 0 and end_text == "24:00":
        text = _("de hele dag")
    else:
        text = _("%(start)s tot %(end)s", start=begin.strftime("%H:%M"), end=end_text)
    # "Unknown" (an open end, "op afspraak") is said as such, never shown as open or left out as closed.
    per_day[index].append(_("%(period)s: misschien open", period=text) if unknown else text)


def _open_intervals(prepared: Prepared, first: datetime, days: int,
                    where: Coords) -> list[tuple[datetime, datetime, bool]]:
    """Open and unknown intervals (begin, end, unknown) of the first rule group, day by day (the holiday
    substitution holds per day), with pieces of the same state that touch at midnight joined again."""
    pieces: list[tuple[datetime, datetime, bool]] = []
    group = prepared.groups[0]
    for i in range(days + 1):
        day_start = datetime.combine(first.date() + timedelta(days=i), time(0, 0), TZ)
        day_end = _midnight(day_start)
        rules_text = _group_text(group, day_start.date(), prepared, where)
        if not rules_text:
            continue
        for begin, finish, state, _comment in _library(rules_text, where).intervals(day_start, day_end):
            kind = str(state).split(".")[-1].upper()
            if kind not in ("OPEN", "UNKNOWN"):
                continue
            unknown = kind == "UNKNOWN"
            begin, finish = _local(begin), _local(finish or day_end)
            if pieces and pieces[-1][1] == begin and pieces[-1][2] == unknown:
                pieces[-1] = (pieces[-1][0], finish, unknown)
            else:
                pieces.append((begin, finish, unknown))
    return pieces


def week_schedule(text: str | None, start: datetime | None = None, days: int = 7,
                  coords: Coords | None = None) -> list[DaySchedule]:
    """The opening times for each of the next `days` days, in words: always right, whatever the rule.

    Evaluated with the library (so PH, week numbers, sunset etc. are applied), not by reading the text.
    """
    if not text or not text.strip():
        return []
    try:
        prepared = parse(text.strip())
    except OpeningHoursError:
        return []
    first = _local(start).replace(hour=0, minute=0, second=0, microsecond=0)
    end = first + timedelta(days=days)
    per_day: dict[int, list[str]] = {i: [] for i in range(days)}
    try:
        for begin, finish, unknown in _open_intervals(prepared, first, days, _coords(coords)):
            cursor, finish = begin, min(finish, end + timedelta(days=1))
            if cursor >= end:
                continue
            while cursor < finish:
                index = (cursor.date() - first.date()).days
                midnight = (cursor + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
                if finish <= midnight:
                    end_text = "24:00" if finish == midnight else finish.strftime("%H:%M")
                    _add(per_day, index, cursor, end_text, unknown)
                    break
                if finish - midnight <= timedelta(hours=6):
                    # A late evening that runs past midnight: say it on the evening's own day.
                    _add(per_day, index, cursor, _("%(time)s ('s nachts)", time=finish.strftime("%H:%M")), unknown)
                    break
                _add(per_day, index, cursor, "24:00", unknown)
                cursor = midnight
    except Exception:
        log.warning("could not list intervals for %r", text)
        return []
    schedule = []
    for i in range(days):
        day = first + timedelta(days=i)
        schedule.append(DaySchedule(day, _day_label(day), per_day[i]))
    return schedule


def describe(text: str | None, at: datetime | None = None, coords: Coords | None = None) -> str:
    """A short sentence about now: "Nu open, tot 17:00", "Nu dicht, open vanaf dinsdag 09:00"."""
    state = state_at(text, at, coords)
    if state == "unknown":
        return _("Openingstijden onbekend") if not text else _("Open of dicht: onbekend")
    moment = _local(at)
    change = next_change(text, moment, coords)
    if state == "open":
        if change is None:
            return _("Nu open")
        return _("Nu open, tot %(time)s", time=_when(change, moment))
    if change is None:
        return _("Nu dicht")
    if state_at(text, change, coords) != "open":
        # What comes next is "unknown" (an open end, "op afspraak"): do not promise an opening.
        return _("Nu dicht; vanaf %(time)s onbekend", time=_when(change, moment))
    return _("Nu dicht, open vanaf %(time)s", time=_when(change, moment))


def _when(moment: datetime, reference: datetime) -> str:
    moment = _local(moment)
    if moment.date() == reference.date():
        return moment.strftime("%H:%M")
    if moment.date() == (reference + timedelta(days=1)).date():
        return _("morgen %(time)s", time=moment.strftime("%H:%M"))
    if (moment.date() - reference.date()).days < 7:
        return f"{_weekday(moment)} {moment.strftime('%H:%M')}"
    return f"{_day_label(moment)} {moment.strftime('%H:%M')}"


def mentions_holidays_closed(text: str | None) -> bool:
    """True when the rule closes on public holidays ("PH off" / "PH closed")."""
    if not text:
        return False
    normal = " ".join(text.replace(";", " ; ").split()).lower()
    return "ph off" in normal or "ph closed" in normal
