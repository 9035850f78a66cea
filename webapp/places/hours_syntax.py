"""A small patch layer in front of opening-hours-py: rewrites that make it read `opening_hours` values the
way opening_hours.js (the evaluator OpenStreetMap's own tools use, our reference) and the specification
(https://wiki.openstreetmap.org/wiki/Key:opening_hours/specification) read them.

Each rewrite is general (it works on the structure of the value, never on literal values) and says which
upstream behaviour of opening-hours-py 2.1.4 it works around. tests/places/test_hours_syntax.py has a test per
rewrite; tests/places/test_hours_reference.py measures the result against opening_hours.js.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, timedelta

from webapp.places.hours_holidays import is_public_holiday

MODIFIERS = ("open", "closed", "off", "unknown")
_TIME = r"(?:\d{1,2}:\d{2}|\(?(?:sunrise|sunset|dawn|dusk)\b)"
_TIME_START = re.compile(r"(?<![\w:\[-])" + _TIME)
_MODIFIER_END = re.compile(r"(?:^|\s|:)(open|closed|off|unknown)\s*$")
_COMMENT_END = re.compile(r'"([^"]*)"\s*$')
_WEEKDAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
# Default moments opening_hours.js uses to decide how long an open end lasts for variable times.
_VARIABLE_DEFAULTS = {"sunrise": 6 * 60, "sunset": 18 * 60, "dawn": 5 * 60 + 30, "dusk": 18 * 60 + 30}


class UnsupportedHours(ValueError):
    """Valid syntax that we cannot evaluate for a Dutch place; the message says why (in Dutch, gettext)."""


@dataclass(frozen=True)
class Rule:
    sep: str                 # "" (first rule), ";" (normal), "," (additional) or "||" (fallback)
    selectors: str           # "Mo-Fr", "Jan-Mar Sa,PH", "24/7", ""
    times: tuple[str, ...]   # ("10:00-12:00", "14:00+")
    modifier: str | None     # open / closed / off / unknown, or None
    comment: str | None      # the comment with its quotes, or None

    def body(self) -> str:
        parts = [self.selectors, ",".join(self.times), self.modifier or "", self.comment or ""]
        return " ".join(p for p in parts if p)


def _split_top(text: str) -> list[tuple[str, str]]:
    """Split on rule separators outside comments: ';', '||' and ', ' (comma + space = additional rule)."""
    chunks: list[tuple[str, str]] = []
    sep, start, i, quoted = "", 0, 0, False
    while i < len(text):
        ch = text[i]
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch == ";":
            chunks.append((sep, text[start:i]))
            sep, start = ";", i + 1
        elif not quoted and text.startswith("||", i):
            chunks.append((sep, text[start:i]))
            sep, start = "||", i + 2
            i += 1
        elif not quoted and ch == "," and i + 1 < len(text) and text[i + 1].isspace():
            chunks.append((sep, text[start:i]))
            sep, start = ",", i + 1
        i += 1
    chunks.append((sep, text[start:]))
    return chunks


def _parse_rule(sep: str, text: str) -> Rule:
    body = text.strip()
    comment = None
    match = _COMMENT_END.search(body)
    if match:
        comment, body = match.group(0).strip(), body[: match.start()].strip()
    modifier = None
    match = _MODIFIER_END.search(body)
    if match:
        modifier, body = match.group(1), body[: match.start()].strip().rstrip(":").strip()
    match = _TIME_START.search(body)
    if match:
        selectors, times = body[: match.start()].strip(), body[match.start():].strip()
        return Rule(sep, selectors, tuple(t.strip() for t in _split_times(times)), modifier, comment)
    return Rule(sep, body, (), modifier, comment)


def _split_times(times: str) -> list[str]:
    out, depth, start = [], 0, 0
    for i, ch in enumerate(times):
        depth += ch == "("
        depth -= ch == ")"
        if ch == "," and depth == 0:
            out.append(times[start:i])
            start = i + 1
    out.append(times[start:])
    return [t for t in out if t.strip()]


def _is_bare(rule: Rule) -> bool:
    """Only selectors: no times, state or comment."""
    return bool(rule.selectors) and not rule.times and rule.modifier is None and rule.comment is None


# Dashes and colons that are not the ASCII ones, as people (and word processors) type them.
_DASHES = re.compile("[\u2010\u2011\u2012\u2013\u2014\u2212\u30fc\uff5e~]")


def _typography(text: str) -> str:
    # Workaround: opening-hours-py only reads the ASCII hyphen and colon; "12:00–14:00" (en dash, as word
    # processors write it) or a full-width colon made the value invalid. opening_hours.js reads them (with a
    # warning). Comments (between quotes) are left alone.
    parts = text.split('"')
    for i in range(0, len(parts), 2):
        parts[i] = _DASHES.sub("-", parts[i]).replace("\uff1a", ":")
    return '"'.join(parts)


def parse_rules(text: str) -> list[Rule]:
    """The value as a list of rules, after the syntax rewrites below."""
    chunks = _split_top(_typography(text))
    # Workaround: opening-hours-py reads every ", " as the additional-rule separator, so
    # "Mo, Tu, We 11:00-01:00" becomes three rules (Mo and Tu open all day). The specification and
    # opening_hours.js read a comma (with or without space) inside a selector or a time list as a list.
    # Merge ", " back into "," when the part before it is only a selector, or when both sides are times.
    merged: list[tuple[str, str]] = []
    for sep, chunk in chunks:
        if merged and sep == ",":
            prev_sep, prev = merged[-1]
            prev_rule = _parse_rule(prev_sep, prev)
            starts_with_time = _TIME_START.match(chunk.strip()) is not None
            if _is_bare(prev_rule) or (starts_with_time and prev_rule.times and prev_rule.modifier is None
                                       and prev_rule.comment is None):
                merged[-1] = (prev_sep, prev.rstrip() + "," + chunk.strip())
                continue
        merged.append((sep, chunk))
    rules: list[Rule] = []
    for sep, chunk in merged:
        if not chunk.strip():
            # Workaround: opening-hours-py rejects an empty rule, so a trailing ";" or "," ("10:00-12:00;")
            # made the whole value invalid. The specification tolerates it; opening_hours.js ignores it.
            continue
        rule = _parse_rule(sep if rules else "", chunk)
        rules.append(rule)
    return [_comment_means_unknown(r) for r in rules]


def _comment_means_unknown(rule: Rule) -> Rule:
    # Workaround: opening-hours-py treats a rule with a comment but no state ('Su "by appointment"',
    # '|| "call us"') as open. The specification and opening_hours.js: a comment without an explicit
    # state means the state is unknown.
    if rule.comment is not None and rule.modifier is None:
        return replace(rule, modifier="unknown")
    return rule


def _minutes(value: str) -> int | None:
    """Minutes after midnight of a time ("17:30", "sunset", "(sunset+01:00)"), variable times at their default."""
    value = value.strip()
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", value)
    if match:
        return int(match.group(1)) * 60 + int(match.group(2))
    match = re.fullmatch(r"\(?(sunrise|sunset|dawn|dusk)(?:([+-])(\d{1,2}):(\d{2}))?\)?", value)
    if match:
        minutes = _VARIABLE_DEFAULTS[match.group(1)]
        if match.group(2):
            offset = int(match.group(3)) * 60 + int(match.group(4))
            minutes += offset if match.group(2) == "+" else -offset
        return minutes
    return None


def _open_end_until(start: int) -> int:
    # The closing time opening_hours.js assumes for an open end: 8 hours after a start from 22:00,
    # 10 hours after a start from 17:00, otherwise the end of the day.
    if start >= 22 * 60:
        return start + 8 * 60
    if start >= 17 * 60:
        return start + 10 * 60
    return 24 * 60


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _next_day_selectors(selectors: str) -> str | None:
    """The selectors one day later, when they are only weekdays ("Mo" -> "Tu", "Fr-Su" -> "Sa-Mo"), or ""
    for every day; None when that cannot be said simply."""
    if not selectors:
        return ""
    if not re.fullmatch(r"(?:Mo|Tu|We|Th|Fr|Sa|Su)(?:[-,](?:Mo|Tu|We|Th|Fr|Sa|Su))*", selectors):
        return None
    return re.sub(r"Mo|Tu|We|Th|Fr|Sa|Su", lambda m: _WEEKDAYS[(_WEEKDAYS.index(m.group(0)) + 1) % 7], selectors)


def _span_minutes(span: str) -> tuple[int, int] | None:
    """(start, end) in minutes of a plain span ("13:00-02:00" -> (780, 1560)); None for other spans."""
    dash = _top_level_dash(span)
    if dash < 0 or "/" in span:
        return None
    start, end = _minutes(span[:dash]), _minutes(span[dash + 1:])
    if start is None or end is None:
        return None
    return (start, end + 24 * 60 if end <= start else end)


def _subtract(interval: tuple[int, int], others: list[tuple[int, int]]) -> list[tuple[int, int]]:
    pieces = [interval]
    for a, b in others:
        nxt = []
        for x, y in pieces:
            if b <= x or a >= y:
                nxt.append((x, y))
                continue
            if x < a:
                nxt.append((x, a))
            if b < y:
                nxt.append((b, y))
        pieces = nxt
    return [(x, y) for x, y in pieces if y > x]


def runs_past_midnight(rule: Rule) -> bool:
    """Whether one of the rule's plain time spans ends after midnight ("20:00-02:00", "18:00-26:00")."""
    for span in rule.times:
        minutes = _span_minutes(span)
        if minutes is not None and minutes[1] > 24 * 60:
            return True
    return False


def _top_level_dash(span: str) -> int:
    depth = 0
    for i, ch in enumerate(span):
        depth += ch == "("
        depth -= ch == ")"
        if ch == "-" and depth == 0 and i > 0:
            return i
    return -1


def expand_open_ends(rules: list[Rule]) -> list[Rule]:
    """Workaround: opening-hours-py evaluates an open end ("17:00+", "10:00-18:00+") as open. The
    specification and opening_hours.js: after the (last known) start the state is unknown. Each open end
    becomes an explicit time span with state unknown, as an additional rule for the same selectors, lasting
    as long as opening_hours.js assumes."""
    out: list[Rule] = []
    for rule in rules:
        if rule.modifier not in (None, "open") or not any(t.endswith("+") for t in rule.times):
            out.append(rule)
            continue
        kept, extra = [], []
        for position, span in enumerate(rule.times):
            if not span.endswith("+"):
                kept.append(span)
                continue
            core = span[:-1]
            dash = _top_level_dash(core)
            begin = core[dash + 1:] if dash >= 0 else core
            if dash >= 0:
                kept.append(core)
            start = _minutes(begin)
            if start is None:
                kept.append(span)  # not understood: leave it to the library
                continue
            opening = _minutes(core[:dash]) if dash >= 0 else None
            if opening is not None and start <= opening:
                start += 24 * 60  # "22:00-04:00+": the open end starts at 04:00 the next day
            extra.append((begin, start, _open_end_until(start), position))
        # As in opening_hours.js, an open end lasts until the next time span of the same rule starts, and
        # spans after it in the list win where they overlap ("17:00+,13:00-02:00": unknown only 02:00-03:00).
        unknown_spans: list[str] = []
        next_day_spans: list[str] = []
        for begin, start, until, position in extra:
            # Only the spans after the open end in the list limit it; it overrides the ones before it.
            after = [iv for iv in (_span_minutes(t) for t in rule.times[position + 1:]) if iv is not None]
            later = [a for a, _b in after if a > start]
            if later:
                until = min(until, min(later))
            for a, b in _subtract((start, until), after):
                if a >= 24 * 60:
                    # The library has no spans starting after midnight: say it on the next day.
                    next_day = _next_day_selectors(rule.selectors)
                    if next_day is not None:
                        next_day_spans.append(f"{_hhmm(a - 24 * 60)}-{_hhmm(b - 24 * 60)}")
                    continue
                first = begin if a == start and start < 24 * 60 else _hhmm(a)
                unknown_spans.append(f"{first}-{_hhmm(b)}")
        if kept:
            out.append(replace(rule, times=tuple(kept)))
        if unknown_spans:
            sep = rule.sep if not kept else ","
            out.append(Rule(sep, rule.selectors, tuple(unknown_spans), "unknown", rule.comment))
        if next_day_spans:
            sep = rule.sep if not kept and not unknown_spans else ","
            out.append(Rule(sep, _next_day_selectors(rule.selectors) or "", tuple(next_day_spans), "unknown",
                            rule.comment))
    if out and out[0].sep:
        out[0] = replace(out[0], sep="")
    return out


def fallback_groups(rules: list[Rule]) -> list[list[Rule]]:
    """The rules split at each "||": the first group, then each fallback."""
    groups: list[list[Rule]] = [[]]
    for rule in rules:
        if rule.sep == "||":
            groups.append([replace(rule, sep="")])
        else:
            groups[-1].append(rule)
    return [g for g in groups if g]


def coverage(rules: list[Rule]) -> list[Rule]:
    """The same rules as "does any rule speak about this moment": every rule open and additional, so a
    moment is open exactly when some rule's selectors and times include it (explicit "off" included)."""
    return [replace(r, sep="," if i else "", modifier="open", comment=None) for i, r in enumerate(rules)]


def to_text(rules: list[Rule]) -> str:
    out = ""
    for rule in rules:
        if not out:
            out = rule.body()
        elif rule.sep == ",":
            out += ", " + rule.body()
        else:
            out += f" {rule.sep or ';'} " + rule.body()
    return out


# --- Public holidays -----------------------------------------------------------------------------------

_DAY_ITEM = (r"(?:PH|SH|(?:Mo|Tu|We|Th|Fr|Sa|Su)(?:-(?:Mo|Tu|We|Th|Fr|Sa|Su))?(?:\[[-\d,\s]+\])?)"
             r"(?:\s*[+-]\s*\d+\s*days?)?")
_DAY_SEQ = _DAY_ITEM + r"(?:\s*,\s*" + _DAY_ITEM + r")*"
_WEEKDAY_SELECTOR = re.compile(r"(?<![\w\[])(" + _DAY_SEQ + r")(?:\s+(" + _DAY_SEQ + r"))?(?![\w\]])")
_HOLIDAY = re.compile(r"^(PH|SH)(?:\s*([+-])\s*(\d+)\s*days?)?$")


def uses_holidays(rules: list[Rule]) -> bool:
    return any(re.search(r"\bPH\b", r.selectors) for r in rules)


def uses_school_holidays(text: str) -> bool:
    return any(re.search(r"\bSH\b", r.selectors) for r in parse_rules(text))


def _split_items(seq: str) -> list[str]:
    items, depth, start = [], 0, 0
    for i, ch in enumerate(seq):
        depth += ch == "["
        depth -= ch == "]"
        if ch == "," and depth == 0:
            items.append(seq[start:i].strip())
            start = i + 1
    items.append(seq[start:].strip())
    return items


def substitute_holidays(rules: list[Rule], day: date, weekday_matches) -> list[Rule]:
    """Workaround: opening-hours-py has its own Dutch holiday calendar (without Goede Vrijdag and, outside
    lustrum years, Bevrijdingsdag; with Eerste Paas- and Pinksterdag), and reads "PH We,Fr" (holiday AND
    weekday, per the specification) as "PH or We,Fr". For an evaluation around `day` we replace each weekday
    selector that mentions PH by the weekday names of the days in day-1 .. day+1 it matches (three
    consecutive days have three different names), using our calendar (webapp/places/hours_holidays.py).
    A rule that matches none of those days is dropped (it cannot apply). `weekday_matches(item, day)` says
    whether a plain weekday item (Mo-Fr, Su[-1]) matches a date."""
    window = [day + timedelta(days=k) for k in (-1, 0, 1)]
    out: list[Rule] = []
    for rule in rules:
        if not re.search(r"\bPH\b", rule.selectors):
            out.append(rule)
            continue
        match = _WEEKDAY_SELECTOR.search(rule.selectors)
        if not match:
            out.append(rule)
            continue
        first, second = match.group(1), match.group(2)

        def seq_matches(seq: str, when: date) -> bool:
            for item in _split_items(seq):
                hol = _HOLIDAY.match(item)
                if hol:
                    shift = int(hol.group(3) or 0) * (-1 if hol.group(2) == "-" else 1)
                    if is_public_holiday(when - timedelta(days=shift)):
                        return True
                elif weekday_matches(item, when):
                    return True
            return False

        def matches(when: date, first: str = first, second: str | None = second) -> bool:
            if second is None:
                return seq_matches(first, when)
            return seq_matches(first, when) and seq_matches(second, when)   # "PH We,Fr": both

        names = [_WEEKDAYS[d.weekday()] for d in window if matches(d)]
        if not names:
            if rule.sep == "||" or rule.sep == "":
                # Keep the position of a first/fallback rule but make it apply nowhere in the window.
                out.append(_never(rule, window))
            continue
        selectors = rule.selectors[: match.start()] + ",".join(names) + rule.selectors[match.end():]
        out.append(replace(rule, selectors=selectors.strip()))
    if out and out[0].sep:
        out[0] = replace(out[0], sep="")
    return out


def _never(rule: Rule, window: list[date]) -> Rule:
    """A rule with the same separator that matches none of the days in `window`."""
    names = {_WEEKDAYS[d.weekday()] for d in window}
    other = next(n for n in _WEEKDAYS if n not in names)
    return replace(rule, selectors=other, times=(), modifier="off", comment=None)


# --- Sunrise, sunset, dawn, dusk -----------------------------------------------------------------------

_VARIABLE = re.compile(r"\(?(sunrise|sunset|dawn|dusk)(?:([+-])(\d{1,2}):(\d{2}))?\)?")


def uses_variable_times(rules: list[Rule]) -> bool:
    return any(_VARIABLE.search(t) for r in rules for t in r.times)


def _actual(value: str, sun: dict[str, int]) -> int | None:
    match = _VARIABLE.fullmatch(value.strip())
    if not match:
        return _minutes(value)
    minutes = sun[match.group(1)]
    if match.group(2):
        offset = int(match.group(3)) * 60 + int(match.group(4))
        minutes += offset if match.group(2) == "+" else -offset
    return minutes


def substitute_sun(rules: list[Rule], sun: dict[str, int]) -> list[Rule]:
    """Workaround: opening-hours-py turns "sunrise-08:00" into an overnight span on days the sun rises
    after 08:00. opening_hours.js decides whether a span runs past midnight from the times' defaults
    (sunrise 06:00, sunset 18:00, dawn 05:30, dusk 18:30), and a span whose variable start falls on or after
    its end is empty that day. `sun` holds the day's actual times (minutes after midnight, from the library
    at the place's coordinates); each variable time is written out as that day's clock time."""
    out: list[Rule] = []
    for rule in rules:
        if not any(_VARIABLE.search(t) for t in rule.times):
            out.append(rule)
            continue
        times = []
        for span in rule.times:
            dash = _top_level_dash(span)
            if not _VARIABLE.search(span) or dash < 0 or "/" in span:
                times.append(span)
                continue
            left, right = span[:dash], span[dash + 1:]
            d_start, d_end = _minutes(left), _minutes(right)
            start, end = _actual(left, sun), _actual(right, sun)
            if d_start is None or d_end is None or start is None or end is None:
                times.append(span)
                continue
            if d_end < d_start:           # overnight by the defaults
                end += 24 * 60
            elif start >= end:            # the variable time passed the fixed one: empty that day
                continue
            times.append(f"{_hhmm(max(start, 0))}-{_hhmm(min(end, 48 * 60))}")
        if times:
            out.append(replace(rule, times=tuple(times)))
        elif rule.sep in ("", ";"):
            out.append(replace(rule, times=(), modifier="off", comment=None))
    if out and out[0].sep:
        out[0] = replace(out[0], sep="")
    return out


# --- Rules that close or make unknown only their own times --------------------------------------------

def is_partial(rule: Rule, index: int) -> bool:
    """opening_hours.js: a later rule with times whose state is off/closed/unknown changes only those times
    ("10:00-14:00; 12:00-14:00 off" is open 10:00-12:00), where opening-hours-py closes the whole day."""
    return index > 0 and bool(rule.times) and rule.modifier in ("off", "closed", "unknown")


# --- Easter ----------------------------------------------------------------------------------------------

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_EASTER = r"easter(?:\s*[+-]\s*\d+\s*days?)?"
_DATE = r"(?:" + _EASTER + r"|(?:" + "|".join(_MONTHS) + r")\s*\d{1,2})"
_EASTER_RANGE = re.compile(r"(?<![\w])(?:(\d{4})\s*)?(" + _DATE + r")(?:\s*-\s*(?:(\d{4})\s*)?(" + _DATE + r"))?")


def uses_easter(rules: list[Rule]) -> bool:
    return any("easter" in r.selectors for r in rules)


def substitute_easter(rules: list[Rule], year: int, easter_of) -> list[Rule]:
    """Workaround: opening-hours-py lets a date range that starts at easter and ends at a fixed date run on
    into the next year when the fixed date comes first ("easter-Apr 02" in a year Easter is after 2 April
    was open all January). opening_hours.js evaluates a range starting at easter within that one year.
    We write easter out as that year's date; a range starting at easter gets the year on both ends."""
    def resolve(token: str, in_year: int) -> tuple[date, bool]:
        token = token.strip()
        match = re.fullmatch(r"easter(?:\s*([+-])\s*(\d+)\s*days?)?", token)
        if match:
            shift = int(match.group(2) or 0) * (-1 if match.group(1) == "-" else 1)
            return easter_of(in_year) + timedelta(days=shift), True
        found = re.fullmatch(r"([A-Z][a-z]{2})\s*(\d{1,2})", token)
        assert found is not None, token  # the caller matched the date pattern already
        month, number = found.groups()
        return date(in_year, _MONTHS.index(month) + 1, min(int(number), 28 if month == "Feb" else 30)
                    if int(number) > 28 else int(number)), False

    def text(day: date) -> str:
        return f"{day.year} {_MONTHS[day.month - 1]} {day.day:02d}"

    def rewrite(match: re.Match) -> str:
        if "easter" not in match.group(0):
            return match.group(0)
        first_year = int(match.group(1)) if match.group(1) else year
        first, first_easter = resolve(match.group(2), first_year)
        if match.group(4) is None:
            return text(first)
        second_year = int(match.group(3)) if match.group(3) else first_year
        second, _second_easter = resolve(match.group(4), second_year)
        if first_easter:
            if second < first and not match.group(3):
                # Reversed in this year: opening_hours.js wraps within the same year (up to the end date,
                # and from easter on), it does not run on into the next year.
                return (f"{text(date(first_year, 1, 1))}-{text(second)},"
                        f"{text(first)}-{text(date(first_year, 12, 31))}")
            return f"{text(first)}-{text(second)}"
        # Only the end is easter: a fixed start may run on from the year before, as fixed ranges do.
        prefix = f"{match.group(1)} " if match.group(1) else ""
        return f"{prefix}{match.group(2)}-{_MONTHS[second.month - 1]} {second.day:02d}"

    return [replace(r, selectors=_EASTER_RANGE.sub(rewrite, r.selectors)) if "easter" in r.selectors else r
            for r in rules]
