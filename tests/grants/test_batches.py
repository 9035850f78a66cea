"""Payment batches: a valid pain.001.001.03 file (checked with lxml against the XSD sepaxml ships), sum and
count right, a grant never in two open batches, four eyes on "paid", the budget bookkeeping right."""
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import sepaxml
from lxml import etree
from sqlalchemy import func, select

from tests.grants.conftest import audit_actions
from tests.grants.payment_helpers import GEMEENTE_IBAN, IBANS, approved_grant, with_debtor
from webapp.domain_errors import Conflict, NotAllowed
from webapp.extensions import db
from webapp.grants import models as m
from webapp.grants import services as svc
from webapp.grants.services import batches

XSD = Path(sepaxml.__file__).parent / "schemas" / "pain.001.001.03.xsd"
NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}


def _three(make_initiative, make_application, owner, staff, grant_round):
    return [approved_grant(make_initiative, make_application, owner, staff, grant_round, amount=amount,
                           iban=IBANS[i], title=f"Initiatief {i}", holder=f"Stichting {i}")
            for i, amount in enumerate((30_000, 12_345, 45_050))]


def _fresh(model, id_):
    db.session.expire_all()
    return db.session.get(model, id_)


def test_batch_of_three_is_a_valid_pain_001_with_right_sum_and_count(owner, staff, grant_round, make_initiative,
                                                                     make_application):
    with_debtor(grant_round)
    grants = _three(make_initiative, make_application, owner, staff, grant_round)
    batch = batches.create_batch(staff, "GM0363", [g.id for g in grants], svc.local_today())
    db.session.commit()
    schema = etree.XMLSchema(etree.parse(str(XSD)))
    doc = etree.fromstring(batch.file)
    schema.assertValid(doc)
    assert doc.findtext("p:CstmrCdtTrfInitn/p:GrpHdr/p:NbOfTxs", namespaces=NS) == "3"
    assert Decimal(doc.findtext("p:CstmrCdtTrfInitn/p:GrpHdr/p:CtrlSum", namespaces=NS)) == Decimal("873.95")
    amounts = [Decimal(a.text) for a in doc.iterfind(".//p:CdtTrfTxInf/p:Amt/p:InstdAmt", namespaces=NS)]
    assert sum(amounts) == Decimal("873.95") and len(amounts) == 3
    assert doc.findtext(".//p:PmtInf/p:DbtrAcct/p:Id/p:IBAN", namespaces=NS) == GEMEENTE_IBAN
    assert doc.findtext(".//p:PmtInf/p:Dbtr/p:Nm", namespaces=NS) == "Gemeente Amsterdam"
    creditors = [e.text for e in doc.iterfind(".//p:CdtrAcct/p:Id/p:IBAN", namespaces=NS)]
    assert sorted(creditors) == sorted(IBANS[:3])
    texts = [e.text for e in doc.iterfind(".//p:RmtInf/p:Ustrd", namespaces=NS)]
    assert sorted(texts) == sorted(f"Startbijdrage {grant_round.name} {g.id}" for g in grants)
    e2e = [e.text for e in doc.iterfind(".//p:PmtId/p:EndToEndId", namespaces=NS)]
    assert len(set(e2e)) == 3 and all(len(x) <= 35 for x in e2e)
    assert batch.count == 3 and batch.total_cents == 87_395
    assert all(_fresh(m.GrantApplication, g.id).status == m.IN_PAYMENT for g in grants)


def test_a_grant_is_never_in_two_open_batches(owner, staff, staff2, grant_round, make_initiative,
                                              make_application):
    with_debtor(grant_round)
    grants = _three(make_initiative, make_application, owner, staff, grant_round)
    batches.create_batch(staff, "GM0363", [grants[0].id, grants[1].id], svc.local_today())
    db.session.commit()
    with pytest.raises(Conflict):
        batches.create_batch(staff2, "GM0363", [grants[1].id, grants[2].id], svc.local_today())
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(m.GrantPaymentBatch)) == 1
    assert _fresh(m.GrantApplication, grants[2].id).status == m.APPROVED


def test_the_database_refuses_a_second_open_item(owner, staff, grant_round, make_initiative, make_application):
    with_debtor(grant_round)
    grants = _three(make_initiative, make_application, owner, staff, grant_round)
    batch = batches.create_batch(staff, "GM0363", [grants[0].id], svc.local_today())
    db.session.commit()
    db.session.add(m.GrantPaymentItem(batch_id=batch.id, application_id=grants[0].id, amount_cents=1,
                                      end_to_end_id="X"))
    with pytest.raises(Exception, match="uq_grant_payment_items_open"):
        db.session.flush()
    db.session.rollback()


def test_creator_cannot_mark_paid_another_can(owner, staff, staff2, grant_round, make_initiative,
                                              make_application):
    with_debtor(grant_round)
    grants = _three(make_initiative, make_application, owner, staff, grant_round)
    batch = batches.create_batch(staff, "GM0363", [g.id for g in grants], svc.local_today())
    db.session.commit()
    with pytest.raises(NotAllowed):
        batches.mark_batch_paid(staff, batch, svc.local_today())
    db.session.rollback()
    assert _fresh(m.GrantPaymentBatch, batch.id).status == m.BATCH_OPEN
    # Also the database: the CHECK paid_by_another.
    batch = _fresh(m.GrantPaymentBatch, batch.id)
    batch.status, batch.paid_on, batch.closed_by_id = m.BATCH_PAID, svc.local_today(), staff.id
    with pytest.raises(Exception, match="paid_by_another"):
        db.session.flush()
    db.session.rollback()
    batch = _fresh(m.GrantPaymentBatch, batch.id)
    batches.mark_batch_paid(staff2, batch, svc.local_today())
    db.session.commit()
    grant_round = _fresh(m.GrantRound, grant_round.id)
    assert grant_round.paid_cents == 87_395 == grant_round.committed_cents
    for g in grants:
        stored = _fresh(m.GrantApplication, g.id)
        assert stored.status == m.PAID and stored.paid_on == svc.local_today()
        assert "paid" in audit_actions(stored)
    assert not db.session.scalar(select(func.count()).select_from(m.GrantPaymentItem)
                                 .where(m.GrantPaymentItem.open.is_(True)))


def test_paid_date_rules(owner, staff, staff2, grant_round, make_initiative, make_application):
    with_debtor(grant_round)
    grant = approved_grant(make_initiative, make_application, owner, staff, grant_round, iban=IBANS[0])
    batch = batches.create_batch(staff, "GM0363", [grant.id], svc.local_today())
    db.session.commit()
    for day in (svc.local_today() + timedelta(days=1), svc.local_today() - timedelta(days=3), None):
        with pytest.raises(svc.GrantError):
            batches.mark_batch_paid(staff2, batch, day)
        db.session.rollback()
    assert _fresh(m.GrantPaymentBatch, batch.id).status == m.BATCH_OPEN


def test_cancel_puts_grants_back_and_they_can_be_paid_again(owner, staff, staff2, grant_round, make_initiative,
                                                            make_application):
    with_debtor(grant_round)
    grant = approved_grant(make_initiative, make_application, owner, staff, grant_round, iban=IBANS[0])
    batch = batches.create_batch(staff, "GM0363", [grant.id], svc.local_today())
    db.session.commit()
    batches.cancel_batch(staff2, batch)
    db.session.commit()
    assert _fresh(m.GrantApplication, grant.id).status == m.APPROVED
    again = batches.create_batch(staff, "GM0363", [grant.id], svc.local_today())
    db.session.commit()
    assert again.status == m.BATCH_OPEN


def test_no_batch_without_account_or_debtor_or_with_a_waiting_change(owner, staff, grant_round, make_initiative,
                                                                     make_application):
    no_account = approved_grant(make_initiative, make_application, owner, staff, grant_round, title="Zonder")
    with_account = approved_grant(make_initiative, make_application, owner, staff, grant_round, iban=IBANS[0],
                                  title="Met")
    with pytest.raises(svc.GrantError):  # the round has no account of the gemeente yet
        batches.create_batch(staff, "GM0363", [with_account.id], svc.local_today())
    db.session.rollback()
    with_debtor(grant_round)
    with pytest.raises(svc.GrantError):
        batches.create_batch(staff, "GM0363", [no_account.id], svc.local_today())
    db.session.rollback()
    svc.bank.save(owner, with_account, IBANS[1], "Boef")
    db.session.commit()
    with pytest.raises(svc.GrantError):
        batches.create_batch(staff, "GM0363", [with_account.id], svc.local_today())
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(m.GrantPaymentBatch)) == 0


def test_account_cannot_change_while_in_payment(owner, staff, grant_round, make_initiative, make_application):
    with_debtor(grant_round)
    grant = approved_grant(make_initiative, make_application, owner, staff, grant_round, iban=IBANS[0])
    batches.create_batch(staff, "GM0363", [grant.id], svc.local_today())
    db.session.commit()
    with pytest.raises(svc.GrantError):
        svc.bank.save(owner, grant, IBANS[1], "Boef")
    db.session.rollback()
    with pytest.raises(svc.GrantError):  # nor revoked or paid by hand
        svc.revoke(staff, _fresh(m.GrantApplication, grant.id), "Toch niet.")
    db.session.rollback()


def test_wrong_people_cannot_make_batches(owner, resident, staff_utrecht, staff, grant_round, make_initiative,
                                          make_application):
    with_debtor(grant_round)
    grant = approved_grant(make_initiative, make_application, owner, staff, grant_round, iban=IBANS[0])
    for person in (owner, resident, staff_utrecht):
        with pytest.raises(NotAllowed):
            batches.create_batch(person, "GM0363", [grant.id], svc.local_today())
        db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(m.GrantPaymentBatch)) == 0
