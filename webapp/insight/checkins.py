""""Hoe voelde het?": one check-in per resident per place per month (three statements, 1-5, no free text),
unlinked from the account after a month; moderators remove an abused account's answers. Callers commit."""
from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import IntegrityError

from webapp.accounts.actor import Actor
from webapp.accounts.models import User
from webapp.domain_errors import Conflict, Invalid, NotAllowed, NotFound
from webapp.extensions import db
from webapp.insight.models import STATEMENTS, CheckInGuard, WelcomeCheckIn
from webapp.places import rules
from webapp.places.models import Place
from webapp.stewardship.services import can_moderate

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
LINKED_FOR = relativedelta(months=1)


def month_of(now: datetime | None = None) -> date:
    """The first day of the calendar month in Amsterdam."""
    local = (now or datetime.now(UTC)).astimezone(AMSTERDAM)
    return date(local.year, local.month, 1)


def _guard_key(user_id: int, place_id: int, month: date) -> str:
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(secret, f"welcome-checkin:{user_id}:{place_id}:{month:%Y-%m}".encode(), hashlib.sha256).hexdigest()


def logged_in(user: Actor | None) -> bool:
    return user is not None and bool(getattr(user, "is_authenticated", False))


def has_checked_in(user: Actor | None, place: Place, now: datetime | None = None) -> bool:
    if not logged_in(user) or not isinstance(user, User):
        return False
    return db.session.get(CheckInGuard, _guard_key(user.id, place.id, month_of(now))) is not None


def public_place(place_id: int) -> Place | None:
    """The place with this id when the public may see it (and answer there), else None."""
    return db.session.scalars(select(Place).where(Place.id == place_id, rules.public())).first()


def check_in(user: Actor, place_id: int, answers: dict[str, int], now: datetime | None = None) -> WelcomeCheckIn:
    """Save one check-in: a logged-in resident, a public place, three answers 1-5, once a month per place.
    NotAllowed without a login, NotFound for a place that is not public, Invalid for an answer out of range,
    Conflict for a second answer at this place this month."""
    if not logged_in(user) or not isinstance(user, User):
        raise NotAllowed()  # a login is needed (the 403 page says "U mag dit niet doen.")
    place = public_place(place_id)
    if place is None:
        raise NotFound(_("Deze plek bestaat niet of is niet openbaar."))
    values = {}
    for key in STATEMENTS:
        value = answers.get(key)
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
            raise Invalid(_("Kies bij elke uitspraak een antwoord van 1 tot en met 5."))
        values[key] = value
    now = now or datetime.now(UTC)
    month = month_of(now)
    checkin = WelcomeCheckIn(place_id=place.id, user_id=user.id, month=month, answered_at=now, **values)
    try:
        with db.session.begin_nested():
            db.session.add(CheckInGuard(key=_guard_key(user.id, place.id, month), month=month))
            db.session.add(checkin)
            db.session.flush()
    except IntegrityError:
        raise Conflict(_("U heeft deze maand al verteld hoe het voelde bij deze plek. "
                         "Volgende maand kan het weer.")) from None
    return checkin


def _rowcount(result: Any) -> int:
    return (result.rowcount or 0) if isinstance(result, CursorResult) else 0


def can_remove_checkins(user: Actor | None, gemeente_code: str) -> bool:
    """The moderators of the gemeente (and admins)."""
    return bool(can_moderate(user, gemeente_code))


def remove_checkins_of(moderator: Actor, account: User, gemeente_code: str) -> int:
    """A moderator removes the (still linked) check-ins of an abused account at the gemeente's places.
    The guards stay: the account cannot answer again at those places this month."""
    if not can_remove_checkins(moderator, gemeente_code):
        raise NotAllowed()  # moderators of the gemeente only
    place_ids = select(Place.id).where(Place.gemeente_code == gemeente_code).scalar_subquery()
    return _rowcount(db.session.execute(delete(WelcomeCheckIn).where(WelcomeCheckIn.user_id == account.id,
                                                                     WelcomeCheckIn.place_id.in_(place_ids))))


def unlink_checkins(now: datetime | None = None) -> tuple[int, int]:
    """The nightly clean-up: answers older than a month lose their account and time (only place, month and
    scores remain); guards of past months go (they no longer stop anything). Returns (unlinked, guards).
    The caller commits."""
    now = now or datetime.now(UTC)
    unlinked = _rowcount(db.session.execute(
        update(WelcomeCheckIn)
        .where(WelcomeCheckIn.answered_at.is_not(None), WelcomeCheckIn.answered_at <= now - LINKED_FOR)
        .values(user_id=None, answered_at=None)))
    guards = _rowcount(db.session.execute(delete(CheckInGuard).where(CheckInGuard.month < month_of(now))))
    return unlinked, guards


def unlink_checkins_of(user: User) -> int:
    """When an account is deleted: its answers lose their account and time at once, as they would after a
    month (the guards stay, so the month's "once per place" still holds). Returns how many."""
    return _rowcount(db.session.execute(update(WelcomeCheckIn).where(WelcomeCheckIn.user_id == user.id)
                                        .values(user_id=None, answered_at=None)))


def export_checkins(user: User) -> list[dict[str, Any]]:
    """For the account's data download: the own answers that are still linked to the account."""
    rows = db.session.execute(
        select(WelcomeCheckIn, Place.name).join(Place, Place.id == WelcomeCheckIn.place_id)
        .where(WelcomeCheckIn.user_id == user.id).order_by(WelcomeCheckIn.answered_at)).all()
    return [{"place_id": c.place_id, "place": name, "month": c.month.strftime("%Y-%m"), "answered_at": c.answered_at,
             **{key: getattr(c, key) for key in STATEMENTS}} for c, name in rows]
