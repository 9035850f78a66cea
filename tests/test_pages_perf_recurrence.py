"""Weekly and biweekly dates are computed by date arithmetic; they are exactly what dateutil's rrule gives."""
import random
from datetime import date, datetime, time, timedelta
from itertools import islice
from types import SimpleNamespace

from dateutil.rrule import WEEKLY, rrule

from webapp.initiatives.recurrence import MAX_INSTANCES, _local_starts


def _by_rrule(activity, window_start, window_end):
    last = window_end if activity.ends_on is None else min(window_end, activity.ends_on)
    if last < activity.starts_on or window_start > last:
        return []
    period = 14 if activity.frequency == "biweekly" else 7
    rule = rrule(WEEKLY, interval=period // 7, dtstart=datetime.combine(activity.starts_on, activity.start_time),
                 until=datetime.combine(last, activity.start_time))
    after = datetime.combine(window_start, time.min) - timedelta(microseconds=1)
    return list(islice(rule.xafter(after, inc=True), MAX_INSTANCES))


def test_weekly_and_biweekly_match_rrule():
    rng = random.Random(11)
    base = date(2026, 1, 1)
    for _ in range(3000):
        starts_on = base + timedelta(days=rng.randint(-800, 400))
        ends_on = None if rng.random() < 0.5 else starts_on + timedelta(days=rng.randint(0, 900))
        activity = SimpleNamespace(starts_on=starts_on, ends_on=ends_on, start_time=time(rng.randint(0, 23), 30),
                                   frequency=rng.choice(["weekly", "biweekly"]))
        window_start = base + timedelta(days=rng.randint(-900, 500))
        window_end = window_start + timedelta(days=rng.choice([0, 1, 6, 7, 13, 14, 31, 366, 800, 4000]))
        assert _local_starts(activity, window_start, window_end) == _by_rrule(activity, window_start, window_end), (
            activity, window_start, window_end)


def test_near_the_end_of_the_calendar_no_error():
    activity = SimpleNamespace(starts_on=date(9999, 12, 1), ends_on=None, start_time=time(10), frequency="weekly")
    assert [d.date() for d in _local_starts(activity, date(9999, 12, 1), date.max)] == [
        date(9999, 12, 1), date(9999, 12, 8), date(9999, 12, 15), date(9999, 12, 22), date(9999, 12, 29)]
