"""Money leaving and coming back: recording a payout, and a refund after payout (both under the round lock)."""
from __future__ import annotations

import logging
from datetime import date, datetime

from flask_babel import gettext as _

from webapp.accounts.models import User
from webapp.domain_errors import NotAllowed
from webapp.extensions import db
from webapp.grants import models as m
from webapp.grants.models import GrantApplication, GrantRound
from webapp.grants.services import audit
from webapp.grants.services.budget import lock_both
from webapp.grants.services.errors import GrantError
from webapp.grants.services.permissions import can_decide
from webapp.i18n import local_today, money

log = logging.getLogger("webapp.grants.services")


def _earliest_payment_date(application: GrantApplication) -> date:
    """A payment cannot be older than the approval (nor the round): e.g. 0001-01-01 is refused."""
    moments = [application.decided_at, application.round.created_at]
    return max(local_today(moment) for moment in moments if moment is not None)


def record_payout(user: User, application: GrantApplication, paid_on: date | None, reference: str,
                  now: datetime | None = None) -> GrantApplication:
    if not can_decide(user, application):
        raise NotAllowed()
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
    if errors or paid_on is None:
        raise GrantError(errors=errors)
    grant_round, application = lock_both(application)
    if application.status != m.APPROVED:
        raise GrantError(_("Alleen een toegekende aanvraag kan worden uitbetaald."))
    mark_paid(user, grant_round, application, paid_on, reference)
    return application


def mark_paid(user: User, grant_round: GrantRound, application: GrantApplication, paid_on: date,
              reference: str) -> None:
    """The one payout bookkeeping (round and application locked by the caller): the money held becomes paid.
    Used by a single recorded payout and by a payment batch marked paid."""
    old = application.status
    grant_round.paid_cents = grant_round.paid_cents + application.reserved_cents
    application.status = m.PAID
    application.paid_on = paid_on
    application.payment_reference = reference
    application.paid_by_id = user.id
    db.session.flush()
    audit.record(user, "paid", application=application, old=old, new=m.PAID,
                 amount_cents=application.reserved_cents, reference=reference, paid_on=paid_on.isoformat())


def record_refund(user: User, application: GrantApplication, amount_cents: int | None, refunded_on: date | None,
                  reason: str, now: datetime | None = None) -> GrantApplication:
    """Money paid back after payout (unused, or not spent as agreed) returns to the round.

    Under the same round lock as every other money change: the round's committed and paid totals,
    and what the application holds, go down by the same amount; the audit log keeps why.
    """
    if not can_decide(user, application):
        raise NotAllowed()
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
    if errors or amount_cents is None or refunded_on is None:
        raise GrantError(errors=errors)
    grant_round, application = lock_both(application)
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
    audit.record(user, "refunded", application=application, old=m.PAID, new=m.PAID, amount_cents=amount_cents,
                 reason=reason, refunded_on=refunded_on.isoformat())
    log.info("grant application %s: %s cents paid back to round %s", application.id, amount_cents, grant_round.id)
    return application
