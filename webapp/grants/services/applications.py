"""Applications: drafts, what stops a draft from being sent, sending (with the quick lane), withdrawing."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError

from webapp.accounts.models import User
from webapp.domain_errors import NotAllowed
from webapp.extensions import db
from webapp.grants import models as m
from webapp.grants import settings_changes
from webapp.grants.models import GrantApplication, GrantBudgetLine, GrantRound
from webapp.grants.services import areas, audit, next_steps
from webapp.grants.services.budget import lock_application, lock_both, release, reserve
from webapp.grants.services.clock import utcnow
from webapp.grants.services.errors import GrantError
from webapp.grants.services.notify import notify_applicant
from webapp.grants.services.permissions import can_apply, is_applicant_side, is_initiative_owner
from webapp.grants.services.rounds import round_state
from webapp.i18n import local_today, money
from webapp.initiatives import queries as initiatives
from webapp.initiatives.models import Initiative

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


def save_draft(user: User, grant_round: GrantRound, initiative: Initiative, data: ApplicationData,
               application: GrantApplication | None = None, now: datetime | None = None) -> GrantApplication:
    """Create or update a draft. Incomplete is fine; broken amounts are not."""
    if application is None:
        if not can_apply(user, grant_round, initiative):
            raise NotAllowed()
        if round_state(grant_round, local_today(now)) == "closed":
            raise GrantError(_("Deze regeling is gesloten. U kunt niet meer aanvragen."))
        if open_application_for(grant_round, initiative) is not None:
            raise _second_open_error()
    else:
        if not is_applicant_side(user, application):
            raise NotAllowed()
        application = lock_application(application.id)  # a submit in another tab waits, or wins
        if application.status != m.DRAFT:
            raise GrantError(_("Deze aanvraag is al verstuurd en kan niet meer veranderen."))
    errors = _shape_errors(data)
    if errors:
        raise GrantError(errors=errors)
    creating = application is None
    if application is None:
        application = GrantApplication(round=grant_round, round_id=grant_round.id, initiative=initiative,
                                       initiative_id=initiative.id, status=m.DRAFT, created_by_id=user.id,
                                       on_behalf=not is_initiative_owner(user, initiative))
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
        audit.record(user, "draft_created", application=application, new=m.DRAFT, on_behalf=application.on_behalf)
    else:
        audit.record(user, "draft_saved", application=application, old=m.DRAFT, new=m.DRAFT)
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
        point = initiatives.initiative_point(application.initiative_id)
        if point is None:
            errors["_"] = _("Uw initiatief heeft nog geen plek of adres. Voeg eerst een plek toe aan het initiatief.")
        elif not areas.round_covers(grant_round, point):
            errors["_"] = _("Uw initiatief ligt buiten het gebied van deze regeling (%(area)s).",
                            area=areas.area_name(grant_round))
    return errors


def _earlier_applications(application: GrantApplication) -> bool:
    return bool(db.session.scalar(select(exists().where(
        GrantApplication.round_id == application.round_id,
        GrantApplication.initiative_id == application.initiative_id,
        GrantApplication.id != application.id,
        GrantApplication.status != m.DRAFT))))


def submit(user: User, application: GrantApplication, now: datetime | None = None) -> GrantApplication:
    """Send a draft. A small first application in a round with a quick lane is approved at once."""
    now = now or utcnow()
    if not is_applicant_side(user, application):
        raise NotAllowed()
    grant_round, application = lock_both(application)
    if application.status != m.DRAFT:
        raise GrantError(_("Deze aanvraag is al verstuurd."))
    errors = submit_errors(application, local_today(now))
    if errors:
        raise GrantError(errors=errors)
    application.status = m.SUBMITTED
    application.submitted_at = now
    application.due_on = local_today(now) + timedelta(days=grant_round.answer_days)
    application.district_id = areas.district_for(grant_round, initiatives.initiative_point(application.initiative_id))
    audit.record(user, "submitted", application=application, old=m.DRAFT, new=m.SUBMITTED,
                 amount_cents=application.amount_cents, on_behalf=application.on_behalf)
    amount = application.amount_cents or 0  # submit_errors made sure there is one
    quick_limit = settings_changes.quick_lane_limit(grant_round)  # never above the ceiling, whatever the row says
    if (quick_limit and amount <= quick_limit
            and not _earlier_applications(application)
            and amount <= grant_round.budget_cents - grant_round.committed_cents):
        reserve(grant_round, amount)
        application.reserved_cents = amount
        application.granted_cents = amount
        application.status = m.APPROVED
        application.quick_lane = True
        application.decided_at = now
        application.decision_reason = next_steps.stored_quick_lane_reason()
        audit.record(user, "quick_lane_approved", application=application, old=m.SUBMITTED, new=m.APPROVED,
                     amount_cents=amount)
        notify_applicant(application, _("Uw startbijdrage is toegekend"),
                         _("Goed nieuws: u krijgt %(amount)s voor \"%(title)s\".", amount=money(amount),
                           title=application.title) + "\n\n" + _("Wat nu?") + "\n"
                         + next_steps.mail_text(application, has_account=False), "grants.decision")
    else:
        notify_applicant(application, _("Wij hebben uw aanvraag ontvangen"),
                         _("Wij hebben uw aanvraag \"%(title)s\" ontvangen. U krijgt uiterlijk %(date)s antwoord.",
                           title=application.title, date=application.due_on.strftime("%d-%m-%Y")),
                         "grants.submitted")
    return application


def withdraw(user: User, application: GrantApplication, now: datetime | None = None) -> GrantApplication:
    """The applicant stops: any money held goes back to the round."""
    if not is_applicant_side(user, application):
        raise NotAllowed()
    grant_round, application = lock_both(application)
    if application.status not in (m.DRAFT, m.SUBMITTED, m.PROVISIONAL, m.APPROVED):
        raise GrantError(_("Deze aanvraag kan niet meer worden ingetrokken."))
    old = application.status
    released = release(grant_round, application)
    application.status = m.WITHDRAWN
    application.awaiting_answer = False
    audit.record(user, "withdrawn", application=application, old=old, new=m.WITHDRAWN, released_cents=released)
    return application
