"""Payment batches: staff put approved grants in a SEPA file, the bank pays, another staff member marks it paid.

- Creating a batch puts its grants "in betaling" (`in_payment`). A grant is in at most one open batch:
  the service locks round and application rows (in that order) and checks the status, and behind that the
  partial unique index `uq_grant_payment_items_open` refuses a second open item for the same grant.
- Marking the batch paid (with the bank's date) pays every grant in it through the one payout bookkeeping
  (`payouts.mark_paid`: the round's `paid_cents`, under the round lock; CHECKs keep paid <= committed <=
  budget). Four eyes: the creator of the batch cannot mark it paid (service, and CHECK `paid_by_another`).
- Cancelling an open batch (e.g. the bank refused the file) puts its grants back to "toegekend".
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from webapp.accounts.models import User
from webapp.domain_errors import Conflict, NotAllowed, NotFound
from webapp.extensions import db
from webapp.grants import models as m
from webapp.grants.models import GrantApplication, GrantPaymentBatch, GrantPaymentItem, GrantRound
from webapp.grants.services import audit, sepa
from webapp.grants.services.bank import account_of, check_iban
from webapp.grants.services.budget import lock_application, lock_round
from webapp.grants.services.clock import utcnow
from webapp.grants.services.errors import GrantError
from webapp.grants.services.payouts import mark_paid
from webapp.grants.services.permissions import can_decide, is_staff
from webapp.i18n import local_today

MAX_ITEMS = 500


def payable(gemeente_code: str, round_id: int | None = None) -> list[GrantApplication]:
    """Approved grants of the gemeente (of one round, or all) that are not in a payment yet."""
    stmt = (select(GrantApplication).join(GrantRound, GrantRound.id == GrantApplication.round_id)
            .where(GrantRound.gemeente_code == gemeente_code, GrantApplication.status == m.APPROVED)
            .order_by(GrantApplication.decided_at, GrantApplication.id))
    if round_id is not None:
        stmt = stmt.where(GrantApplication.round_id == round_id)
    return list(db.session.scalars(stmt).unique())


def batches_of(gemeente_code: str) -> list[GrantPaymentBatch]:
    return list(db.session.scalars(select(GrantPaymentBatch).where(GrantPaymentBatch.gemeente_code == gemeente_code)
                                   .order_by(GrantPaymentBatch.id.desc())))


def open_batch_of(application: GrantApplication) -> GrantPaymentBatch | None:
    return db.session.scalar(select(GrantPaymentBatch).join(GrantPaymentItem).where(
        GrantPaymentItem.application_id == application.id, GrantPaymentItem.open.is_(True)))


def _lock_batch(batch_id: int) -> GrantPaymentBatch:
    return db.session.execute(select(GrantPaymentBatch).where(GrantPaymentBatch.id == batch_id)
                              .with_for_update(of=GrantPaymentBatch)
                              .execution_options(populate_existing=True)).unique().scalar_one()


def _lock_all(application_ids: list[int]) -> tuple[dict[int, GrantRound], list[GrantApplication]]:
    """Rounds first (by id), then the applications (by id): the house lock order, so no deadlocks."""
    round_ids = sorted(set(db.session.scalars(select(GrantApplication.round_id)
                                              .where(GrantApplication.id.in_(application_ids)))))
    rounds = {rid: lock_round(rid) for rid in round_ids}
    return rounds, [lock_application(aid) for aid in sorted(application_ids)]


def _check_execution_date(execution_date: date | None, now: datetime | None) -> date:
    today = local_today(now)
    if execution_date is None:
        raise GrantError(_("Vul de datum in waarop de bank moet betalen."), field="execution_date")
    if execution_date < today:
        raise GrantError(_("De datum van betalen kan niet in het verleden liggen."), field="execution_date")
    if execution_date > today + timedelta(days=365):
        raise GrantError(_("Kies een datum binnen een jaar."), field="execution_date")
    return execution_date


def create_batch(user: User, gemeente_code: str, application_ids: list[int], execution_date: date | None,
                 round_id: int | None = None, now: datetime | None = None) -> GrantPaymentBatch:
    """A SEPA file for the chosen approved grants; they become "in betaling". The caller commits."""
    if not is_staff(user, gemeente_code):
        raise NotAllowed()
    ids = sorted(set(application_ids))
    if not ids:
        raise GrantError(_("Kies minstens één startbijdrage."), field="applications")
    if len(ids) > MAX_ITEMS:
        raise GrantError(_("Hoogstens %(n)s startbijdragen in één betaling.", n=MAX_ITEMS), field="applications")
    execution_date = _check_execution_date(execution_date, now)
    found = list(db.session.scalars(select(GrantApplication).where(GrantApplication.id.in_(ids))).unique())
    if len(found) != len(ids) or any(a.round.gemeente_code != gemeente_code for a in found) or (
            round_id is not None and any(a.round_id != round_id for a in found)):
        raise NotFound(_("Een van de gekozen startbijdragen bestaat niet (meer) in deze gemeente."))
    if not all(can_decide(user, a) for a in found):
        raise NotAllowed(_("U mag een van deze startbijdragen niet betalen: u bent er zelf bij betrokken."))
    rounds, applications = _lock_all(ids)
    for application in applications:
        if application.status != m.APPROVED:
            raise Conflict(_("Startbijdrage %(n)s kan niet in deze betaling: die is al in betaling, betaald of niet "
                             "meer toegekend.", n=application.id), field="applications")
        account = account_of(application)
        if account is None or account.iban is None or account_of(application, m.BANK_PENDING) is not None:
            raise GrantError(_("Startbijdrage %(n)s heeft nog geen bevestigd rekeningnummer.", n=application.id),
                             field="applications")
    debtors = {(r.debtor_name, r.debtor_iban, r.debtor_bic) for r in rounds.values()}
    if len(debtors) != 1 or not all(next(iter(debtors))[:2]):
        raise GrantError(_("Vul eerst de rekening van de gemeente in bij de regeling. Alle gekozen startbijdragen "
                           "moeten van dezelfde rekening worden betaald."), field="applications")
    debtor_name, debtor_iban, debtor_bic = next(iter(debtors))
    check_iban(debtor_iban)
    total = sum(a.reserved_cents for a in applications)
    batch = GrantPaymentBatch(gemeente_code=gemeente_code, round_id=round_id, msg_id="-", debtor_name=debtor_name,
                              debtor_iban=debtor_iban, debtor_bic=debtor_bic, execution_date=execution_date,
                              count=len(applications), total_cents=total, created_by_id=user.id)
    db.session.add(batch)
    db.session.flush()
    transfers = []
    for application in applications:
        account = account_of(application)
        assert account is not None and account.iban is not None and account.holder is not None
        e2e = sepa.end_to_end_id(batch.id, application.id)
        db.session.add(GrantPaymentItem(batch_id=batch.id, application_id=application.id,
                                        amount_cents=application.reserved_cents, end_to_end_id=e2e))
        transfers.append(sepa.Transfer(name=account.holder, iban=account.iban, bic=account.bic or "",
                                       amount_cents=application.reserved_cents, end_to_end_id=e2e,
                                       remittance=sepa.remittance(rounds[application.round_id].name, application.id)))
        application.status = m.IN_PAYMENT
    try:
        db.session.flush()
    except IntegrityError as exc:  # the partial unique index: already in another open batch
        raise Conflict(_("Een van deze startbijdragen zit al in een andere betaling."), field="applications") from exc
    batch.msg_id, batch.file = sepa.build(debtor_name, debtor_iban, debtor_bic, execution_date, transfers)
    db.session.flush()
    for application in applications:
        audit.record(user, "payment_batch_added", application=application, old=m.APPROVED, new=m.IN_PAYMENT,
                     batch_id=batch.id, amount_cents=application.reserved_cents)
    audit.record(user, "payment_batch_created", gemeente_code=gemeente_code, batch_id=batch.id,
                 count=batch.count, amount_cents=total)
    return batch


def _staff_batch(user: User, batch: GrantPaymentBatch) -> GrantPaymentBatch:
    if not is_staff(user, batch.gemeente_code):
        raise NotAllowed()
    batch = _lock_batch(batch.id)
    if batch.status != m.BATCH_OPEN:
        raise Conflict(_("Deze betaling is al afgesloten."))
    return batch


def mark_batch_paid(user: User, batch: GrantPaymentBatch, paid_on: date | None,
                    now: datetime | None = None) -> GrantPaymentBatch:
    """The bank paid: every grant in the batch is paid on `paid_on`. Not by the batch's creator."""
    if is_staff(user, batch.gemeente_code) and batch.created_by_id == user.id:
        raise NotAllowed(_("U heeft deze betaling klaargezet. Een andere medewerker moet vastleggen dat de bank "
                           "heeft betaald."))
    batch = _staff_batch(user, batch)
    if paid_on is None:
        raise GrantError(_("Vul de datum in waarop de bank betaalde."), field="paid_on")
    if paid_on > local_today(now):
        raise GrantError(_("De datum van de betaling kan niet in de toekomst liggen."), field="paid_on")
    if paid_on < local_today(batch.created_at):
        raise GrantError(_("De bank kan niet betaald hebben voor %(date)s: toen is de betaling klaargezet.",
                           date=local_today(batch.created_at).strftime("%d-%m-%Y")), field="paid_on")
    if not all(can_decide(user, item.application) for item in batch.items):
        raise NotAllowed(_("U mag een van deze startbijdragen niet betalen: u bent er zelf bij betrokken."))
    rounds, applications = _lock_all([item.application_id for item in batch.items])
    by_id = {item.application_id: item for item in batch.items}
    for application in applications:
        if application.status != m.IN_PAYMENT:  # pragma: no cover - only this module changes in_payment
            raise Conflict(_("Startbijdrage %(n)s is niet meer in betaling.", n=application.id))
        item = by_id[application.id]
        mark_paid(user, rounds[application.round_id], application, paid_on, item.end_to_end_id)
        item.open = False
    batch.status, batch.paid_on, batch.closed_by_id, batch.closed_at = m.BATCH_PAID, paid_on, user.id, now or utcnow()
    db.session.flush()
    audit.record(user, "payment_batch_paid", gemeente_code=batch.gemeente_code, batch_id=batch.id,
                 paid_on=paid_on.isoformat(), count=batch.count, amount_cents=batch.total_cents)
    return batch


def cancel_batch(user: User, batch: GrantPaymentBatch, now: datetime | None = None) -> GrantPaymentBatch:
    """The file was not paid (e.g. the bank refused it): the grants are "toegekend" again."""
    batch = _staff_batch(user, batch)
    _rounds, applications = _lock_all([item.application_id for item in batch.items])
    for application in applications:
        application.status = m.APPROVED
        audit.record(user, "payment_batch_cancelled", application=application, old=m.IN_PAYMENT, new=m.APPROVED,
                     batch_id=batch.id)
    for item in batch.items:
        item.open = False
    batch.status, batch.closed_by_id, batch.closed_at = m.BATCH_CANCELLED, user.id, now or utcnow()
    db.session.flush()
    audit.record(user, "payment_batch_cancelled", gemeente_code=batch.gemeente_code, batch_id=batch.id)
    return batch


def batch_file(user: User, batch: GrantPaymentBatch) -> bytes:
    """The SEPA file (it holds full IBANs): staff of the gemeente only, and each download is logged."""
    if not is_staff(user, batch.gemeente_code):
        raise NotAllowed()
    if batch.file is None:
        raise NotFound(_("Dit bestand is weggehaald: de bewaartermijn van de rekeningnummers is voorbij."))
    audit.record(user, "payment_file_downloaded", gemeente_code=batch.gemeente_code, batch_id=batch.id)
    return batch.file
