"""Recurrence expansion in local time: DST changes, cancelled dates, monthly Nth weekday."""
from __future__ import annotations

from datetime import UTC, date, datetime, time
from types import SimpleNamespace

from webapp.initiatives.recurrence import expand, nth_weekday_of


def activity(frequency="weekly", starts_on=date(2026, 3, 17), start=time(19, 30), end=time(21, 0), cancelled=(),
             ends_on=None, month_week=None):
    return SimpleNamespace(id=1, frequency=frequency, starts_on=starts_on, start_time=start, end_time=end,
                           ends_on=ends_on, month_week=month_week, timezone="Europe/Amsterdam",
                           cancelled_dates=set(cancelled))


def test_weekly_keeps_local_time_across_spring_dst_change():
    # Summer time starts on the last Sunday of March 2026 (29 March).
    found = expand(activity(), datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 4, 10, tzinfo=UTC))
    assert [i.local_date for i in found] == [date(2026, 3, 17), date(2026, 3, 24), date(2026, 3, 31),
                                             date(2026, 4, 7)]
    # 19:30 local: 18:30 UTC in winter time, 17:30 UTC in summer time.
    assert [i.start.strftime("%m-%d %H:%M") for i in found] == ["03-17 18:30", "03-24 18:30", "03-31 17:30",
                                                                "04-07 17:30"]
    assert all(i.start.tzinfo == UTC for i in found)
    assert found[2].end == datetime(2026, 3, 31, 19, 0, tzinfo=UTC)


def test_weekly_across_autumn_dst_change_with_a_cancelled_date():
    # Winter time starts on the last Sunday of October 2026 (25 October).
    a = activity(starts_on=date(2026, 10, 13), cancelled={date(2026, 10, 27)})
    found = expand(a, datetime(2026, 10, 1, tzinfo=UTC), datetime(2026, 11, 4, tzinfo=UTC))
    assert [(i.local_date.day, i.start.hour, i.cancelled) for i in found] == [
        (13, 17, False), (20, 17, False), (27, 18, True), (3, 18, False)]
    without = expand(a, datetime(2026, 10, 1, tzinfo=UTC), datetime(2026, 11, 4, tzinfo=UTC),
                     include_cancelled=False)
    assert date(2026, 10, 27) not in [i.local_date for i in without]
    assert len(without) == 3


def test_activity_on_the_dst_sunday_itself():
    # Sunday 29 March 2026 10:00 local = 08:00 UTC (after the 02:00 -> 03:00 jump).
    found = expand(activity(frequency="once", starts_on=date(2026, 3, 29), start=time(10), end=time(12)),
                   datetime(2026, 3, 28, tzinfo=UTC), datetime(2026, 3, 30, tzinfo=UTC))
    assert [i.start for i in found] == [datetime(2026, 3, 29, 8, 0, tzinfo=UTC)]


def test_every_other_week_and_end_date():
    a = activity(frequency="biweekly", starts_on=date(2026, 1, 6), ends_on=date(2026, 2, 17))
    found = expand(a, datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 6, 1, tzinfo=UTC))
    assert [i.local_date for i in found] == [date(2026, 1, 6), date(2026, 1, 20), date(2026, 2, 3),
                                             date(2026, 2, 17)]


def test_monthly_on_the_nth_and_last_weekday():
    first_saturday = activity(frequency="monthly", starts_on=date(2026, 1, 3), start=time(10), end=time(13))
    found = expand(first_saturday, datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 4, 30, tzinfo=UTC))
    assert [i.local_date for i in found] == [date(2026, 1, 3), date(2026, 2, 7), date(2026, 3, 7),
                                             date(2026, 4, 4)]
    last_friday = activity(frequency="monthly", starts_on=date(2026, 1, 30), month_week=-1)
    found = expand(last_friday, datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 4, 30, tzinfo=UTC))
    assert [i.local_date for i in found] == [date(2026, 1, 30), date(2026, 2, 27), date(2026, 3, 27),
                                             date(2026, 4, 24)]
    assert nth_weekday_of(date(2026, 1, 30)) == -1
    assert nth_weekday_of(date(2026, 1, 15)) == 3


def test_window_edges_and_before_start():
    a = activity(starts_on=date(2026, 5, 5))
    assert expand(a, datetime(2026, 4, 1, tzinfo=UTC), datetime(2026, 5, 5, 17, 30, tzinfo=UTC)) == []
    found = expand(a, datetime(2026, 5, 5, 17, 30, tzinfo=UTC), datetime(2026, 5, 6, tzinfo=UTC))
    assert len(found) == 1
    assert found[0].uid == "activity-1-20260505@buurtplek"
