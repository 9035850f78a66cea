"""The bank account a startbijdrage is paid to: IBAN and account holder ("tenaamstelling").

Financial personal data:
- asked only after approval; checked with schwifty (checksum, the country's format, and for a Dutch IBAN
  that the bank exists; its BIC is kept for the SEPA file);
- shown in full only to staff of the round's gemeente, and every such view is in the audit log
  (`reveal`); everyone else, the applicant side too once saved, sees it masked (`NL** **** **** **12 34`);
  never in public pages, CSV, JSON or the API;
- a change after approval waits until a staff member who did not make it confirms it (a common fraud:
  "please pay to this other account"); the database refuses a confirmation by the same person;
- removed N months after payout (`purge`, the nightly `flask grants purge-bank-details`).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app
from flask_babel import gettext as _
from schwifty import IBAN
from schwifty.exceptions import (
    InvalidBBANChecksum,
    InvalidChecksumDigits,
    InvalidCountryCode,
    InvalidLength,
    SchwiftyException,
)
from sqlalchemy import select

from webapp.accounts.actor import Actor
from webapp.accounts.models import User
from webapp.domain_errors import NotAllowed
from webapp.extensions import db
from webapp.grants import models as m
from webapp.grants.models import GrantApplication, GrantBankAccount, GrantPaymentBatch
from webapp.grants.services import audit
from webapp.grants.services.budget import lock_both
from webapp.grants.services.clock import utcnow
from webapp.grants.services.errors import GrantError
from webapp.grants.services.permissions import can_decide, is_applicant_side, is_staff

DEFAULT_RETENTION_MONTHS = 18
# Countries a SEPA credit transfer reaches (EU/EEA, and the other SEPA members).
SEPA_COUNTRIES = frozenset({
    "AD", "AT", "BE", "BG", "CH", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GB", "GI", "GR", "HR", "HU", "IE",
    "IS", "IT", "LI", "LT", "LU", "LV", "MC", "MT", "NL", "NO", "PL", "PT", "RO", "SE", "SI", "SK", "SM", "VA",
})
# Where the applicant side may give or change the account: approved, not yet in a payment.
BANK_STATUSES = (m.APPROVED,)


@dataclass(frozen=True)
class CheckedIban:
    iban: str  # compact, upper case
    bic: str   # "" when unknown (not needed inside SEPA)


def check_iban(text: str) -> CheckedIban:
    """The IBAN as typed (spaces, lower case allowed), checked; a clear Dutch message for a typo."""
    raw = (text or "").strip()
    if not raw:
        raise GrantError(_("Vul het rekeningnummer (IBAN) in."), field="iban")
    if len(raw) > 50:
        raise GrantError(_("Dit is te lang voor een IBAN."), field="iban")
    try:
        iban = IBAN(raw, validate_bban=True)
    except InvalidChecksumDigits as exc:
        raise GrantError(_("Dit rekeningnummer klopt niet: er zit een tikfout in. Kijk het nog eens na."),
                         field="iban") from exc
    except InvalidLength as exc:
        raise GrantError(_("Dit rekeningnummer heeft te veel of te weinig tekens. Een Nederlandse IBAN heeft er "
                           "18, bijvoorbeeld NL91 ABNA 0417 1643 00."), field="iban") from exc
    except InvalidCountryCode as exc:
        raise GrantError(_("Een IBAN begint met de code van het land, bijvoorbeeld NL."), field="iban") from exc
    except InvalidBBANChecksum as exc:
        raise GrantError(_("Dit rekeningnummer klopt niet: er zit een tikfout in. Kijk het nog eens na."),
                         field="iban") from exc
    except SchwiftyException as exc:
        raise GrantError(_("Dit is geen geldig rekeningnummer (IBAN). Kijk het nog eens na."), field="iban") from exc
    if iban.country_code not in SEPA_COUNTRIES:
        raise GrantError(_("We kunnen alleen betalen naar een rekening in Europa (SEPA)."), field="iban")
    bic = iban.bic
    if iban.country_code == "NL" and bic is None:
        raise GrantError(_("We kennen de bank van dit rekeningnummer niet. Kijk het nog eens na."), field="iban")
    return CheckedIban(iban=str(iban.compact), bic=str(bic) if bic is not None else "")


def check_holder(text: str) -> str:
    holder = " ".join((text or "").split())
    if not holder:
        raise GrantError(_("Vul de naam in die bij de rekening hoort (de tenaamstelling)."), field="holder")
    if len(holder) > 70:
        raise GrantError(_("Dit is te lang: hoogstens %(n)s tekens.", n=70), field="holder")
    return holder


def mask(iban: str | None) -> str:
    """`NL91ABNA0417164300` -> `NL** **** **** **43 00`: the country and the last four characters."""
    if not iban:
        return ""
    compact = "".join(iban.split()).upper()
    hidden = compact[:2] + "*" * (len(compact) - 6) + compact[-4:]
    return " ".join(hidden[i:i + 4] for i in range(0, len(hidden), 4))


def formatted(iban: str | None) -> str:
    compact = "".join((iban or "").split()).upper()
    return " ".join(compact[i:i + 4] for i in range(0, len(compact), 4))


def account_of(application: GrantApplication, status: str = m.BANK_ACTIVE) -> GrantBankAccount | None:
    return db.session.scalar(select(GrantBankAccount).where(GrantBankAccount.application_id == application.id,
                                                            GrantBankAccount.status == status))


def may_change(user: Actor | None, application: GrantApplication) -> bool:
    """The applicant side, or staff of the gemeente (e.g. on the phone with the applicant)."""
    return is_applicant_side(user, application) or is_staff(user, application.round.gemeente_code)


def save(user: User, application: GrantApplication, iban_text: str, holder_text: str) -> GrantBankAccount:
    """Give the account (takes effect at once) or change it (waits for a staff member to confirm)."""
    if not may_change(user, application):
        raise NotAllowed()
    errors = {}
    checked: CheckedIban | None = None
    holder = ""
    try:
        checked = check_iban(iban_text)
    except GrantError as exc:
        errors.update(exc.errors)
    try:
        holder = check_holder(holder_text)
    except GrantError as exc:
        errors.update(exc.errors)
    if errors or checked is None:
        raise GrantError(errors=errors)
    _round, application = lock_both(application)  # one change at a time; the status is fresh
    if application.status not in BANK_STATUSES:
        raise GrantError(_("U kunt het rekeningnummer alleen geven of veranderen als de startbijdrage is "
                           "toegekend en nog niet wordt betaald."))
    current = account_of(application)
    if current is not None and current.iban == checked.iban and current.holder == holder:
        raise GrantError(_("Dit is al het rekeningnummer van deze startbijdrage."), field="iban")
    waiting = account_of(application, m.BANK_PENDING)
    if waiting is not None:  # a newer change replaces the one still waiting
        waiting.status = m.BANK_REJECTED
        waiting.decided_at = utcnow()
        db.session.flush()
    account = GrantBankAccount(application_id=application.id, iban=checked.iban, bic=checked.bic or None,
                               holder=holder, entered_by_id=user.id,
                               status=m.BANK_PENDING if current is not None else m.BANK_ACTIVE,
                               needs_confirmation=current is not None)
    db.session.add(account)
    db.session.flush()
    audit.record(user, "bank_change_proposed" if current is not None else "bank_details_given",
                 application=application, iban=mask(checked.iban))
    return account


def _waiting_change(user: User, application: GrantApplication) -> tuple[GrantApplication, GrantBankAccount]:
    if not can_decide(user, application):
        raise NotAllowed()
    _round, application = lock_both(application)
    waiting = account_of(application, m.BANK_PENDING)
    if waiting is None:
        raise GrantError(_("Er wacht geen nieuw rekeningnummer op bevestiging."))
    if waiting.entered_by_id == user.id:
        raise NotAllowed(_("Een andere medewerker moet dit nieuwe rekeningnummer bevestigen."))
    return application, waiting


def confirm_change(user: User, application: GrantApplication) -> GrantBankAccount:
    """A staff member (not the one who made the change) confirms a new account, e.g. after calling the
    applicant on a known number."""
    application, waiting = _waiting_change(user, application)
    current = account_of(application)
    now = utcnow()
    if current is not None:
        current.status = m.BANK_REPLACED
        db.session.flush()
    waiting.status, waiting.decided_by_id, waiting.decided_at = m.BANK_ACTIVE, user.id, now
    db.session.flush()
    audit.record(user, "bank_change_confirmed", application=application, iban=mask(waiting.iban))
    return waiting


def reject_change(user: User, application: GrantApplication) -> GrantBankAccount:
    application, waiting = _waiting_change(user, application)
    waiting.status, waiting.decided_by_id, waiting.decided_at = m.BANK_REJECTED, user.id, utcnow()
    db.session.flush()
    audit.record(user, "bank_change_rejected", application=application, iban=mask(waiting.iban))
    return waiting


def reveal(user: User, application: GrantApplication) -> GrantBankAccount | None:
    """The full account for staff of the gemeente; the view is written in the audit log (caller commits)."""
    if not is_staff(user, application.round.gemeente_code):
        raise NotAllowed()
    account = account_of(application)
    if account is None or account.iban is None:
        return None
    audit.record(user, "bank_details_viewed", application=application, iban=mask(account.iban))
    return account


def retention_months() -> int:
    value = current_app.config.get("GRANTS_BANK_DETAILS_RETENTION_MONTHS") or DEFAULT_RETENTION_MONTHS
    return max(1, int(value))


def months_before(day: date, months: int) -> date:
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    for last in (day.day, 30, 29, 28):
        try:
            return date(year, month + 1, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover


def purge(today: date, months: int | None = None, now: datetime | None = None) -> int:
    """Remove the bank details (and the payment files holding them) of grants paid more than `months` ago.
    Returns the number of grants cleaned. The caller commits."""
    months = retention_months() if months is None else months
    limit = months_before(today, months)
    now = now or utcnow()
    accounts = db.session.scalars(
        select(GrantBankAccount).join(GrantApplication, GrantApplication.id == GrantBankAccount.application_id)
        .where(GrantApplication.status == m.PAID, GrantApplication.paid_on < limit,
               GrantBankAccount.purged_at.is_(None)).order_by(GrantBankAccount.id)).all()
    cleaned: set[int] = set()
    for account in accounts:
        account.iban = account.bic = account.holder = None
        account.purged_at = now
        cleaned.add(account.application_id)
    for batch in db.session.scalars(select(GrantPaymentBatch).where(
            GrantPaymentBatch.file.is_not(None),
            ((GrantPaymentBatch.status == m.BATCH_PAID) & (GrantPaymentBatch.paid_on < limit))
            | ((GrantPaymentBatch.status == m.BATCH_CANCELLED) & (GrantPaymentBatch.execution_date < limit)))):
        batch.file = None
    db.session.flush()
    for application_id in sorted(cleaned):
        application = db.session.get(GrantApplication, application_id)
        if application is not None:
            audit.record(None, "bank_details_removed", application=application, months=months)
    return len(cleaned)
