"""Opening hours in the OpenStreetMap `opening_hours` syntax, via the `opening-hours-py` library.

Evaluated in Europe/Amsterdam with the Dutch public holiday calendar (country "NL"), so "PH off"
closes a place on Koningsdag, Kerstmis and the other Dutch public holidays.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import opening_hours
from flask_babel import format_date, gettext as _

log = logging.getLogger(__name__)

TZ = ZoneInfo("Europe/Amsterdam")
COUNTRY = "NL"


class OpeningHoursError(ValueError):
    """The text is not valid `opening_hours` syntax."""


@lru_cache(maxsize=4096)
def parse(text: str) -> opening_hours.OpeningHours:
    """Parsed opening hours (cached: the same strings come back on every search)."""
    try:
        # max_interval_days keeps evaluation fast for rules that never change ("24/7").
        return opening_hours.OpeningHours(text, timezone=TZ, country=COUNTRY, max_interval_days=370)
    except (opening_hours.ParserError, SyntaxError, ValueError) as exc:
        raise OpeningHoursError(str(exc).splitlines()[0]) from exc


def is_valid(text: str) -> bool:
    if not text or not text.strip():
        return True  # empty means: not known
    try:
        parse(text.strip())
    except OpeningHoursError:
        return False
    return True


def now() -> datetime:
    return datetime.now(TZ)


def _local(at: datetime | None) -> datetime:
    if at is None:
        return now()
    if at.tzinfo is None:
        return at.replace(tzinfo=TZ)
    return at.astimezone(TZ)


def state_at(text: str | None, at: datetime | None = None) -> str:
    """'open', 'closed' or 'unknown' (no hours, unreadable hours, or the rule says unknown)."""
    if not text or not text.strip():
        return "unknown"
    try:
        oh = parse(text.strip())
    except OpeningHoursError:
        return "unknown"
    moment = _local(at)
    try:
        if oh.is_open(moment):
            return "open"
        if oh.is_unknown(moment):
            return "unknown"
        return "closed"
    except Exception:  # the library can fail on exotic rules (e.g. far-off dates); never break a page
        log.warning("could not evaluate opening hours %r", text)
        return "unknown"


def is_open(text: str | None, at: datetime | None = None) -> bool:
    return state_at(text, at) == "open"


def next_change(text: str | None, at: datetime | None = None) -> datetime | None:
    if not text or not text.strip():
        return None
    try:
        change = parse(text.strip()).next_change(_local(at))
    except Exception:
        return None
    return change.astimezone(TZ) if change and change.tzinfo else change


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


def _add(per_day: dict[int, list[str]], index: int, begin: datetime, end_text: str) -> None:
    if index not in per_day:
        return
    if begin.hour == 0 and begin.minute == 0 and end_text == "24:00":
        per_day[index].append(_("de hele dag"))
    else:
        per_day[index].append(_("%(start)s tot %(end)s", start=begin.strftime("%H:%M"), end=end_text))


def week_schedule(text: str | None, start: datetime | None = None, days: int = 7) -> list[DaySchedule]:
    """The opening times for each of the next `days` days, in words: always right, whatever the rule.

    Evaluated with the library (so PH, week numbers, sunset etc. are applied), not by reading the text.
    """
    if not text or not text.strip():
        return []
    try:
        oh = parse(text.strip())
    except OpeningHoursError:
        return []
    first = _local(start).replace(hour=0, minute=0, second=0, microsecond=0)
    end = first + timedelta(days=days)
    per_day: dict[int, list[str]] = {i: [] for i in range(days)}
    try:
        for begin, finish, state, _comment in oh.intervals(first, end):
            if str(state).split(".")[-1].upper() != "OPEN":
                continue
            cursor, finish = _local(begin), _local(finish or end)
            while cursor < finish:
                index = (cursor.date() - first.date()).days
                midnight = (cursor + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
                if finish <= midnight:
                    end_text = "24:00" if finish == midnight else finish.strftime("%H:%M")
                    _add(per_day, index, cursor, end_text)
                    break
                if finish - midnight <= timedelta(hours=6):
                    # A late evening that runs past midnight: say it on the evening's own day.
                    _add(per_day, index, cursor, _("%(time)s ('s nachts)", time=finish.strftime("%H:%M")))
                    break
                _add(per_day, index, cursor, "24:00")
                cursor = midnight
    except Exception:
        log.warning("could not list intervals for %r", text)
        return []
    schedule = []
    for i in range(days):
        day = first + timedelta(days=i)
        schedule.append(DaySchedule(day, _day_label(day), per_day[i]))
    return schedule


def describe(text: str | None, at: datetime | None = None) -> str:
    """A short sentence about now: "Nu open, tot 17:00", "Nu dicht, open vanaf dinsdag 09:00"."""
    state = state_at(text, at)
    if state == "unknown":
        return _("Openingstijden onbekend") if not text else _("Open of dicht: onbekend")
    moment = _local(at)
    change = next_change(text, moment)
    if state == "open":
        if change is None:
            return _("Nu open")
        return _("Nu open, tot %(time)s", time=_when(change, moment))
    if change is None:
        return _("Nu dicht")
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
