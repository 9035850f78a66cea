"""Deciding on an application: approve (the full or a lower amount) or reject, always with a reason;
four eyes above the round's threshold; revoking an approval before payout.

Who may decide: `permissions.can_decide`.
"""
from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _

from webapp.accounts import services as accounts
from webapp.accounts.models import Role, User
from webapp.domain_errors import NotAllowed
from webapp.extensions import db
from webapp.grants import models as m
from webapp.grants.models import GrantApplication, GrantRound
from webapp.grants.services import audit, next_steps
from webapp.grants.services.budget import lock_both, release, reserve
from webapp.grants.services.clock import utcnow
from webapp.grants.services.errors import GrantError
from webapp.grants.services.notify import application_url, mail_person, notify_applicant
from webapp.grants.services.permissions import can_decide
from webapp.i18n import money

MAX_REASON = 4000


def _reason(text: str) -> str:
    reason = (text or "").strip()
    if not reason:
        raise GrantError(_("Schrijf de reden op. De aanvrager leest die."), field="reason")
    return reason


def _amount(amount_cents: int | None, ceiling: int, too_much: str) -> int:
    """The amount to grant: `ceiling` when none was typed; more than € 0 and at most `ceiling`."""
    amount = ceiling if amount_cents is None else amount_cents
    if amount <= 0:
        raise GrantError(_("Het bedrag moet meer dan € 0 zijn."), field="amount")
    if amount > ceiling:
        raise GrantError(too_much, field="amount")
    return amount


def decide(user: User, application: GrantApplication, decision: str, reason: str, amount_cents: int | None = None,
           now: datetime | None = None) -> GrantApplication:
    """Approve (full or lower amount) or reject, always with a reason.

    Above the round's four-eyes threshold the first approval is provisional (the money is reserved);
    a second, different staff member confirms or rejects.
    """
    now = now or utcnow()
    if decision not in ("approve", "reject"):
        raise GrantError(_("Kies: toekennen of afwijzen."), field="decision")
    if not can_decide(user, application):
        raise NotAllowed()
    reason = _reason(reason)
    if len(reason) > MAX_REASON:
        raise GrantError(_("Dit is te lang: hoogstens %(n)s tekens.", n=MAX_REASON), field="reason")
    grant_round, application = lock_both(application)
    old = application.status
    if old == m.SUBMITTED:
        if decision == "reject":
            return _finish(user, application, m.REJECTED, reason, now)
        requested = application.amount_cents or 0  # a sent application always has its amount
        amount = _amount(amount_cents, requested,
                         _("U kunt niet meer toekennen dan gevraagd (%(amount)s).", amount=money(requested)))
        reserve(grant_round, amount)
        application.reserved_cents = amount
        application.granted_cents = amount
        if amount > grant_round.four_eyes_cents:
            application.status = m.PROVISIONAL
            application.first_approver_id = user.id
            application.first_approved_at = now
            application.first_reason = reason
            audit.record(user, "approved_provisionally", application=application, old=old, new=m.PROVISIONAL,
                         amount_cents=amount, reason=reason)
            _ask_second_staff(user, application)
            return application
        return _finish(user, application, m.APPROVED, reason, now)
    if old == m.PROVISIONAL:
        return _second_decision(user, grant_round, application, decision, reason, amount_cents, now)
    raise GrantError(_("Over deze aanvraag is al besloten."))


def _ask_second_staff(first: User, application: GrantApplication) -> None:
    """Four-eyes handover: the other staff of the gemeente who may decide get a mail."""
    for grant in accounts.list_grants(application.round.gemeente_code):
        person = grant.user
        if (grant.role != Role.STAFF.value or person.id == first.id or person.deleted_at is not None
                or not can_decide(person, application)):
            continue
        mail_person(person, _("Wacht op uw bevestiging: %(title)s", title=application.title),
                    _("%(name)s keurde \"%(title)s\" voorlopig goed voor %(amount)s. Een tweede medewerker moet "
                      "dit bevestigen of afwijzen.\n\nReden van %(name)s: %(reason)s",
                      name=first.public_name, title=application.title, amount=money(application.granted_cents),
                      reason=application.first_reason) + "\n\n" + application_url(application),
                    "grants.confirm_needed")


def _second_decision(user: User, grant_round: GrantRound, application: GrantApplication, decision: str,
                     reason: str, amount_cents: int | None, now: datetime) -> GrantApplication:
    """Four eyes: a second, different staff member confirms (the same or a lower amount) or rejects."""
    if application.first_approver_id == user.id:
        raise GrantError(_("U heeft deze aanvraag al goedgekeurd. Een andere medewerker moet dit bevestigen."))
    if decision == "reject":
        release(grant_round, application)
        application.granted_cents = None
        return _finish(user, application, m.REJECTED, reason, now)
    first = application.granted_cents or 0  # a provisional approval always has its amount
    amount = _amount(amount_cents, first,
                     _("U kunt niet meer bevestigen dan de eerste medewerker toekende (%(amount)s).",
                       amount=money(first)))
    if amount < application.reserved_cents:  # a lower amount: the rest goes back to the round
        grant_round.committed_cents = grant_round.committed_cents - (application.reserved_cents - amount)
        application.reserved_cents = amount
    application.granted_cents = amount
    return _finish(user, application, m.APPROVED, reason, now)


def _finish(user: User, application: GrantApplication, status: str, reason: str, now: datetime) -> GrantApplication:
    old = application.status
    application.status = status
    application.decided_by_id = user.id
    application.decided_at = now
    application.decision_reason = reason
    application.awaiting_answer = False
    db.session.flush()
    audit.record(user, "approved" if status == m.APPROVED else "rejected", application=application, old=old,
                 new=status, amount_cents=application.granted_cents, reason=reason)
    if status == m.APPROVED:
        notify_applicant(application, _("Uw startbijdrage is toegekend"),
                         _("U krijgt %(amount)s voor \"%(title)s\".\n\nToelichting: %(reason)s",
                           amount=money(application.granted_cents), title=application.title, reason=reason)
                         + "\n\n" + _("Wat nu?") + "\n" + next_steps.mail_text(application, has_account=False),
                         "grants.decision")
    else:
        notify_applicant(application, _("Uw aanvraag is afgewezen"),
                         _("Uw aanvraag \"%(title)s\" is afgewezen.\n\nDe reden: %(reason)s",
                           title=application.title, reason=reason), "grants.decision")
    return application


def revoke(user: User, application: GrantApplication, reason: str) -> GrantApplication:
    """Take back an approval (e.g. a quick-lane one) before payout; the money returns to the round."""
    if not can_decide(user, application):
        raise NotAllowed()
    reason = _reason(reason)
    grant_round, application = lock_both(application)
    if application.status != m.APPROVED:
        raise GrantError(_("Alleen een toegekende aanvraag die nog niet is uitbetaald kan worden ingetrokken."))
    released = release(grant_round, application)
    application.status = m.REVOKED
    application.revoked_reason = reason
    audit.record(user, "revoked", application=application, old=m.APPROVED, new=m.REVOKED, released_cents=released,
                 reason=reason)
    notify_applicant(application, _("Uw startbijdrage is ingetrokken"),
                     _("De toekenning voor \"%(title)s\" is ingetrokken.\n\nDe reden: %(reason)s",
                       title=application.title, reason=reason), "grants.decision")
    return application
