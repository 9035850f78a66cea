"""Expanding activities into dated instances, in local wall-clock time.

An activity stores a local start date, local start and end time and a rule (once, weekly, every
other week, monthly on the Nth weekday). Dates are expanded with dateutil's rrule on *naive local*
datetimes, then each instance gets the Europe/Amsterdam offset valid on that day and is converted to
UTC. So "every Tuesday 19:30" is 17:30 UTC in summer and 18:30 UTC in winter, and always 19:30
on the clock at the door.

Expansion is bounded whatever the caller asks: the rule starts at the first occurrence on or before
the window (not at an activity's first date years ago), a window is at most MAX_WINDOW long, and one
activity yields at most MAX_INSTANCES dates. So a far-away or very long period costs no more than a
near one.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import islice
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from dateutil.rrule import MONTHLY, rrule, weekday

if TYPE_CHECKING:
    from webapp.initiatives.models import Activity

MAX_WINDOW = timedelta(days=800)   # longest period expanded at once (the API allows 366 days)
MAX_INSTANCES = 500                # most dates of one activity in one expansion (weekly: ~2 years)


@dataclass(frozen=True)
class Instance:
    """One date of an activity. start/end are aware UTC datetimes; local_date is the date at the door."""

    activity: Activity
    start: datetime
    end: datetime
    local_date: date
    cancelled: bool

    @property
    def uid(self) -> str:
        return f"activity-{self.activity.id}-{self.local_date:%Y%m%d}@buurtplek"


def nth_weekday_of(day: date) -> int:
    """1..4 for the first..fourth weekday of its month, -1 when it is the fifth (i.e. the last)."""
    n = (day.day - 1) // 7 + 1
    return -1 if n == 5 else n


def _local_starts(activity: Any, window_start: date, window_end: date) -> list[datetime]:
    """Naive local start datetimes of the activity whose date lies in [window_start, window_end]."""
    start_time: time = activity.start_time
    dtstart = datetime.combine(activity.starts_on, start_time)
    last = window_end if activity.ends_on is None else min(window_end, activity.ends_on)
    if last < activity.starts_on or window_start > last:
        return []
    until = datetime.combine(last, start_time)
    if activity.frequency == "once":
        return [dtstart] if window_start <= activity.starts_on <= last else []
    if activity.frequency in ("weekly", "biweekly"):
        # Start at the last occurrence before the window: whole periods later keep the weekday and rhythm.
        # Plain date arithmetic (what rrule(WEEKLY) yields, without building a rule per activity: the
        # "what's on" list expands thousands of activities per request).
        period = 14 if activity.frequency == "biweekly" else 7
        skip = max(0, -(-(window_start - activity.starts_on).days // period))   # first on or after the window
        starts = []
        for k in range(skip, skip + MAX_INSTANCES):
            try:
                day = activity.starts_on + timedelta(days=k * period)
            except OverflowError:   # past the year 9999
                break
            if day > last:
                break
            starts.append(datetime.combine(day, start_time))
        return starts
    elif activity.frequency == "monthly":
        n = activity.month_week or nth_weekday_of(activity.starts_on)
        # dateutil only yields dates that fit the rule, so starting at the window's month loses nothing.
        first = max(activity.starts_on, window_start.replace(day=1))
        rule = rrule(MONTHLY, byweekday=weekday(activity.starts_on.weekday(), n),
                     dtstart=dtstart if first == activity.starts_on else datetime.combine(first, start_time),
                     until=until)
    else:  # pragma: no cover - the check constraint allows no other value
        raise ValueError(f"unknown frequency {activity.frequency!r}")
    after = datetime.combine(window_start, time.min) - timedelta(microseconds=1)
    return list(islice(rule.xafter(after, inc=True), MAX_INSTANCES))


def to_utc(local: datetime, tz: ZoneInfo) -> datetime:
    """A naive local wall-clock time as aware UTC (a time skipped by the clock change counts as before it)."""
    return local.replace(tzinfo=tz).astimezone(UTC)


def expand(activity: Any, start: datetime, end: datetime, include_cancelled: bool = True) -> list[Instance]:
    """The instances of `activity` that start in [start, end) (aware datetimes), oldest first."""
    tz = ZoneInfo(activity.timezone or "Europe/Amsterdam")
    try:
        end = min(end, start + MAX_WINDOW)
        local_from = start.astimezone(tz).date()
        local_to = end.astimezone(tz).date()
    except OverflowError:   # year 1 or 9999: no activity takes place there
        return []
    cancelled = activity.cancelled_dates
    duration_end = activity.end_time
    instances = []
    for local in _local_starts(activity, local_from, local_to):
        begins = to_utc(local, tz)
        if not (start <= begins < end):
            continue
        local_end = datetime.combine(local.date(), duration_end)
        if local_end <= local:  # ends after midnight
            if local_end.date() == date.max:
                continue
            local_end += timedelta(days=1)
        is_cancelled = local.date() in cancelled
        if is_cancelled and not include_cancelled:
            continue
        instances.append(Instance(activity, begins, to_utc(local_end, tz), local.date(), is_cancelled))
    return instances


def expand_many(activities: Iterable[Any], start: datetime, end: datetime,
                include_cancelled: bool = True) -> list[Instance]:
    found = [i for a in activities for i in expand(a, start, end, include_cancelled)]
    found.sort(key=lambda i: (i.start, i.activity.id))
    return found


def next_instances(activities: Iterable[Any], now: datetime, limit: int = 5, days: int = 120,
                   include_cancelled: bool = True) -> list[Instance]:
    """The next `limit` instances from now (ongoing ones included) within `days`."""
    found = expand_many(activities, now - timedelta(hours=12), now + timedelta(days=days), include_cancelled)
    return [i for i in found if i.end > now][:limit]
