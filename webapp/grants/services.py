"""The rules of startbijdragen. Every function takes the acting user; none reads the request.

Budget guarantee: every change of a round's committed money happens after `lock_round` (SELECT ...
FOR UPDATE on the round row) in the caller's transaction, and the round row has a CHECK constraint
`committed_cents <= budget_cents`. Two approvals at the same moment queue on the lock; the second
sees the first one's money. Should any code path ever skip the lock, the CHECK still refuses the
overspend (IntegrityError → BudgetExceeded). Lock order is always round, then application.

The caller commits (or rolls back on GrantError / Forbidden).
"""
from __future__ import annotations

import io
import logging
import math
import statistics
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import exists, func, or_, select, text
from sqlalchemy.exc import IntegrityError

from webapp.accounts.models import Role, RoleGrant, User
from webapp.accounts.permissions import has_role, is_admin
from webapp.areas.models import District, Gemeente
from webapp.extensions import db
from webapp.grants import models as m
from webapp.grants import priority, settings_changes
from webapp.grants.conflict import has_conflict
from webapp.grants.models import GrantApplication, GrantAuditEntry, GrantBudgetLine, GrantMessage, GrantReport, GrantRound
from webapp.i18n import local_today, money
from webapp.initiatives.models import Initiative
from webapp.stewardship.models import InitiativeOwner
from webapp.stewardship.services import is_owner

log = logging.getLogger(__name__)
TZ = ZoneInfo("Europe/Amsterdam")
MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000


class GrantError(ValueError):
    """A rule was broken. `errors` maps a form field (or "_" for the whole form) to a message."""

    def __init__(self, message: Any = None, field: str = "_", errors: dict[str, str] | None = None):
        self.errors = dict(errors or {field: str(message)})
        super().__init__(next(iter(self.errors.values())))

    @property
    def message(self) -> str:
        return str(self)


class BudgetExceeded(GrantError):
    """Approving would spend more than the round's budget."""


class Forbidden(Exception):
    """The user may not do this (routes answer 403)."""


# ---------------------------------------------------------------- time, permissions, audit

def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def _authenticated(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def is_staff(user, gemeente_code: str) -> bool:
    return _authenticated(user) and has_role(user, Role.STAFF, gemeente_code)


def is_helper(user, gemeente_code: str) -> bool:
    return _authenticated(user) and has_role(user, Role.HELPER, gemeente_code)


def staff_gemeenten(user) -> list[Gemeente]:
    """The gemeenten where the user is staff (every gemeente with a round, for admins)."""
    if not _authenticated(user):
        return []
    if is_admin(user):
        codes = set(db.session.scalars(select(GrantRound.gemeente_code)))
    else:
        codes = {g.gemeente_code for g in user.roles if g.role == Role.STAFF.value and g.gemeente_code}
    if not codes:
        return []
    return list(db.session.scalars(select(Gemeente).where(Gemeente.code.in_(codes)).order_by(Gemeente.name)))


def helper_gemeenten(user) -> set[str]:
    if not _authenticated(user):
        return set()
    return {g.gemeente_code for g in user.roles
            if g.role in (Role.HELPER.value, Role.STAFF.value) and g.gemeente_code}


def is_applicant_side(user, application: GrantApplication) -> bool:
    """The person who filled it in, or an owner of the initiative."""
    if not _authenticated(user):
        return False
    return application.created_by_id == user.id or is_owner(user, application.initiative)


def can_view(user, application: GrantApplication) -> bool:
    return is_applicant_side(user, application) or is_staff(user, application.round.gemeente_code)


def can_decide(user, application: GrantApplication) -> bool:
    """Staff of the gemeente, but never on an application they filled in, nor for an initiative they
    co-owned or applied for in the last 12 months (see conflict.py)."""
    return is_staff(user, application.round.gemeente_code) and not has_conflict(user, application)


def can_apply(user, grant_round: GrantRound, initiative: Initiative) -> bool:
    return _authenticated(user) and (
        is_owner(user, initiative) or is_staff(user, grant_round.gemeente_code)
        or is_helper(user, grant_round.gemeente_code))


def _audit(actor, action: str, *, grant_round: GrantRound | None = None,
           application: GrantApplication | None = None, old: str | None = None, new: str | None = None,
           gemeente_code: str | None = None, **details) -> GrantAuditEntry:
    if application is not None and grant_round is None:
        grant_round = application.round
    entry = GrantAuditEntry(
        actor_id=actor.id if actor is not None and getattr(actor, "id", None) else None,
        gemeente_code=gemeente_code or (grant_round.gemeente_code if grant_round else None),
        round_id=grant_round.id if grant_round else None,
        application_id=application.id if application else None,
        action=action, old_status=old, new_status=new, details=details)
    db.session.add(entry)
    log.info("grants %s by user %s: round %s application %s %s -> %s %s", action, entry.actor_id,
             entry.round_id, entry.application_id, old, new, details or "")
    return entry


def audit_log(application: GrantApplication) -> list[GrantAuditEntry]:
    return list(db.session.scalars(select(GrantAuditEntry)
                                   .where(GrantAuditEntry.application_id == application.id)
                                   .order_by(GrantAuditEntry.id)))


# ---------------------------------------------------------------- locking and budget

def lock_round(round_id: int) -> GrantRound:
    """The round row, locked until the transaction ends, with fresh values."""
    return db.session.execute(
        select(GrantRound).where(GrantRound.id == round_id).with_for_update(of=GrantRound)
        .execution_options(populate_existing=True)).scalar_one()


def lock_application(application_id: int) -> GrantApplication:
    return db.session.execute(
        select(GrantApplication).where(GrantApplication.id == application_id)
        .with_for_update(of=GrantApplication).execution_options(populate_existing=True)).unique().scalar_one()


def _lock(application: GrantApplication) -> tuple[GrantRound, GrantApplication]:
    grant_round = lock_round(application.round_id)
    return grant_round, lock_application(application.id)


def _reserve(grant_round: GrantRound, cents: int) -> None:
    """Take `cents` from the round's budget (the round must be locked)."""
    if cents > grant_round.budget_cents - grant_round.committed_cents:
        raise BudgetExceeded(_("Er is niet genoeg geld over in deze regeling. Er is nog %(left)s over.",
                               left=money(grant_round.budget_cents - grant_round.committed_cents)), field="amount")
    grant_round.committed_cents = grant_round.committed_cents + cents
    try:
        db.session.flush()
    except IntegrityError as exc:  # the CHECK constraint: the last line of defence
        raise BudgetExceeded(_("Er is niet genoeg geld over in deze regeling."), field="amount") from exc


def _release(grant_round: GrantRound, application: GrantApplication) -> int:
    """Give the money an application holds back to the round. Returns the cents released."""
    cents = application.reserved_cents
    if cents:
        grant_round.committed_cents = grant_round.committed_cents - cents
        application.reserved_cents = 0
    return cents


# ---------------------------------------------------------------- rounds

ROUND_FIELDS = ("name", "criteria", "opens_on", "closes_on", "budget_cents", "max_amount_cents",
                "four_eyes_cents", "answer_days", "quick_lane_cents", "own_contribution_percent",
                "min_supporters", "ask_supporters", "district_id", "priority_buurten")


def _validate_round(data: dict[str, Any], gemeente_code: str, committed_cents: int = 0) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not (data.get("name") or "").strip():
        errors["name"] = _("Geef de regeling een naam.")
    if "priority_buurten" in data:
        problem = priority.validate(data["priority_buurten"], gemeente_code)
        if problem:
            errors["priority_buurten"] = problem
    if not data.get("opens_on"):
        errors["opens_on"] = _("Vul de datum in waarop de regeling opent.")
    if not data.get("closes_on"):
        errors["closes_on"] = _("Vul de datum in waarop de regeling sluit.")
    if data.get("opens_on") and data.get("closes_on") and data["closes_on"] < data["opens_on"]:
        errors["closes_on"] = _("De sluitdatum moet na de openingsdatum liggen.")
    budget = data.get("budget_cents")
    if budget is None or budget <= 0:
        errors["budget_cents"] = _("Vul een budget groter dan € 0 in.")
    elif budget < committed_cents:
        errors["budget_cents"] = _("Er is al %(amount)s toegekend of gereserveerd. Het budget kan niet lager.",
                                   amount=money(committed_cents))
    maximum = data.get("max_amount_cents")
    if maximum is None or maximum <= 0:
        errors["max_amount_cents"] = _("Vul een maximum groter dan € 0 in.")
    elif maximum > m.MAX_MAX_CENTS:
        errors["max_amount_cents"] = _("Het maximum per aanvraag is hoogstens %(max)s.", max=money(m.MAX_MAX_CENTS))
    elif budget and maximum > budget:
        errors["max_amount_cents"] = _("Het maximum per aanvraag kan niet hoger zijn dan het budget.")
    if data.get("four_eyes_cents") is None or data["four_eyes_cents"] < 0:
        errors["four_eyes_cents"] = _("Vul een bedrag van € 0 of meer in.")
    quick = data.get("quick_lane_cents")
    if quick is None or quick < 0:
        errors["quick_lane_cents"] = _("Vul een bedrag van € 0 of meer in (0 zet de snelle route uit).")
    elif maximum and quick > maximum:
        errors["quick_lane_cents"] = _("De snelle route kan niet hoger zijn dan het maximum per aanvraag.")
    elif data.get("four_eyes_cents") is not None and quick > data["four_eyes_cents"]:
        errors["quick_lane_cents"] = _("De snelle route kan niet boven de grens voor twee medewerkers liggen.")
    if "quick_lane_cents" not in errors:
        errors.update(settings_changes.ceiling_error(data))
    days = data.get("answer_days")
    if days is None or not 1 <= days <= 365:
        errors["answer_days"] = _("Kies een antwoordtermijn van 1 tot 365 dagen.")
    pct = data.get("own_contribution_percent") or 0
    if not 0 <= pct <= 100:
        errors["own_contribution_percent"] = _("Kies een percentage van 0 tot 100.")
    if (data.get("min_supporters") or 0) < 0:
        errors["min_supporters"] = _("Vul 0 of meer in.")
    district_id = data.get("district_id")
    if district_id:
        district = db.session.get(District, district_id)
        if district is None or district.gemeente_code != gemeente_code:
            errors["district_id"] = _("Kies een stadsdeel van deze gemeente.")
    return errors


def create_round(user, gemeente_code: str, data: dict[str, Any]) -> GrantRound:
    if not is_staff(user, gemeente_code):
        raise Forbidden()
    if db.session.get(Gemeente, gemeente_code) is None:
        raise GrantError(_("Deze gemeente bestaat niet."))
    errors = _validate_round(data, gemeente_code)
    if errors:
        raise GrantError(errors=errors)
    grant_round = GrantRound(gemeente_code=gemeente_code, created_by_id=user.id,
                             **{k: data.get(k) for k in ROUND_FIELDS if k in data})
    grant_round.name = grant_round.name.strip()
    grant_round.district_id = data.get("district_id") or None
    # Not open until a second staff member confirms its money settings (settings_changes).
    grant_round.settings_confirmed = False
    db.session.add(grant_round)
    db.session.flush()
    _audit(user, "round_created", grant_round=grant_round, budget_cents=grant_round.budget_cents,
           name=grant_round.name)
    settings_changes.propose(user, grant_round, settings_changes.money_values(grant_round), kind="create")
    return grant_round


def update_round(user, grant_round: GrantRound, data: dict[str, Any]) -> GrantRound:
    if not is_staff(user, grant_round.gemeente_code):
        raise Forbidden()
    grant_round = lock_round(grant_round.id)
    errors = _validate_round(data, grant_round.gemeente_code, grant_round.committed_cents)
    if errors:
        raise GrantError(errors=errors)
    # Money settings change only when a second staff member confirms (settings_changes); the rest at once.
    proposed = {key: data[key] for key in m.MONEY_SETTINGS if key in data and data[key] != getattr(grant_round, key)}
    if proposed or (not grant_round.settings_confirmed and settings_changes.pending_change(grant_round) is None):
        if grant_round.settings_confirmed:
            settings_changes.propose(user, grant_round, proposed)
        else:  # a new round whose settings were turned down: propose them all again
            settings_changes.propose(user, grant_round, {**settings_changes.money_values(grant_round), **proposed},
                                     kind="create")
    changes = {}
    for key in ROUND_FIELDS:
        if key not in data or key in m.MONEY_SETTINGS:
            continue
        value = data[key] or None if key == "district_id" else data[key]
        old = getattr(grant_round, key)
        if old != value:
            changes[key] = {"old": old.isoformat() if isinstance(old, date) else old,
                            "new": value.isoformat() if isinstance(value, date) else value}
            setattr(grant_round, key, value)
    if changes:
        try:
            db.session.flush()
        except IntegrityError as exc:
            raise BudgetExceeded(_("Het budget kan niet lager dan wat al is toegekend."), field="budget_cents") from exc
        _audit(user, "round_updated", grant_round=grant_round, changes=changes)
    return grant_round


def round_state(grant_round: GrantRound, today: date | None = None) -> str:
    """'upcoming', 'open' or 'closed'; 'pending' while a new round's money settings wait for a second
    staff member (not open)."""
    today = today or local_today()
    if not grant_round.settings_confirmed and today <= grant_round.closes_on:
        return "pending"
    if today < grant_round.opens_on:
        return "upcoming"
    if today > grant_round.closes_on:
        return "closed"
    return "open"


def rounds_of(gemeente_code: str) -> list[GrantRound]:
    return list(db.session.scalars(select(GrantRound).where(GrantRound.gemeente_code == gemeente_code)
                                   .order_by(GrantRound.opens_on.desc(), GrantRound.id.desc())))


def open_rounds(gemeente_codes: set[str] | None = None, today: date | None = None) -> list[GrantRound]:
    today = today or local_today()
    stmt = (select(GrantRound).where(GrantRound.opens_on <= today, GrantRound.closes_on >= today,
                                     GrantRound.settings_confirmed.is_(True))
            .order_by(GrantRound.closes_on, GrantRound.id))
    if gemeente_codes is not None:
        stmt = stmt.where(GrantRound.gemeente_code.in_(gemeente_codes))
    return list(db.session.scalars(stmt))


# ---------------------------------------------------------------- places and areas

def initiative_point(initiative: Initiative) -> tuple[float, float] | None:
    """(lon, lat) of the initiative: its own location, else the location of its first place."""
    row = db.session.execute(text("""
        SELECT ST_X(g), ST_Y(g) FROM (
          SELECT COALESCE(i.location, (
            SELECT p.location FROM initiative_places ip JOIN places p ON p.id = ip.place_id
            WHERE ip.initiative_id = i.id ORDER BY p.id LIMIT 1)) AS g
          FROM initiatives i WHERE i.id = :id) s WHERE g IS NOT NULL"""), {"id": initiative.id}).first()
    return (row[0], row[1]) if row else None


def round_covers(grant_round: GrantRound, point: tuple[float, float]) -> bool:
    model, key = (District, District.id == grant_round.district_id) if grant_round.district_id else (
        Gemeente, Gemeente.code == grant_round.gemeente_code)
    stmt = select(func.ST_Intersects(model.boundary, func.ST_SetSRID(func.ST_MakePoint(*point), 4326))).where(key)
    return bool(db.session.scalar(stmt))


def area_name(grant_round: GrantRound) -> str:
    return grant_round.district_name if grant_round.district_id else grant_round.gemeente_name


def _district_for(grant_round: GrantRound, point: tuple[float, float] | None) -> int | None:
    if point is None:
        return None
    from webapp.areas.services import district_at

    district = district_at(grant_round.gemeente_code, *point)
    return district.id if district else None


# ---------------------------------------------------------------- applications

APPLICATION_FIELDS = ("title", "audience", "timing", "description", "amount_cents", "own_contribution_cents",
                      "cofunding", "supporters")
LIMITS = {"title": 160, "timing": 200, "cofunding": 300, "audience": 4000, "description": 8000}


@dataclass
class ApplicationData:
    title: str = ""
    audience: str = ""
    timing: str = ""
    description: str = ""
    amount_cents: int | None = None
    own_contribution_cents: int = 0
    cofunding: str = ""
    supporters: int | None = None
    lines: list[tuple[str, int]] = field(default_factory=list)


def _shape_errors(data: ApplicationData) -> dict[str, str]:
    """Errors that make even a draft impossible to save."""
    errors: dict[str, str] = {}
    for name, limit in LIMITS.items():
        if len(getattr(data, name) or "") > limit:
            errors[name] = _("Dit is te lang: hoogstens %(n)s tekens.", n=limit)
    if data.amount_cents is not None and data.amount_cents <= 0:
        errors["amount_cents"] = _("Het bedrag moet meer dan € 0 zijn.")
    if data.own_contribution_cents is not None and data.own_contribution_cents < 0:
        errors["own_contribution_cents"] = _("De eigen bijdrage kan niet negatief zijn.")
    if data.supporters is not None and data.supporters < 0:
        errors["supporters"] = _("Vul 0 of meer in.")
    for i, (description, cents) in enumerate(data.lines):
        if cents is None or cents <= 0:
            errors[f"line-{i}-amount"] = _("Een regel moet een bedrag van meer dan € 0 hebben.")
        if not description.strip():
            errors[f"line-{i}-description"] = _("Schrijf op waar dit bedrag voor is.")
        elif len(description) > 200:
            errors[f"line-{i}-description"] = _("Dit is te lang: hoogstens %(n)s tekens.", n=200)
    return errors


def open_application_for(grant_round: GrantRound, initiative: Initiative,
                         exclude_id: int | None = None) -> GrantApplication | None:
    stmt = select(GrantApplication).where(GrantApplication.round_id == grant_round.id,
                                          GrantApplication.initiative_id == initiative.id,
                                          GrantApplication.status.in_(m.OPEN_STATUSES))
    if exclude_id:
        stmt = stmt.where(GrantApplication.id != exclude_id)
    return db.session.scalars(stmt).first()


def _second_open_error() -> GrantError:
    return GrantError(_("Dit initiatief heeft al een open aanvraag in deze regeling. Maak die eerst af of "
                        "trek hem in."))


def save_draft(user, grant_round: GrantRound, initiative: Initiative, data: ApplicationData,
               application: GrantApplication | None = None, now: datetime | None = None) -> GrantApplication:
    """Create or update a draft. Incomplete is fine; broken amounts are not."""
    if application is None:
        if not can_apply(user, grant_round, initiative):
            raise Forbidden()
        if round_state(grant_round, local_today(now)) == "closed":
            raise GrantError(_("Deze regeling is gesloten. U kunt niet meer aanvragen."))
        if open_application_for(grant_round, initiative) is not None:
            raise _second_open_error()
    else:
        if not is_applicant_side(user, application):
            raise Forbidden()
        application = lock_application(application.id)  # a submit in another tab waits, or wins
        if application.status != m.DRAFT:
            raise GrantError(_("Deze aanvraag is al verstuurd en kan niet meer veranderen."))
    errors = _shape_errors(data)
    if errors:
        raise GrantError(errors=errors)
    creating = application is None
    if creating:
        application = GrantApplication(round=grant_round, round_id=grant_round.id, initiative=initiative,
                                       initiative_id=initiative.id, status=m.DRAFT, created_by_id=user.id,
                                       on_behalf=not is_owner(user, initiative))
        db.session.add(application)
    for name in APPLICATION_FIELDS:
        value = getattr(data, name)
        setattr(application, name, value.strip() if isinstance(value, str) else value)
    application.own_contribution_cents = data.own_contribution_cents or 0
    application.lines = [GrantBudgetLine(position=i, description=d.strip(), amount_cents=c)
                         for i, (d, c) in enumerate(data.lines)]
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as exc:  # the partial unique index: someone made one at the same moment
        raise _second_open_error() from exc
    if creating:
        _audit(user, "draft_created", application=application, new=m.DRAFT, on_behalf=application.on_behalf)
    else:
        _audit(user, "draft_saved", application=application, old=m.DRAFT, new=m.DRAFT)
    return application


def submit_errors(application: GrantApplication, today: date) -> dict[str, str]:
    """Everything that stops a draft from being sent, per field."""
    grant_round = application.round
    data = ApplicationData(**{k: getattr(application, k) for k in APPLICATION_FIELDS},
                           lines=[(line.description, line.amount_cents) for line in application.lines])
    errors = _shape_errors(data)
    if not application.title.strip():
        errors.setdefault("title", _("Schrijf op wat u wilt doen."))
    if not application.audience.strip():
        errors.setdefault("audience", _("Schrijf op voor wie het is."))
    if not application.timing.strip():
        errors.setdefault("timing", _("Schrijf op wanneer het is."))
    amount = application.amount_cents
    if amount is None:
        errors.setdefault("amount_cents", _("Vul het bedrag in dat u vraagt."))
    elif amount > grant_round.max_amount_cents:
        errors.setdefault("amount_cents", _("U kunt hoogstens %(max)s vragen bij deze regeling.",
                                            max=money(grant_round.max_amount_cents)))
    if not application.lines:
        errors.setdefault("lines", _("Zet minstens één regel in uw begroting."))
    elif amount is not None and amount > 0:
        total = sum(line.amount_cents for line in application.lines)
        if total != amount:
            errors.setdefault("lines", _("De regels van uw begroting tellen op tot %(total)s, maar u vraagt "
                                         "%(amount)s. Maak die bedragen gelijk.", total=money(total),
                                         amount=money(amount)))
    if amount and grant_round.own_contribution_percent:
        needed = math.ceil(amount * grant_round.own_contribution_percent / 100)
        if (application.own_contribution_cents or 0) < needed:
            errors.setdefault("own_contribution_cents", _(
                "Bij deze regeling betaalt u zelf minstens %(pct)s%% mee: dat is %(needed)s.",
                pct=grant_round.own_contribution_percent, needed=money(needed)))
    if grant_round.min_supporters and (application.supporters or 0) < grant_round.min_supporters:
        errors.setdefault("supporters", _("Bij deze regeling zijn minstens %(n)s buren nodig die het plan steunen.",
                                          n=grant_round.min_supporters))
    state = round_state(grant_round, today)
    if state == "pending":
        errors["_"] = _("Deze regeling is nog niet open: een tweede medewerker moet het geld nog bevestigen. "
                        "Uw concept is bewaard.")
    elif state == "upcoming":
        errors["_"] = _("Deze regeling is nog niet open. U kunt versturen vanaf %(date)s. Uw concept is bewaard.",
                        date=grant_round.opens_on.strftime("%d-%m-%Y"))
    elif state == "closed":
        errors["_"] = _("Deze regeling is gesloten. U kunt niet meer aanvragen.")
    else:
        point = initiative_point(application.initiative)
        if point is None:
            errors["_"] = _("Uw initiatief heeft nog geen plek of adres. Voeg eerst een plek toe aan het initiatief.")
        elif not round_covers(grant_round, point):
            errors["_"] = _("Uw initiatief ligt buiten het gebied van deze regeling (%(area)s).",
                            area=area_name(grant_round))
    return errors


def _notify_applicant(application: GrantApplication, subject: str, body: str, kind: str) -> None:
    """Mail the person who applied and the owners of the initiative (once each)."""
    from webapp.mail.services import queue_mail_to_user
    from webapp.stewardship.services import owners_of

    people: dict[int, User] = {}
    if application.created_by is not None:
        people[application.created_by.id] = application.created_by
    for owner in owners_of(application.initiative):
        people.setdefault(owner.user.id, owner.user)
    link = _application_url(application)
    for person in people.values():
        if person.deleted_at is None:
            queue_mail_to_user(person, subject, f"{body}\n\n{link}", kind)


def _application_url(application: GrantApplication) -> str:
    from webapp.urls import absolute_url

    return absolute_url("grants.application_page", application_id=application.id)


def _earlier_applications(application: GrantApplication) -> bool:
    return bool(db.session.scalar(select(exists().where(
        GrantApplication.round_id == application.round_id,
        GrantApplication.initiative_id == application.initiative_id,
        GrantApplication.id != application.id,
        GrantApplication.status != m.DRAFT))))


def submit(user, application: GrantApplication, now: datetime | None = None) -> GrantApplication:
    """Send a draft. A small first application in a round with a quick lane is approved at once."""
    now = now or utcnow()
    if not is_applicant_side(user, application):
        raise Forbidden()
    grant_round, application = _lock(application)
    if application.status != m.DRAFT:
        raise GrantError(_("Deze aanvraag is al verstuurd."))
    errors = submit_errors(application, local_today(now))
    if errors:
        raise GrantError(errors=errors)
    application.status = m.SUBMITTED
    application.submitted_at = now
    application.due_on = local_today(now) + timedelta(days=grant_round.answer_days)
    application.district_id = _district_for(grant_round, initiative_point(application.initiative))
    _audit(user, "submitted", application=application, old=m.DRAFT, new=m.SUBMITTED,
           amount_cents=application.amount_cents, on_behalf=application.on_behalf)
    amount = application.amount_cents
    quick_limit = settings_changes.quick_lane_limit(grant_round)  # never above the ceiling, whatever the row says
    if (quick_limit and amount <= quick_limit
            and not _earlier_applications(application)
            and amount <= grant_round.budget_cents - grant_round.committed_cents):
        _reserve(grant_round, amount)
        application.reserved_cents = amount
        application.granted_cents = amount
        application.status = m.APPROVED
        application.quick_lane = True
        application.decided_at = now
        application.decision_reason = _("Snelle route: kleine startbijdragen krijgen het voordeel van de twijfel.")
        _audit(user, "quick_lane_approved", application=application, old=m.SUBMITTED, new=m.APPROVED,
               amount_cents=amount)
        _notify_applicant(application, _("Uw startbijdrage is toegekend"),
                          _("Goed nieuws: u krijgt %(amount)s voor \"%(title)s\".", amount=money(amount),
                            title=application.title), "grants.decision")
    else:
        _notify_applicant(application, _("Wij hebben uw aanvraag ontvangen"),
                          _("Wij hebben uw aanvraag \"%(title)s\" ontvangen. U krijgt uiterlijk %(date)s antwoord.",
                            title=application.title, date=application.due_on.strftime("%d-%m-%Y")),
                          "grants.submitted")
    return application


def withdraw(user, application: GrantApplication, now: datetime | None = None) -> GrantApplication:
    """The applicant stops: any money held goes back to the round."""
    if not is_applicant_side(user, application):
        raise Forbidden()
    grant_round, application = _lock(application)
    if application.status not in (m.DRAFT, m.SUBMITTED, m.PROVISIONAL, m.APPROVED):
        raise GrantError(_("Deze aanvraag kan niet meer worden ingetrokken."))
    old = application.status
    released = _release(grant_round, application)
    application.status = m.WITHDRAWN
    application.awaiting_answer = False
    _audit(user, "withdrawn", application=application, old=old, new=m.WITHDRAWN, released_cents=released)
    return application


# ---------------------------------------------------------------- the thread

def ask_question(user, application: GrantApplication, body: str) -> GrantMessage:
    if not is_staff(user, application.round.gemeente_code):
        raise Forbidden()
    body = (body or "").strip()
    if not body:
        raise GrantError(_("Schrijf uw vraag op."), field="body")
    if len(body) > 4000:
        raise GrantError(_("Dit is te lang: hoogstens %(n)s tekens.", n=4000), field="body")
    if application.status == m.DRAFT:
        raise GrantError(_("Deze aanvraag is nog niet verstuurd."))
    message = GrantMessage(application_id=application.id, author_id=user.id, kind="question", body=body)
    db.session.add(message)
    application.awaiting_answer = True
    _audit(user, "question_asked", application=application, old=application.status, new=application.status)
    _notify_applicant(application, _("Een vraag over uw aanvraag"),
                      _("De gemeente heeft een vraag over uw aanvraag \"%(title)s\":\n\n%(body)s",
                        title=application.title, body=body), "grants.question")
    return message


def answer_question(user, application: GrantApplication, body: str) -> GrantMessage:
    from webapp.mail.services import queue_mail_to_user

    if not is_applicant_side(user, application):
        raise Forbidden()
    body = (body or "").strip()
    if not body:
        raise GrantError(_("Schrijf uw antwoord op."), field="body")
    if len(body) > 4000:
        raise GrantError(_("Dit is te lang: hoogstens %(n)s tekens.", n=4000), field="body")
    last_question = db.session.scalars(select(GrantMessage).where(
        GrantMessage.application_id == application.id, GrantMessage.kind == "question")
        .order_by(GrantMessage.id.desc())).first()
    if last_question is None:
        raise GrantError(_("Er is nog geen vraag gesteld."), field="body")
    message = GrantMessage(application_id=application.id, author_id=user.id, kind="answer", body=body)
    db.session.add(message)
    application.awaiting_answer = False
    _audit(user, "question_answered", application=application, old=application.status, new=application.status)
    if last_question.author is not None:
        queue_mail_to_user(last_question.author, _("Antwoord op uw vraag"),
                           _("Er is een antwoord op uw vraag over \"%(title)s\".\n\n%(link)s",
                             title=application.title, link=_application_url(application)), "grants.answer")
    return message


def thread(application: GrantApplication) -> list[GrantMessage]:
    return list(db.session.scalars(select(GrantMessage).where(GrantMessage.application_id == application.id)
                                   .order_by(GrantMessage.id)))


# ---------------------------------------------------------------- decisions

def decide(user, application: GrantApplication, decision: str, reason: str, amount_cents: int | None = None,
           now: datetime | None = None) -> GrantApplication:
    """Approve (full or lower amount) or reject, always with a reason.

    Above the round's four-eyes threshold the first approval is provisional (the money is reserved);
    a second, different staff member confirms or rejects.
    """
    now = now or utcnow()
    if decision not in ("approve", "reject"):
        raise GrantError(_("Kies: toekennen of afwijzen."), field="decision")
    if not can_decide(user, application):
        raise Forbidden()
    reason = (reason or "").strip()
    if not reason:
        raise GrantError(_("Schrijf de reden op. De aanvrager leest die."), field="reason")
    if len(reason) > 4000:
        raise GrantError(_("Dit is te lang: hoogstens %(n)s tekens.", n=4000), field="reason")
    grant_round, application = _lock(application)
    old = application.status
    if old == m.SUBMITTED:
        if decision == "reject":
            return _finish(user, grant_round, application, m.REJECTED, reason, now)
        amount = application.amount_cents if amount_cents is None else amount_cents
        if amount <= 0:
            raise GrantError(_("Het bedrag moet meer dan € 0 zijn."), field="amount")
        if amount > application.amount_cents:
            raise GrantError(_("U kunt niet meer toekennen dan gevraagd (%(amount)s).",
                               amount=money(application.amount_cents)), field="amount")
        _reserve(grant_round, amount)
        application.reserved_cents = amount
        application.granted_cents = amount
        if amount > grant_round.four_eyes_cents:
            application.status = m.PROVISIONAL
            application.first_approver_id = user.id
            application.first_approved_at = now
            application.first_reason = reason
            _audit(user, "approved_provisionally", application=application, old=old, new=m.PROVISIONAL,
                   amount_cents=amount, reason=reason)
            return application
        return _finish(user, grant_round, application, m.APPROVED, reason, now)
    if old == m.PROVISIONAL:
        if application.first_approver_id == user.id:
            raise GrantError(_("U heeft deze aanvraag al goedgekeurd. Een andere medewerker moet dit bevestigen."))
        if decision == "reject":
            _release(grant_round, application)
            application.granted_cents = None
            return _finish(user, grant_round, application, m.REJECTED, reason, now)
        amount = application.granted_cents if amount_cents is None else amount_cents
        if amount <= 0:
            raise GrantError(_("Het bedrag moet meer dan € 0 zijn."), field="amount")
        if amount > application.granted_cents:
            raise GrantError(_("U kunt niet meer bevestigen dan de eerste medewerker toekende (%(amount)s).",
                               amount=money(application.granted_cents)), field="amount")
        if amount < application.reserved_cents:  # a lower amount: the rest goes back to the round
            grant_round.committed_cents = grant_round.committed_cents - (application.reserved_cents - amount)
            application.reserved_cents = amount
        application.granted_cents = amount
        return _finish(user, grant_round, application, m.APPROVED, reason, now)
    raise GrantError(_("Over deze aanvraag is al besloten."))


def _finish(user, grant_round, application, status, reason, now) -> GrantApplication:
    old = application.status
    application.status = status
    application.decided_by_id = user.id
    application.decided_at = now
    application.decision_reason = reason
    application.awaiting_answer = False
    db.session.flush()
    _audit(user, "approved" if status == m.APPROVED else "rejected", application=application, old=old,
           new=status, amount_cents=application.granted_cents, reason=reason)
    if status == m.APPROVED:
        _notify_applicant(application, _("Uw startbijdrage is toegekend"),
                          _("U krijgt %(amount)s voor \"%(title)s\".\n\nToelichting: %(reason)s",
                            amount=money(application.granted_cents), title=application.title, reason=reason),
                          "grants.decision")
    else:
        _notify_applicant(application, _("Uw aanvraag is afgewezen"),
                          _("Uw aanvraag \"%(title)s\" is afgewezen.\n\nDe reden: %(reason)s",
                            title=application.title, reason=reason), "grants.decision")
    return application


def revoke(user, application: GrantApplication, reason: str) -> GrantApplication:
    """Take back an approval (e.g. a quick-lane one) before payout; the money returns to the round."""
    if not can_decide(user, application):
        raise Forbidden()
    reason = (reason or "").strip()
    if not reason:
        raise GrantError(_("Schrijf de reden op. De aanvrager leest die."), field="reason")
    grant_round, application = _lock(application)
    if application.status != m.APPROVED:
        raise GrantError(_("Alleen een toegekende aanvraag die nog niet is uitbetaald kan worden ingetrokken."))
    released = _release(grant_round, application)
    application.status = m.REVOKED
    application.revoked_reason = reason
    _audit(user, "revoked", application=application, old=m.APPROVED, new=m.REVOKED, released_cents=released,
           reason=reason)
    _notify_applicant(application, _("Uw startbijdrage is ingetrokken"),
                      _("De toekenning voor \"%(title)s\" is ingetrokken.\n\nDe reden: %(reason)s",
                        title=application.title, reason=reason), "grants.decision")
    return application


def _earliest_payment_date(application: GrantApplication) -> date:
    """A payment cannot be older than the approval (nor the round): e.g. 0001-01-01 is refused."""
    moments = [application.decided_at, application.round.created_at]
    return max(local_today(moment) for moment in moments if moment is not None)


def record_payout(user, application: GrantApplication, paid_on: date | None, reference: str,
                  now: datetime | None = None) -> GrantApplication:
    if not can_decide(user, application):
        raise Forbidden()
    reference = (reference or "").strip()
    errors = {}
    if not reference:
        errors["reference"] = _("Vul het kenmerk van de betaling in.")
    elif len(reference) > 80:
        errors["reference"] = _("Dit is te lang: hoogstens %(n)s tekens.", n=80)
    if paid_on is None:
        errors["paid_on"] = _("Vul de datum van de betaling in.")
    elif paid_on > local_today(now):
        errors["paid_on"] = _("De datum van de betaling kan niet in de toekomst liggen.")
    elif paid_on < _earliest_payment_date(application):
        errors["paid_on"] = _("De datum van de betaling kan niet voor %(date)s liggen: toen was de startbijdrage "
                              "nog niet toegekend.", date=_earliest_payment_date(application).strftime("%d-%m-%Y"))
    if errors:
        raise GrantError(errors=errors)
    grant_round, application = _lock(application)
    if application.status != m.APPROVED:
        raise GrantError(_("Alleen een toegekende aanvraag kan worden uitbetaald."))
    grant_round.paid_cents = grant_round.paid_cents + application.reserved_cents
    application.status = m.PAID
    application.paid_on = paid_on
    application.payment_reference = reference
    application.paid_by_id = user.id
    db.session.flush()
    _audit(user, "paid", application=application, old=m.APPROVED, new=m.PAID,
           amount_cents=application.reserved_cents, reference=reference, paid_on=paid_on.isoformat())
    return application


def record_refund(user, application: GrantApplication, amount_cents: int | None, refunded_on: date | None,
                  reason: str, now: datetime | None = None) -> GrantApplication:
    """Money paid back after payout (unused, or not spent as agreed) returns to the round.

    Under the same round lock as every other money change: the round's committed and paid totals,
    and what the application holds, go down by the same amount; the audit log keeps why.
    """
    if not can_decide(user, application):
        raise Forbidden()
    reason = (reason or "").strip()
    errors = {}
    if amount_cents is None or amount_cents <= 0:
        errors["refund_amount"] = _("Vul een bedrag in dat groter is dan € 0.")
    if refunded_on is None:
        errors["refunded_on"] = _("Vul de datum in waarop het geld terugkwam.")
    elif refunded_on > local_today(now):
        errors["refunded_on"] = _("Die datum ligt in de toekomst.")
    elif application.paid_on is not None and refunded_on < application.paid_on:
        errors["refunded_on"] = _("Het geld kan niet terugkomen voor de betaling (%(date)s).",
                                  date=application.paid_on.strftime("%d-%m-%Y"))
    if not reason:
        errors["refund_reason"] = _("Schrijf op waarom het geld terugkomt.")
    elif len(reason) > 4000:
        errors["refund_reason"] = _("Dit is te lang: hoogstens %(n)s tekens.", n=4000)
    if errors:
        raise GrantError(errors=errors)
    grant_round, application = _lock(application)
    if application.status != m.PAID:
        raise GrantError(_("Alleen een uitbetaalde startbijdrage kan worden terugbetaald."))
    if amount_cents > application.reserved_cents:
        raise GrantError(_("Er kan hoogstens %(amount)s terugkomen.", amount=money(application.reserved_cents)),
                         field="refund_amount")
    grant_round.committed_cents = grant_round.committed_cents - amount_cents
    grant_round.paid_cents = grant_round.paid_cents - amount_cents
    application.reserved_cents = application.reserved_cents - amount_cents
    application.refunded_cents = application.refunded_cents + amount_cents
    application.refunded_on = refunded_on
    db.session.flush()
    _audit(user, "refunded", application=application, old=m.PAID, new=m.PAID, amount_cents=amount_cents,
           reason=reason, refunded_on=refunded_on.isoformat())
    log.info("grant application %s: %s cents paid back to round %s", application.id, amount_cents, grant_round.id)
    return application


# ---------------------------------------------------------------- report

def clean_image(data: bytes) -> tuple[bytes, str]:
    """Check by content that this is a JPEG or PNG of at most 5 MB; re-encode it without metadata."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    if not data:
        raise GrantError(_("Het bestand is leeg."))
    if len(data) > MAX_IMAGE_BYTES:
        raise GrantError(_("De foto is te groot. Hoogstens 5 MB."))
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind = probe.format
            probe.verify()
        if kind not in ("JPEG", "PNG"):
            raise GrantError(_("Dit is geen JPEG- of PNG-foto."))
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > MAX_IMAGE_PIXELS:
                raise GrantError(_("De foto heeft te veel pixels."))
            image.load()
            image = ImageOps.exif_transpose(image)
            out = io.BytesIO()
            # Only pixels leave: Pillow copies a JPEG comment (COM) and a PNG's ICC profile from `info` into
            # the new file, so `info` is emptied (keeping only a palette's transparency, which is no text).
            if kind == "JPEG":
                image = image.convert("RGB")
                image.info = {}
                image.save(out, "JPEG", quality=85, optimize=True)
                return out.getvalue(), "image/jpeg"
            if image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
                image = image.convert("RGBA")
            transparency = image.info.get("transparency")
            image.info = {} if transparency is None else {"transparency": transparency}
            image.save(out, "PNG", optimize=True)
            return out.getvalue(), "image/png"
    except GrantError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise GrantError(_("Dit is geen JPEG- of PNG-foto.")) from exc


def image_size(data: bytes | None) -> tuple[int, int] | None:
    """(width, height) of a stored photo, read from its header only: for sized <img> tags."""
    from PIL import Image

    if not data:
        return None
    with Image.open(io.BytesIO(data)) as image:
        return image.size


def receipts_needed(application: GrantApplication) -> bool:
    return (application.granted_cents or 0) > application.round.four_eyes_cents


def submit_report(user, application: GrantApplication, what_happened: str, attendees: int | None,
                  spent_cents: int | None, photo: bytes | None = None,
                  receipts: bytes | None = None) -> GrantReport:
    if not is_applicant_side(user, application):
        raise Forbidden()
    errors: dict[str, str] = {}
    what_happened = (what_happened or "").strip()
    if application.status != m.PAID:
        raise GrantError(_("U kunt een verslag geven nadat het geld is uitbetaald."))
    if db.session.get(GrantReport, application.id) is not None:
        raise GrantError(_("U heeft al een verslag gegeven. Dank u wel!"))
    if not what_happened:
        errors["what_happened"] = _("Vertel kort wat er is gebeurd.")
    elif len(what_happened) > 4000:
        errors["what_happened"] = _("Dit is te lang: hoogstens %(n)s tekens.", n=4000)
    if attendees is not None and attendees < 0:
        errors["attendees"] = _("Vul 0 of meer in.")
    if spent_cents is not None and spent_cents < 0:
        errors["spent_cents"] = _("Vul € 0 of meer in.")
    report = GrantReport(application_id=application.id, what_happened=what_happened, attendees=attendees,
                         spent_cents=spent_cents, created_by_id=user.id)
    if photo:
        try:
            report.photo, report.photo_type = clean_image(photo)
        except GrantError as exc:
            errors["photo"] = exc.message
    if receipts:
        try:
            report.receipts, report.receipts_type = clean_image(receipts)
        except GrantError as exc:
            errors["receipts"] = exc.message
    elif receipts_needed(application):
        errors["receipts"] = _("Voor dit bedrag hebben wij een foto van de bonnetjes nodig.")
    if errors:
        raise GrantError(errors=errors)
    db.session.add(report)
    _audit(user, "report_submitted", application=application, old=m.PAID, new=m.PAID, attendees=attendees,
           spent_cents=spent_cents, photo=bool(report.photo))
    return report


def report_of(application: GrantApplication) -> GrantReport | None:
    return db.session.get(GrantReport, application.id)


# ---------------------------------------------------------------- helpers (role)

def grant_helper(user, gemeente_code: str, email: str) -> User:
    """Staff invite a professional (an existing account) to apply on residents' behalf."""
    from webapp.accounts import services as accounts

    if not is_staff(user, gemeente_code):
        raise Forbidden()
    email = (email or "").strip()
    if not email:
        raise GrantError(_("Vul een e-mailadres in."), field="email")
    helper = accounts.find_by_email(email)
    if helper is None:
        raise GrantError(_("Er is geen account met dit e-mailadres. Vraag de persoon eerst een account te maken."),
                         field="email")
    if has_role(helper, Role.HELPER, gemeente_code) and not is_admin(helper):
        raise GrantError(_("Deze persoon is al helper in deze gemeente."), field="email")
    accounts.grant_role(helper, Role.HELPER, gemeente_code, granted_by=user)
    _audit(user, "helper_granted", gemeente_code=gemeente_code, helper_id=helper.id)
    return helper


def remove_helper(user, gemeente_code: str, helper_id: int) -> None:
    if not is_staff(user, gemeente_code):
        raise Forbidden()
    grant = db.session.scalars(select(RoleGrant).where(
        RoleGrant.user_id == helper_id, RoleGrant.role == Role.HELPER.value,
        RoleGrant.gemeente_code == gemeente_code)).first()
    if grant is None:
        raise GrantError(_("Deze persoon is geen helper in deze gemeente."))
    db.session.delete(grant)
    _audit(user, "helper_removed", gemeente_code=gemeente_code, helper_id=helper_id)


def helpers_of(gemeente_code: str) -> list[User]:
    return list(db.session.scalars(select(User).join(RoleGrant, RoleGrant.user_id == User.id).where(
        RoleGrant.role == Role.HELPER.value, RoleGrant.gemeente_code == gemeente_code,
        User.deleted_at.is_(None)).order_by(User.display_name)))


# ---------------------------------------------------------------- lists

def owned_initiatives(user) -> list[Initiative]:
    if not _authenticated(user):
        return []
    return list(db.session.scalars(select(Initiative).join(InitiativeOwner, InitiativeOwner.initiative_id == Initiative.id)
                                   .where(InitiativeOwner.user_id == user.id).order_by(Initiative.title)))


def initiatives_in(gemeente_code: str, query: str = "", limit: int = 25) -> list[Initiative]:
    stmt = select(Initiative).where(Initiative.gemeente_code == gemeente_code, Initiative.hidden.is_(False))
    if query.strip():
        stmt = stmt.where(Initiative.title.ilike(f"%{query.strip()[:80].replace('%', '').replace('_', '')}%"))
    return list(db.session.scalars(stmt.order_by(Initiative.title).limit(limit)))


def my_applications(user) -> list[GrantApplication]:
    if not _authenticated(user):
        return []
    owned = select(InitiativeOwner.initiative_id).where(InitiativeOwner.user_id == user.id)
    stmt = (select(GrantApplication)
            .where(or_(GrantApplication.created_by_id == user.id, GrantApplication.initiative_id.in_(owned)))
            .order_by(GrantApplication.id.desc()))
    return list(db.session.scalars(stmt).unique())


def initiative_panel(user, initiative: Initiative, today: date | None = None) -> dict[str, Any]:
    """What the initiative page shows about startbijdragen.

    Everyone: the startbijdragen granted to it (public, like the gemeente's transparency page).
    Owners (and staff/helpers of its gemeente): its applications with their status, and the open rounds
    that cover its location, where they can apply.
    """
    applications = list(db.session.scalars(
        select(GrantApplication).where(GrantApplication.initiative_id == initiative.id)
        .order_by(GrantApplication.id.desc())))
    granted = [a for a in applications if a.status in m.GRANTED_STATUSES]
    panel: dict[str, Any] = {"granted": granted, "mine": [], "rounds": []}
    if not _authenticated(user):
        return panel
    point = initiative_point(initiative)
    gemeente = initiative.gemeente_code
    rounds = open_rounds({gemeente}, today) if gemeente else []
    rounds = [r for r in rounds if point is not None and round_covers(r, point) and can_apply(user, r, initiative)]
    if rounds or is_owner(user, initiative):
        panel["mine"] = [a for a in applications if can_view(user, a)]
        open_round_ids = {a.round_id for a in applications if a.is_open}
        panel["rounds"] = [r for r in rounds if r.id not in open_round_ids]
    return panel


def days_left(application: GrantApplication, today: date | None = None) -> int | None:
    if application.due_on is None or application.status not in m.UNDECIDED_STATUSES:
        return None
    return (application.due_on - (today or local_today())).days


QUEUE_FILTERS = ("open", "waiting", "provisional", "quick", "approved", "decided", "all")


def queue(grant_round: GrantRound, status: str = "open", district_id: int | None = None) -> list[GrantApplication]:
    """Sent applications of a round, oldest first."""
    stmt = select(GrantApplication).where(GrantApplication.round_id == grant_round.id,
                                          GrantApplication.status != m.DRAFT)
    if status == "open":  # to do: undecided, plus quick-lane approvals staff may still revoke
        stmt = stmt.where(or_(GrantApplication.status.in_(m.UNDECIDED_STATUSES),
                              (GrantApplication.quick_lane.is_(True)) & (GrantApplication.status == m.APPROVED)))
    elif status == "waiting":
        stmt = stmt.where(GrantApplication.awaiting_answer.is_(True))
    elif status == "provisional":
        stmt = stmt.where(GrantApplication.status == m.PROVISIONAL)
    elif status == "quick":
        stmt = stmt.where(GrantApplication.quick_lane.is_(True))
    elif status == "approved":
        stmt = stmt.where(GrantApplication.status.in_(m.GRANTED_STATUSES))
    elif status == "decided":
        stmt = stmt.where(GrantApplication.status.notin_(m.UNDECIDED_STATUSES))
    if district_id:
        stmt = stmt.where(GrantApplication.district_id == district_id)
    return list(db.session.scalars(stmt.order_by(GrantApplication.submitted_at, GrantApplication.id)).unique())


def districts_of(gemeente_code: str) -> list[District]:
    return list(db.session.scalars(select(District).where(District.gemeente_code == gemeente_code)
                                   .order_by(District.name)))


# ---------------------------------------------------------------- transparency and figures

def round_totals(grant_round: GrantRound) -> dict[str, int]:
    granted = db.session.scalar(select(func.coalesce(func.sum(
        GrantApplication.granted_cents - GrantApplication.refunded_cents), 0)).where(
        GrantApplication.round_id == grant_round.id, GrantApplication.status.in_(m.GRANTED_STATUSES)))
    return {"budget_cents": grant_round.budget_cents, "granted_cents": int(granted),
            "paid_cents": grant_round.paid_cents, "committed_cents": grant_round.committed_cents,
            "remaining_cents": grant_round.budget_cents - grant_round.committed_cents}


def public_overview(gemeente_code: str) -> list[dict[str, Any]]:
    """Every round of a gemeente with its totals and its granted startbijdragen. No personal data."""
    result = []
    for grant_round in rounds_of(gemeente_code):
        if not grant_round.settings_confirmed:  # its budget is not agreed yet (settings_changes)
            continue
        grants = db.session.scalars(select(GrantApplication).where(
            GrantApplication.round_id == grant_round.id, GrantApplication.status.in_(m.GRANTED_STATUSES))
            .order_by(GrantApplication.decided_at, GrantApplication.id)).unique()
        result.append({
            "round": grant_round,
            "totals": round_totals(grant_round),
            "grants": [{
                "id": a.id,
                "initiative_id": a.initiative_id,
                "initiative": a.initiative.title if not a.initiative.hidden else _("(verborgen initiatief)"),
                "purpose": a.title,
                "amount_cents": a.net_granted_cents,
                "date": local_today(a.decided_at) if a.decided_at else None,
                "paid": a.status == m.PAID,
                "district": a.district_name or "",
            } for a in grants],
        })
    return result


@dataclass
class Figures:
    label: str
    applications: int = 0
    decided: int = 0
    approved: int = 0
    requested_cents: int = 0
    granted_cents: int = 0
    paid_cents: int = 0
    days_to_decision: list[int] = field(default_factory=list)
    in_time: int = 0

    @property
    def approval_rate(self) -> float | None:
        return self.approved / self.decided if self.decided else None

    @property
    def median_days(self) -> float | None:
        return statistics.median(self.days_to_decision) if self.days_to_decision else None

    @property
    def in_time_share(self) -> float | None:
        return self.in_time / self.decided if self.decided else None


def dashboard(grant_round: GrantRound) -> tuple[Figures, list[Figures]]:
    """Figures for the whole round and per district (in the order of the district names)."""
    total = Figures(label=_("Hele regeling"))
    per_district: dict[str, Figures] = {}
    apps = db.session.scalars(select(GrantApplication).where(GrantApplication.round_id == grant_round.id,
                                                            GrantApplication.status != m.DRAFT)).unique()
    for a in apps:
        label = a.district_name or _("Geen stadsdeel")
        for figures in (total, per_district.setdefault(label, Figures(label=label))):
            figures.applications += 1
            figures.requested_cents += a.amount_cents or 0
            # Decided = a final answer was given (approve/reject); withdrawn ones never were.
            if a.decided_at is not None and a.status in (m.APPROVED, m.PAID, m.REJECTED, m.REVOKED):
                figures.decided += 1
                if a.status != m.REJECTED:
                    figures.approved += 1
                days = (local_today(a.decided_at) - local_today(a.submitted_at)).days
                figures.days_to_decision.append(days)
                if a.due_on is None or local_today(a.decided_at) <= a.due_on:
                    figures.in_time += 1
            if a.status in m.GRANTED_STATUSES:
                figures.granted_cents += a.net_granted_cents
            if a.status == m.PAID:
                figures.paid_cents += a.reserved_cents
    return total, [per_district[k] for k in sorted(per_district)]


def bar_chart(rows: list[Figures], title: str, desc: str) -> dict[str, Any]:
    """Geometry for a horizontal SVG bar chart of requested and granted money per row."""
    top = max([r.requested_cents for r in rows] + [1])
    bars = []
    for i, r in enumerate(rows):
        bars.append({"label": r.label, "y": 10 + i * 44,
                     "requested": r.requested_cents, "granted": r.granted_cents,
                     "requested_w": round(300 * r.requested_cents / top, 1),
                     "granted_w": round(300 * r.granted_cents / top, 1)})
    return {"title": title, "desc": desc, "bars": bars, "height": 20 + len(rows) * 44}


# ---------------------------------------------------------------- account data download

def export_for(user) -> dict[str, Any]:
    """What the grants module holds about a user (for the account data download)."""
    apps = db.session.scalars(select(GrantApplication).where(GrantApplication.created_by_id == user.id)
                              .order_by(GrantApplication.id)).unique()
    messages = db.session.scalars(select(GrantMessage).where(GrantMessage.author_id == user.id)
                                  .order_by(GrantMessage.id))
    return {
        "applications": [{
            "id": a.id, "round": a.round.name, "initiative": a.initiative.title, "status": a.status,
            "title": a.title, "audience": a.audience, "timing": a.timing, "description": a.description,
            "amount_cents": a.amount_cents, "granted_cents": a.granted_cents, "refunded_cents": a.refunded_cents,
            "own_contribution_cents": a.own_contribution_cents, "cofunding": a.cofunding,
            "supporters": a.supporters, "on_behalf": a.on_behalf,
            "submitted_at": a.submitted_at.isoformat() if a.submitted_at else None,
            "decision_reason": a.decision_reason,
            "budget_lines": [{"description": line.description, "amount_cents": line.amount_cents}
                             for line in a.lines],
        } for a in apps],
        "messages": [{"application_id": msg.application_id, "kind": msg.kind, "body": msg.body,
                      "created_at": msg.created_at.isoformat()} for msg in messages],
    }
