"""Activities of an initiative: add, edit, delete, and cancel or restore one date.

Every change is a revision of the initiative (fields `activity` / `cancelled`) and keeps it current.
"""
from __future__ import annotations

import logging
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext as _

from webapp.accounts.models import User
from webapp.domain_errors import Invalid, NotAllowed
from webapp.extensions import db
from webapp.initiatives import clock
from webapp.initiatives.models import FREQUENCIES, Activity, ActivityCancellation, Initiative
from webapp.initiatives.recurrence import expand, nth_weekday_of
from webapp.initiatives.staleness import touch
from webapp.stewardship import services as stewardship

log = logging.getLogger(__name__)


def _require_editor(user: User, initiative: Initiative) -> None:
    if not stewardship.can_edit(user, initiative):
        raise NotAllowed()


def clean_activity(initiative: Initiative, values: dict[str, Any]) -> dict[str, Any]:
    """Check and normalise an activity's fields; raises Invalid naming the field."""
    title = (values.get("title") or "").strip()
    if not title:
        raise Invalid(_("Geef de activiteit een naam."), "title")
    if len(title) > 160:
        raise Invalid(_("De naam is te lang (hoogstens 160 tekens)."), "title")
    starts_on = values.get("starts_on")
    if not isinstance(starts_on, date):
        raise Invalid(_("Vul de datum in."), "starts_on")
    start_time, end_time = values.get("start_time"), values.get("end_time")
    if not isinstance(start_time, time):
        raise Invalid(_("Vul de begintijd in."), "start_time")
    if not isinstance(end_time, time):
        raise Invalid(_("Vul de eindtijd in."), "end_time")
    if end_time == start_time:
        raise Invalid(_("De eindtijd moet na de begintijd liggen."), "end_time")
    frequency = values.get("frequency") or "once"
    if frequency not in FREQUENCIES:
        raise Invalid(_("Kies hoe vaak het is."), "frequency")
    ends_on = values.get("ends_on") if frequency != "once" else None
    if ends_on is not None and ends_on < starts_on:
        raise Invalid(_("De laatste datum moet na de eerste datum liggen."), "ends_on")
    month_week = None
    if frequency == "monthly":
        month_week = values.get("month_week") or nth_weekday_of(starts_on)
        if month_week not in (-1, 1, 2, 3, 4):
            raise Invalid(_("Kies de week van de maand."), "month_week")
    place_id = values.get("place_id") or None
    if place_id is not None:
        if int(place_id) not in {p.id for p in initiative.places}:
            raise Invalid(_("Kies een plek van dit initiatief."), "place_id")
        place_id = int(place_id)
    elif initiative.location_name == "" and initiative.places:
        place_id = initiative.places[0].id
    return {"title": title, "starts_on": starts_on, "start_time": start_time, "end_time": end_time,
            "frequency": frequency, "month_week": month_week, "ends_on": ends_on, "place_id": place_id}


def describe_activity(activity: Activity) -> str:
    """A plain summary for the history: 'Breien: weekly from 2026-11-24 19:30-21:00'."""
    rule = activity.frequency if activity.frequency != "monthly" else f"monthly:{activity.month_week}"
    until = f" until {activity.ends_on.isoformat()}" if activity.ends_on else ""
    return (f"{activity.title}: {rule} from {activity.starts_on.isoformat()} "
            f"{activity.start_time:%H:%M}-{activity.end_time:%H:%M}{until}")


def add_activity(initiative: Initiative, user: User, values: dict[str, Any], now: datetime | None = None) -> Activity:
    _require_editor(user, initiative)
    clean = clean_activity(initiative, values)
    activity = Activity(initiative=initiative, **clean)
    db.session.add(activity)
    db.session.flush()
    stewardship.record_revision(initiative, user, {"activity": {"old": None, "new": describe_activity(activity)}})
    touch(initiative, user, now or clock.utcnow())
    log.info("activity %s added to initiative %s by user %s", activity.id, initiative.id, user.id)
    return activity


def update_activity(activity: Activity, user: User, values: dict[str, Any], now: datetime | None = None) -> Activity:
    initiative = activity.initiative
    _require_editor(user, initiative)
    clean = clean_activity(initiative, values)
    old = describe_activity(activity)
    for key, value in clean.items():
        setattr(activity, key, value)
    db.session.flush()
    new = describe_activity(activity)
    if new != old:
        stewardship.record_revision(initiative, user, {"activity": {"old": old, "new": new}})
    touch(initiative, user, now or clock.utcnow())
    log.info("activity %s edited by user %s", activity.id, user.id)
    return activity


def delete_activity(activity: Activity, user: User, now: datetime | None = None) -> None:
    initiative = activity.initiative
    _require_editor(user, initiative)
    stewardship.record_revision(initiative, user, {"activity": {"old": describe_activity(activity), "new": None}})
    initiative.activities.remove(activity)
    db.session.delete(activity)
    touch(initiative, user, now or clock.utcnow())
    log.info("activity %s deleted by user %s", activity.id, user.id)


def cancel_date(activity: Activity, user: User, on_date: date, reason: str = "", now: datetime | None = None) -> None:
    """One date does not go ahead. The date must be one of the activity's dates."""
    initiative = activity.initiative
    _require_editor(user, initiative)
    now = now or clock.utcnow()
    if not is_activity_date(activity, on_date):
        raise Invalid(_("Op deze datum is de activiteit niet."), "on_date")
    if on_date in activity.cancelled_dates:
        return
    activity.cancellations.append(ActivityCancellation(on_date=on_date, reason=(reason or "").strip()[:200]))
    stewardship.record_revision(initiative, user, {"cancelled": {"old": None,
                                                                 "new": f"{activity.title}: {on_date.isoformat()}"}})
    touch(initiative, user, now)
    log.info("activity %s cancelled on %s by user %s", activity.id, on_date, user.id)


def restore_date(activity: Activity, user: User, on_date: date, now: datetime | None = None) -> None:
    initiative = activity.initiative
    _require_editor(user, initiative)
    for cancellation in list(activity.cancellations):
        if cancellation.on_date == on_date:
            activity.cancellations.remove(cancellation)
            stewardship.record_revision(initiative, user, {"cancelled": {
                "old": f"{activity.title}: {on_date.isoformat()}", "new": None}})
            log.info("activity %s restored on %s by user %s", activity.id, on_date, user.id)
    touch(initiative, user, now or clock.utcnow())


def is_activity_date(activity: Activity, on_date: date) -> bool:
    start = datetime.combine(on_date, time.min, ZoneInfo(activity.timezone)).astimezone(UTC)
    return bool(expand(activity, start, start + timedelta(days=1)))
