"""The rules of initiatives: starting, editing, activities, doe mee, contact, staleness, finding.

Every function takes the acting user; none touches the Flask request. The caller commits (one
transaction per user action), except the CLI job `remind_stale`, which the CLI commits.
"""
from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from dateutil.relativedelta import relativedelta
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from geoalchemy2.shape import to_shape
from sqlalchemy import Float, cast, event, func, or_, select, union_all
from sqlalchemy.orm import Session
from sqlalchemy.orm import contains_eager, lazyload

from webapp.extensions import db
from webapp.initiatives.models import (FREQUENCIES, PARTICIPATION_KINDS, STATUSES, THEMES, Activity,
                                       ActivityCancellation, Initiative, Participation)
from webapp.initiatives.recurrence import Instance, expand, next_instances, nth_weekday_of
from webapp.mail.services import public_link, queue_template_mail
from webapp.places.attributes import ATTRIBUTE_KEYS
from webapp.places.models import Place
from webapp.stewardship import services as stewardship

log = logging.getLogger(__name__)

STALE_AFTER = relativedelta(months=6)
PAUSE_AFTER = relativedelta(months=12)
# Never pause without warning: the reminder must have gone out at least this long before.
PAUSE_NOTICE = timedelta(days=28)
EDITABLE_FIELDS = ("title", "summary", "description", "themes", "audience", "languages", "cost", "cost_note",
                   "status", "volunteer_roles", "location_name")
COSTS = ("free", "contribution", "paid")
SEARCH_STATUSES = ("idea", "active")
MAX_RADIUS = 50_000


class PermissionDenied(Exception):
    """The acting user may not do this (routes answer 403)."""


class InitiativeError(ValueError):
    """Invalid input, with a message for the user and the field it is about."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(str(message))
        self.message = str(message)
        self.field = field


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def _authenticated(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


# --- reading ---------------------------------------------------------------------------------

def get_visible(initiative_id: int, viewer=None) -> Initiative | None:
    """The initiative, or None when it does not exist or is hidden (its editors still see it)."""
    initiative = db.session.get(Initiative, initiative_id)
    if initiative is None:
        return None
    if initiative.hidden and not stewardship.can_edit(viewer, initiative):
        return None
    return initiative


def coordinates(initiative_or_place) -> tuple[float, float] | None:
    """(lon, lat) of a subject's location, or None."""
    if initiative_or_place is None or initiative_or_place.location is None:
        return None
    point = to_shape(initiative_or_place.location)
    return point.x, point.y


def stale_since(initiative: Initiative, now: datetime | None = None) -> datetime | None:
    """When the owners last touched it, if that is more than 6 months ago (and it is not ended)."""
    now = now or utcnow()
    touched = initiative.owners_touched_at
    if initiative.status == "ended" or touched is None:
        return None
    return touched if touched <= now - STALE_AFTER else None


def upcoming(initiative: Initiative, now: datetime | None = None, limit: int = 5) -> list[Instance]:
    return next_instances(initiative.activities, now or utcnow(), limit=limit)


def initiatives_at_place(place, now: datetime | None = None) -> list[tuple[Initiative, list[Instance]]]:
    """The visible initiatives held at a place with their next dates there (for the place page)."""
    now = now or utcnow()
    stmt = (select(Initiative)
            .where(Initiative.hidden.is_(False), Initiative.status != "ended",
                   or_(Initiative.places.any(Place.id == place.id),
                       Initiative.activities.any(Activity.place_id == place.id)))
            .order_by(Initiative.title))
    result = []
    for initiative in db.session.scalars(stmt):
        here = [a for a in initiative.activities if a.place_id in (place.id, None)]
        result.append((initiative, next_instances(here, now, limit=3)))
    return result


def initiatives_of_user(user) -> tuple[list[Initiative], list[Participation]]:
    """What a resident owns and what they said "doe mee" to (for "Mijn initiatieven")."""
    from webapp.stewardship.models import InitiativeOwner

    owned = list(db.session.scalars(
        select(Initiative).join(InitiativeOwner, InitiativeOwner.initiative_id == Initiative.id)
        .where(InitiativeOwner.user_id == user.id).order_by(Initiative.title)))
    joined = list(db.session.scalars(
        select(Participation).where(Participation.user_id == user.id).order_by(Participation.created_at.desc())))
    return owned, joined


# --- starting and editing ------------------------------------------------------------------

def _clean(values: dict[str, Any]) -> dict[str, Any]:
    """Check and normalise the editable fields; raises InitiativeError naming the field."""
    clean = dict(values)
    clean["title"] = (clean.get("title") or "").strip()
    if not clean["title"]:
        raise InitiativeError(_("Geef het initiatief een naam."), "title")
    if len(clean["title"]) > 160:
        raise InitiativeError(_("De naam is te lang (hoogstens 160 tekens)."), "title")
    clean["summary"] = (clean.get("summary") or "").strip()
    if len(clean["summary"]) > 300:
        raise InitiativeError(_("De korte beschrijving is te lang (hoogstens 300 tekens)."), "summary")
    clean["description"] = (clean.get("description") or "").strip()
    clean["themes"] = [t for t in clean.get("themes") or [] if t in THEMES]
    from webapp.places.attributes import AUDIENCES

    clean["audience"] = [a for a in clean.get("audience") or [] if a in AUDIENCES]
    from webapp.initiatives.vocab import LANGUAGES

    clean["languages"] = [code for code in clean.get("languages") or [] if code in LANGUAGES]
    if clean.get("cost") not in COSTS:
        clean["cost"] = None
    clean["cost_note"] = (clean.get("cost_note") or "").strip()[:160]
    if clean.get("status", "active") not in STATUSES:
        raise InitiativeError(_("Kies een status."), "status")
    clean.setdefault("status", "active")
    roles = []
    for role in clean.get("volunteer_roles") or []:
        role = role.strip()[:120]
        if role and role not in roles:
            roles.append(role)
    clean["volunteer_roles"] = roles[:20]
    clean["location_name"] = (clean.get("location_name") or "").strip()[:160]
    return clean


def _published_places(place_ids) -> list[Place]:
    ids = sorted({int(i) for i in place_ids or []})
    if not ids:
        return []
    places = list(db.session.scalars(select(Place).where(Place.id.in_(ids), Place.status == "published",
                                                         Place.hidden.is_(False))))
    if len(places) != len(ids):
        raise InitiativeError(_("Kies alleen plekken die op Buurtplek staan."), "place_ids")
    return sorted(places, key=lambda p: p.name)


def _location(places: list[Place], own: tuple[float, float] | None, location_name: str):
    """The WKT location and gemeente code: its own location, else its first place."""
    from webapp.areas.services import gemeente_at

    if own is not None:
        lon, lat = own
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise InitiativeError(_("Deze plek ligt niet op de kaart."), "lat")
        if not location_name:
            raise InitiativeError(_("Beschrijf de plek, bijvoorbeeld: speelveld achter de Dorpsstraat."),
                                  "location_name")
        gemeente = gemeente_at(lon, lat)
        if gemeente is None:
            raise InitiativeError(_("Deze plek ligt niet in Nederland. Kies een plek in een gemeente."), "lat")
        return f"SRID=4326;POINT({lon} {lat})", gemeente.code
    if places:
        return places[0].location, places[0].gemeente_code
    raise InitiativeError(_("Kies een plek op Buurtplek, of geef een eigen plek op."), "place_ids")


def _check_own_location(clean: dict[str, Any], own_location) -> None:
    """A described own location needs its point on the map (and a point needs a description)."""
    if own_location is None and clean["location_name"]:
        raise InitiativeError(_("Geef ook aan waar de eigen plek is: tik op de kaart, gebruik uw locatie of "
                                "vul de getallen in."), "lat")


def _touch(initiative: Initiative, user, now: datetime) -> None:
    """An owner kept it current: reset the staleness clock (and allow a new reminder later)."""
    if stewardship.is_owner(user, initiative) or stewardship.can_edit(user, initiative):
        initiative.owners_touched_at = now
        initiative.stale_reminded_at = None


def create_initiative(user, values: dict[str, Any], place_ids=(), own_location: tuple[float, float] | None = None,
                      now: datetime | None = None) -> Initiative:
    """Any logged-in resident starts an initiative; it is public at once and they become its owner."""
    if not _authenticated(user):
        raise PermissionDenied()
    now = now or utcnow()
    clean = _clean(values)
    places = _published_places(place_ids)
    _check_own_location(clean, own_location)
    location, gemeente_code = _location(places, own_location, clean["location_name"])
    initiative = Initiative(**{k: clean[k] for k in EDITABLE_FIELDS}, location=location,
                            gemeente_code=gemeente_code, created_by_id=user.id, owners_touched_at=now)
    initiative.places = places
    db.session.add(initiative)
    db.session.flush()
    stewardship.add_owner(initiative, user)
    changes = {k: {"old": None, "new": clean[k]} for k in EDITABLE_FIELDS if clean[k] not in ("", [], None)}
    changes["places"] = {"old": None, "new": [p.name for p in places]}
    stewardship.record_revision(initiative, user, changes, kind="create")
    log.info("initiative %s started by user %s", initiative.id, user.id)
    return initiative


def update_initiative(initiative: Initiative, user, values: dict[str, Any], expected_version: int,
                      place_ids=(), own_location: tuple[float, float] | None = None,
                      now: datetime | None = None):
    """Edit through stewardship.apply_edit (row lock + version check). Raises EditConflict."""
    if not stewardship.can_edit(user, initiative):
        raise PermissionDenied()
    now = now or utcnow()
    clean = _clean(values)
    places = _published_places(place_ids)
    _check_own_location(clean, own_location)
    location, gemeente_code = _location(places, own_location, clean["location_name"])
    old_places = sorted(p.name for p in initiative.places)
    old_ids = {p.id for p in initiative.places}
    old_coords = coordinates(initiative)
    revision = stewardship.apply_edit(initiative, user, {k: clean[k] for k in EDITABLE_FIELDS}, expected_version)
    extra = {}
    if {p.id for p in places} != old_ids:
        extra["places"] = {"old": old_places, "new": [p.name for p in places]}
        initiative.places = places
    initiative.location = location
    initiative.gemeente_code = gemeente_code
    db.session.flush()
    db.session.refresh(initiative, ["location"])
    new_coords = coordinates(initiative)
    if old_coords != new_coords and own_location is not None:
        extra["location"] = {"old": _coords_text(old_coords), "new": _coords_text(new_coords)}
    if extra:
        if revision is None:
            initiative.version += 1
            revision = stewardship.record_revision(initiative, user, extra, kind="edit")
        else:
            revision.changes = {**revision.changes, **extra}
    if clean["status"] != "paused":
        initiative.auto_paused_at = None
    _touch(initiative, user, now)
    log.info("initiative %s edited by user %s", initiative.id, user.id)
    return revision


def _coords_text(coords) -> str | None:
    return None if coords is None else f"{coords[1]:.5f}, {coords[0]:.5f}"


# Owner reactions that happen in the stewardship package (accepting a suggestion, a moderator's
# revert) also keep an initiative current. Our own services touch it themselves (with their `now`).
_EXTERNAL_TOUCH_KINDS = {"suggestion", "revert", "confirm"}


@event.listens_for(Session, "before_flush")
def _touch_on_external_revision(session, flush_context, instances) -> None:
    from webapp.stewardship.models import Revision

    for obj in list(session.new):
        if (isinstance(obj, Revision) and obj.subject_type == "initiative" and obj.user_id is not None
                and obj.kind in _EXTERNAL_TOUCH_KINDS):
            with session.no_autoflush:
                initiative = session.get(Initiative, obj.subject_id)
            if initiative is not None:
                initiative.owners_touched_at = utcnow()
                initiative.stale_reminded_at = None


def confirm_current(initiative: Initiative, user, now: datetime | None = None) -> None:
    """"Alles klopt nog": an owner says it is still current, without changing anything."""
    if not stewardship.can_edit(user, initiative):
        raise PermissionDenied()
    _touch(initiative, user, now or utcnow())
    log.info("initiative %s confirmed current by user %s", initiative.id, user.id)


# --- activities ----------------------------------------------------------------------------

def _activity_values(initiative: Initiative, values: dict[str, Any]) -> dict[str, Any]:
    title = (values.get("title") or "").strip()
    if not title:
        raise InitiativeError(_("Geef de activiteit een naam."), "title")
    if len(title) > 160:
        raise InitiativeError(_("De naam is te lang (hoogstens 160 tekens)."), "title")
    starts_on = values.get("starts_on")
    if not isinstance(starts_on, date):
        raise InitiativeError(_("Vul de datum in."), "starts_on")
    start_time, end_time = values.get("start_time"), values.get("end_time")
    if not isinstance(start_time, time):
        raise InitiativeError(_("Vul de begintijd in."), "start_time")
    if not isinstance(end_time, time):
        raise InitiativeError(_("Vul de eindtijd in."), "end_time")
    if end_time == start_time:
        raise InitiativeError(_("De eindtijd moet na de begintijd liggen."), "end_time")
    frequency = values.get("frequency") or "once"
    if frequency not in FREQUENCIES:
        raise InitiativeError(_("Kies hoe vaak het is."), "frequency")
    ends_on = values.get("ends_on") if frequency != "once" else None
    if ends_on is not None and ends_on < starts_on:
        raise InitiativeError(_("De laatste datum moet na de eerste datum liggen."), "ends_on")
    month_week = None
    if frequency == "monthly":
        month_week = values.get("month_week") or nth_weekday_of(starts_on)
        if month_week not in (-1, 1, 2, 3, 4):
            raise InitiativeError(_("Kies de week van de maand."), "month_week")
    place_id = values.get("place_id") or None
    if place_id is not None:
        if int(place_id) not in {p.id for p in initiative.places}:
            raise InitiativeError(_("Kies een plek van dit initiatief."), "place_id")
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


def add_activity(initiative: Initiative, user, values: dict[str, Any], now: datetime | None = None) -> Activity:
    if not stewardship.can_edit(user, initiative):
        raise PermissionDenied()
    clean = _activity_values(initiative, values)
    activity = Activity(initiative=initiative, **clean)
    db.session.add(activity)
    db.session.flush()
    stewardship.record_revision(initiative, user, {"activity": {"old": None, "new": describe_activity(activity)}})
    _touch(initiative, user, now or utcnow())
    log.info("activity %s added to initiative %s by user %s", activity.id, initiative.id, user.id)
    return activity


def update_activity(activity: Activity, user, values: dict[str, Any], now: datetime | None = None) -> Activity:
    initiative = activity.initiative
    if not stewardship.can_edit(user, initiative):
        raise PermissionDenied()
    clean = _activity_values(initiative, values)
    old = describe_activity(activity)
    for key, value in clean.items():
        setattr(activity, key, value)
    db.session.flush()
    new = describe_activity(activity)
    if new != old:
        stewardship.record_revision(initiative, user, {"activity": {"old": old, "new": new}})
    _touch(initiative, user, now or utcnow())
    log.info("activity %s edited by user %s", activity.id, user.id)
    return activity


def delete_activity(activity: Activity, user, now: datetime | None = None) -> None:
    initiative = activity.initiative
    if not stewardship.can_edit(user, initiative):
        raise PermissionDenied()
    stewardship.record_revision(initiative, user, {"activity": {"old": describe_activity(activity), "new": None}})
    initiative.activities.remove(activity)
    db.session.delete(activity)
    _touch(initiative, user, now or utcnow())
    log.info("activity %s deleted by user %s", activity.id, user.id)


def cancel_date(activity: Activity, user, on_date: date, reason: str = "", now: datetime | None = None) -> None:
    """One date does not go ahead. The date must be one of the activity's dates."""
    initiative = activity.initiative
    if not stewardship.can_edit(user, initiative):
        raise PermissionDenied()
    now = now or utcnow()
    if not is_activity_date(activity, on_date):
        raise InitiativeError(_("Op deze datum is de activiteit niet."), "on_date")
    if on_date in activity.cancelled_dates:
        return
    activity.cancellations.append(ActivityCancellation(on_date=on_date, reason=(reason or "").strip()[:200]))
    stewardship.record_revision(initiative, user, {"cancelled": {"old": None,
                                                                 "new": f"{activity.title}: {on_date.isoformat()}"}})
    _touch(initiative, user, now)
    log.info("activity %s cancelled on %s by user %s", activity.id, on_date, user.id)


def restore_date(activity: Activity, user, on_date: date, now: datetime | None = None) -> None:
    initiative = activity.initiative
    if not stewardship.can_edit(user, initiative):
        raise PermissionDenied()
    for cancellation in list(activity.cancellations):
        if cancellation.on_date == on_date:
            activity.cancellations.remove(cancellation)
            stewardship.record_revision(initiative, user, {"cancelled": {
                "old": f"{activity.title}: {on_date.isoformat()}", "new": None}})
            log.info("activity %s restored on %s by user %s", activity.id, on_date, user.id)
    _touch(initiative, user, now or utcnow())


def is_activity_date(activity: Activity, on_date: date) -> bool:
    from zoneinfo import ZoneInfo

    tz = ZoneInfo(activity.timezone)
    start = datetime.combine(on_date, time.min, tz).astimezone(timezone.utc)
    return bool(expand(activity, start, start + timedelta(days=1)))


# --- doe mee -------------------------------------------------------------------------------

def participation_of(initiative: Initiative, user) -> Participation | None:
    if not _authenticated(user):
        return None
    return db.session.scalar(select(Participation).where(Participation.initiative_id == initiative.id,
                                                         Participation.user_id == user.id))


def join(initiative: Initiative, user, kind: str = "join", role: str = "", message: str = "") -> Participation:
    """A resident says "doe mee" (join or volunteer). Saying it again updates the message."""
    if not _authenticated(user):
        raise PermissionDenied()
    if initiative.hidden or initiative.status == "ended":
        raise InitiativeError(_("U kunt hier niet meer aan meedoen."), "kind")
    if kind not in PARTICIPATION_KINDS:
        raise InitiativeError(_("Kies of u wilt meedoen of wilt helpen."), "kind")
    role = (role or "").strip()
    if kind == "volunteer" and role and role not in initiative.volunteer_roles:
        raise InitiativeError(_("Kies een taak uit de lijst."), "role")
    if kind == "join":
        role = ""
    message = (message or "").strip()
    if len(message) > 1000:
        raise InitiativeError(_("Uw bericht is te lang (hoogstens 1000 tekens)."), "message")
    participation = participation_of(initiative, user)
    is_new = participation is None
    if is_new:
        participation = Participation(initiative_id=initiative.id, user_id=user.id)
        db.session.add(participation)
    participation.kind, participation.role, participation.message = kind, role, message
    db.session.flush()
    if is_new:
        link = public_link("initiatives.participants", initiative_id=initiative.id)
        for owner in stewardship.owners_of(initiative):
            if owner.user_id == user.id:
                continue
            queue_template_mail(owner.user, _l("Iemand wil meedoen met %(title)s", title=initiative.title),
                                "initiatives/mail/join.txt", kind="initiatives.join", initiative=initiative,
                                participant=user, participation=participation, link=link)
    log.info("user %s joined initiative %s as %s", user.id, initiative.id, kind)
    return participation


def withdraw(initiative: Initiative, user) -> bool:
    """The resident takes back their "doe mee" (the row is deleted: no data kept)."""
    participation = participation_of(initiative, user)
    if participation is None:
        return False
    db.session.delete(participation)
    log.info("user %s withdrew from initiative %s", user.id, initiative.id)
    return True


def participants(initiative: Initiative, viewer) -> list[Participation]:
    """Who said "doe mee": only for the owners (and moderators/admins who may edit it)."""
    if not stewardship.can_edit(viewer, initiative):
        raise PermissionDenied()
    return list(db.session.scalars(select(Participation).where(Participation.initiative_id == initiative.id)
                                   .order_by(Participation.created_at)))


# --- contact -------------------------------------------------------------------------------

def send_contact_message(initiative: Initiative, sender, message: str, share_email: bool) -> int:
    """Mail a message to every owner through the outbox; nobody sees an owner's address."""
    if not _authenticated(sender):
        raise PermissionDenied()
    message = (message or "").strip()
    if len(message) < 5:
        raise InitiativeError(_("Schrijf uw bericht (minstens 5 tekens)."), "message")
    if len(message) > 2000:
        raise InitiativeError(_("Uw bericht is te lang (hoogstens 2000 tekens)."), "message")
    reply_to = sender.email if share_email and sender.email else ""
    sent = 0
    for owner in stewardship.owners_of(initiative):
        mail = queue_template_mail(owner.user, _l("Bericht over %(title)s", title=initiative.title),
                                   "initiatives/mail/contact.txt", kind="initiatives.contact",
                                   initiative=initiative, sender=sender, message=message, reply_to=reply_to)
        sent += mail is not None
    log.info("user %s sent a contact message to initiative %s (%s owners)", sender.id, initiative.id, sent)
    return sent


# --- staleness -----------------------------------------------------------------------------

@dataclass
class RemindResult:
    reminded: int = 0
    paused: int = 0


def remind_stale(now: datetime | None = None) -> RemindResult:
    """The daily job: remind owners once after 6 months, pause after 12 months without reaction.

    The reminder is sent once (stale_reminded_at); an owner's touch resets it. Pausing needs the
    reminder to have gone out at least PAUSE_NOTICE before, is recorded as a revision by nobody
    (the system), and any owner can undo it.
    """
    now = now or utcnow()
    result = RemindResult()
    candidates = db.session.scalars(
        select(Initiative).where(Initiative.status.in_(SEARCH_STATUSES),
                                 Initiative.owners_touched_at <= now - STALE_AFTER)
        .order_by(Initiative.id).with_for_update(skip_locked=True))
    for initiative in candidates:
        link = public_link("initiatives.detail", initiative_id=initiative.id)
        if initiative.stale_reminded_at is None:
            for owner in stewardship.owners_of(initiative):
                queue_template_mail(owner.user, _l("Klopt %(title)s nog?", title=initiative.title),
                                    "initiatives/mail/stale_reminder.txt", kind="initiatives.stale_reminder",
                                    initiative=initiative, link=link)
            initiative.stale_reminded_at = now
            result.reminded += 1
            log.info("stale reminder sent for initiative %s", initiative.id)
        elif (initiative.owners_touched_at <= now - PAUSE_AFTER
              and initiative.stale_reminded_at <= now - PAUSE_NOTICE):
            old = initiative.status
            initiative.status_before_pause = old
            initiative.status = "paused"
            initiative.auto_paused_at = now
            initiative.version += 1
            stewardship.record_revision(initiative, None, {"status": {"old": old, "new": "paused"}}, kind="status",
                                        note="auto-paused: not updated for 12 months")
            for owner in stewardship.owners_of(initiative):
                queue_template_mail(owner.user, _l("%(title)s staat nu op gepauzeerd", title=initiative.title),
                                    "initiatives/mail/auto_paused.txt", kind="initiatives.auto_paused",
                                    initiative=initiative, link=link)
            result.paused += 1
            log.info("initiative %s paused automatically", initiative.id)
    return result


def undo_auto_pause(initiative: Initiative, user, now: datetime | None = None) -> None:
    """Any owner takes back the automatic pause: the old status returns, the clock restarts."""
    if not stewardship.can_edit(user, initiative):
        raise PermissionDenied()
    if initiative.auto_paused_at is None or initiative.status != "paused":
        raise InitiativeError(_("Dit initiatief is niet automatisch gepauzeerd."), "status")
    new = initiative.status_before_pause or "active"
    stewardship.apply_edit(initiative, user, {"status": new}, initiative.version, kind="status",
                           note="automatic pause undone")
    initiative.auto_paused_at = None
    initiative.status_before_pause = None
    _touch(initiative, user, now or utcnow())
    log.info("automatic pause of initiative %s undone by user %s", initiative.id, user.id)


# --- finding -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Found:
    instance: Instance
    initiative: Initiative
    place: Place | None
    distance: float | None  # metres from the search point


def _point(lon: float, lat: float):
    return func.ST_SetSRID(func.ST_MakePoint(lon, lat), 4326)


def whats_on(start: datetime, end: datetime, lon: float | None = None, lat: float | None = None,
             radius: float = 5000, theme: str | None = None, audience: str | None = None, free: bool = False,
             access: tuple[str, ...] = (), include_cancelled: bool = True, limit: int = 200) -> list[Found]:
    """Activity dates in [start, end) near a point, sorted by time then distance.

    One SQL query finds the candidate activities (with their initiative and place, within the radius
    on geography, matching the filters, whose date range overlaps the window); their recurrences are
    then expanded in Python.
    """
    where_location = func.coalesce(Place.location, Initiative.location)
    cancelled = (select(func.array_agg(ActivityCancellation.on_date))
                 .where(ActivityCancellation.activity_id == Activity.id).scalar_subquery())
    columns = [Activity, cancelled.label("cancelled")]
    stmt = (select(*columns)
            .join(Activity.initiative)
            .outerjoin(Place, Place.id == Activity.place_id)
            .options(contains_eager(Activity.initiative).lazyload(Initiative.places),
                     contains_eager(Activity.initiative).lazyload(Initiative.activities),
                     contains_eager(Activity.place), lazyload(Activity.cancellations))
            .where(Initiative.hidden.is_(False), Initiative.status.in_(SEARCH_STATUSES),
                   or_(Place.id.is_(None), Place.hidden.is_(False)),
                   Activity.starts_on <= (end + timedelta(days=1)).date(),
                   or_(Activity.ends_on.is_(None), Activity.ends_on >= (start - timedelta(days=1)).date())))
    if lon is not None and lat is not None:
        here = func.Geography(_point(lon, lat))
        distance = func.ST_Distance(func.Geography(where_location), here)
        stmt = stmt.add_columns(cast(distance, Float).label("distance")).where(
            Activity.id.in_(_activities_near(lon, lat, radius)),
            func.ST_DWithin(func.Geography(where_location), here, radius))
    if theme:
        stmt = stmt.where(Initiative.themes.any_() == theme)
    if audience:
        stmt = stmt.where(Initiative.audience.any_() == audience)
    if free:
        stmt = stmt.where(Initiative.cost == "free")
    for key in access:
        if key in ATTRIBUTE_KEYS:
            stmt = stmt.where(getattr(Place, key) == "yes")
    found = []
    for row in db.session.execute(stmt):
        activity = row[0]
        cancelled_dates = set(row[1] or [])
        dist = row[2] if len(row) > 2 else None
        for instance in _expand_with(activity, cancelled_dates, start, end, include_cancelled):
            found.append(Found(instance, activity.initiative, activity.place, dist))
    found.sort(key=lambda f: (f.instance.start, f.distance if f.distance is not None else 0, f.instance.activity.id))
    return found[:limit]


def _degrees(radius: float, lat: float) -> float:
    """An upper bound of `radius` metres in degrees at this latitude (for the GiST bounding-box step)."""
    return radius / (111_320 * max(0.01, math.cos(math.radians(min(89.0, abs(lat) + 1.0)))))


def _activities_near(lon: float, lat: float, radius: float):
    """Ids of activities whose place (or, without a place, whose initiative) lies in a box around the
    point: two index scans on the geometry GiST indexes, combined in the same statement."""
    box = _degrees(radius, lat)
    point = _point(lon, lat)
    at_places = (select(Activity.id).join(Place, Place.id == Activity.place_id)
                 .where(func.ST_DWithin(Place.location, point, box)))
    own = (select(Activity.id).join(Initiative, Initiative.id == Activity.initiative_id)
           .where(Activity.place_id.is_(None), func.ST_DWithin(Initiative.location, point, box)))
    return union_all(at_places, own)


def _expand_with(activity: Activity, cancelled_dates: set[date], start, end, include_cancelled):
    """expand() with the cancelled dates from the search query (no extra query per activity)."""
    proxy = _ActivityView(activity, cancelled_dates)
    return [Instance(activity, i.start, i.end, i.local_date, i.cancelled)
            for i in expand(proxy, start, end, include_cancelled)]


class _ActivityView:
    def __init__(self, activity: Activity, cancelled_dates: set[date]):
        self._activity = activity
        self.cancelled_dates = cancelled_dates

    def __getattr__(self, name):
        return getattr(self._activity, name)


def search_initiatives(lon: float | None, lat: float | None, radius: float, theme: str | None = None,
                       limit: int = 100) -> list[tuple[Initiative, float | None]]:
    """Visible initiatives (not ended) within the radius of a point, nearest first (for the API)."""
    stmt = select(Initiative).where(Initiative.hidden.is_(False), Initiative.status != "ended")
    if theme:
        stmt = stmt.where(Initiative.themes.any_() == theme)
    if lon is not None and lat is not None:
        here = func.Geography(_point(lon, lat))
        distance = cast(func.ST_Distance(func.Geography(Initiative.location), here), Float)
        stmt = (stmt.add_columns(distance.label("distance"))
                .where(func.ST_DWithin(Initiative.location, _point(lon, lat), _degrees(radius, lat)),
                       func.ST_DWithin(func.Geography(Initiative.location), here, radius))
                .order_by(distance, Initiative.id))
    else:
        stmt = stmt.add_columns(cast(None, Float)).order_by(Initiative.id)
    return [(row[0], row[1]) for row in db.session.execute(stmt.limit(limit))]


def search_places(query: str, limit: int = 10) -> list[Place]:
    """Published places whose name or address matches (for picking where an initiative happens)."""
    query = (query or "").strip()
    if len(query) < 2:
        return []
    pattern = f"%{query.replace('%', '').replace('_', '')}%"
    stmt = (select(Place).where(Place.status == "published", Place.hidden.is_(False),
                                or_(Place.name.ilike(pattern), Place.address.ilike(pattern)))
            .order_by(func.similarity(Place.name, query).desc(), Place.name).limit(limit))
    return list(db.session.scalars(stmt))


def places_by_ids(ids) -> list[Place]:
    """The public places among `ids` (chosen on the initiative form): proposed, rejected or hidden places stay
    out, so their name and address never show (only published places can be chosen, see _published_places).
    Ids that cannot exist (not digits, above 2^31-1) are skipped."""
    from webapp.converters import parse_ids
    from webapp.places.search import public_filter

    ids = parse_ids(ids)
    if not ids:
        return []
    return list(db.session.scalars(select(Place).where(Place.id.in_(ids), public_filter()).order_by(Place.name)))
