"""Deciding: reasons, lower amounts, four-eyes, conflicts of interest, the thread, payout, revoke, withdraw."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.grants.conftest import audit_actions
from webapp.domain_errors import NotAllowed
from webapp.extensions import db
from webapp.grants import models as m
from webapp.grants import services as svc
from webapp.mail.models import OutboxMail


def _round(grant_round):
    db.session.expire_all()
    return db.session.get(m.GrantRound, grant_round.id)


def test_approve_full_amount_with_reason(owner, staff, grant_round, initiative, make_application):
    application = make_application(owner, grant_round, initiative, 30_000)
    svc.decide(staff, application, "approve", "Goed plan voor de hele straat.")
    db.session.commit()
    assert application.status == m.APPROVED and application.granted_cents == 30_000
    assert _round(grant_round).committed_cents == 30_000
    mail = db.session.scalars(select(OutboxMail).where(OutboxMail.kind == "grants.decision")).one()
    assert "Goed plan voor de hele straat." in mail.body and mail.to_address == owner.email


def test_approve_lower_amount(owner, staff, grant_round, initiative, make_application):
    application = make_application(owner, grant_round, initiative, 30_000)
    svc.decide(staff, application, "approve", "De soep betalen wij niet.", amount_cents=25_000)
    db.session.commit()
    assert application.granted_cents == 25_000 and _round(grant_round).committed_cents == 25_000


def test_cannot_approve_more_than_asked(owner, staff, grant_round, initiative, make_application):
    application = make_application(owner, grant_round, initiative, 30_000)
    with pytest.raises(svc.GrantError) as info:
        svc.decide(staff, application, "approve", "Meer mag.", amount_cents=30_001)
    assert "amount" in info.value.errors


@pytest.mark.parametrize("decision", ["approve", "reject"])
def test_reason_required(owner, staff, grant_round, initiative, make_application, decision):
    application = make_application(owner, grant_round, initiative)
    with pytest.raises(svc.GrantError) as info:
        svc.decide(staff, application, decision, "   ")
    assert "reason" in info.value.errors
    db.session.rollback()
    assert db.session.get(m.GrantApplication, application.id).status == m.SUBMITTED


def test_reject_with_reason(owner, staff, grant_round, initiative, make_application):
    application = make_application(owner, grant_round, initiative)
    svc.decide(staff, application, "reject", "Dit is een commerciële activiteit.")
    db.session.commit()
    assert application.status == m.REJECTED and application.decision_reason == "Dit is een commerciële activiteit."
    assert _round(grant_round).committed_cents == 0


def test_cannot_decide_twice(owner, staff, grant_round, initiative, make_application):
    application = make_application(owner, grant_round, initiative)
    svc.decide(staff, application, "reject", "Nee.")
    db.session.commit()
    with pytest.raises(svc.GrantError, match="al besloten"):
        svc.decide(staff, application, "approve", "Toch ja.")


def test_four_eyes_above_threshold(owner, staff, staff2, make_round, initiative, make_application):
    grant_round = make_round(max_amount_cents=300_000, four_eyes_cents=100_000)
    application = make_application(owner, grant_round, initiative, 150_000)
    svc.decide(staff, application, "approve", "Sterk plan.")
    db.session.commit()
    assert application.status == m.PROVISIONAL and application.first_approver_id == staff.id
    assert _round(grant_round).committed_cents == 150_000  # reserved: a confirmation can never fail for money
    with pytest.raises(svc.GrantError, match="andere medewerker"):
        svc.decide(staff, application, "approve", "Nog een keer ik.")
    db.session.rollback()
    svc.decide(staff2, application, "approve", "Eens, bevestigd.", amount_cents=120_000)
    db.session.commit()
    assert application.status == m.APPROVED and application.decided_by_id == staff2.id
    assert application.granted_cents == 120_000 and _round(grant_round).committed_cents == 120_000
    assert audit_actions(application)[-2:] == ["approved_provisionally", "approved"]


def test_four_eyes_second_staff_rejects(owner, staff, staff2, make_round, initiative, make_application):
    grant_round = make_round(max_amount_cents=300_000, four_eyes_cents=100_000)
    application = make_application(owner, grant_round, initiative, 150_000)
    svc.decide(staff, application, "approve", "Sterk plan.")
    svc.decide(staff2, application, "reject", "Te duur voor wat het is.")
    db.session.commit()
    assert application.status == m.REJECTED and _round(grant_round).committed_cents == 0


def test_at_threshold_one_approval_is_enough(owner, staff, make_round, initiative, make_application):
    grant_round = make_round(max_amount_cents=300_000, four_eyes_cents=100_000)
    application = make_application(owner, grant_round, initiative, 100_000)
    svc.decide(staff, application, "approve", "Prima.")
    assert application.status == m.APPROVED


def test_nobody_decides_on_what_they_submitted(owner, staff, grant_round, initiative, make_application):
    application = make_application(staff, grant_round, initiative)  # staff applied on the owner's behalf
    assert not svc.can_decide(staff, application)
    with pytest.raises(NotAllowed):
        svc.decide(staff, application, "approve", "Mijn eigen aanvraag.")
    with pytest.raises(NotAllowed):
        svc.record_payout(staff, application, svc.local_today(), "REF")


def test_staff_owner_of_initiative_cannot_decide(staff, grant_round, make_initiative, make_application):
    own = make_initiative(staff, title="Initiatief van de medewerker zelf")
    application = make_application(staff, grant_round, own)
    with pytest.raises(NotAllowed):
        svc.decide(staff, application, "approve", "Ik keur mezelf goed.")


@pytest.mark.parametrize("who", ["staff_utrecht", "owner", "resident", "helper"])
def test_only_staff_of_the_gemeente_decides(request, who, owner, grant_round, initiative, make_application):
    application = make_application(owner, grant_round, initiative)
    with pytest.raises(NotAllowed):
        svc.decide(request.getfixturevalue(who), application, "approve", "Ja.")
    assert db.session.get(m.GrantApplication, application.id).status == m.SUBMITTED


def test_question_and_answer_thread(owner, staff, grant_round, initiative, make_application, resident):
    application = make_application(owner, grant_round, initiative)
    svc.ask_question(staff, application, "Hoeveel mensen verwacht u?")
    db.session.commit()
    assert application.awaiting_answer
    question_mail = db.session.scalars(select(OutboxMail).where(OutboxMail.kind == "grants.question")).one()
    assert question_mail.to_address == owner.email and "Hoeveel mensen" in question_mail.body
    with pytest.raises(NotAllowed):
        svc.answer_question(resident, application, "Ik ben niet de aanvrager.")
    with pytest.raises(NotAllowed):
        svc.ask_question(owner, application, "Kan ik mezelf iets vragen?")
    svc.answer_question(owner, application, "Ongeveer veertig.")
    db.session.commit()
    assert not application.awaiting_answer
    assert [msg.kind for msg in svc.thread(application)] == ["question", "answer"]
    answer_mail = db.session.scalars(select(OutboxMail).where(OutboxMail.kind == "grants.answer")).one()
    assert answer_mail.to_address == staff.email
    assert audit_actions(application)[-2:] == ["question_asked", "question_answered"]


def test_payout_bookkeeping(owner, staff, grant_round, initiative, make_application):
    application = make_application(owner, grant_round, initiative, 30_000)
    with pytest.raises(svc.GrantError):
        svc.record_payout(staff, application, svc.local_today(), "REF-1")  # not approved yet
    db.session.rollback()
    svc.decide(staff, application, "approve", "Goed.", amount_cents=20_000)
    with pytest.raises(svc.GrantError) as info:
        svc.record_payout(staff, application, svc.local_today() + timedelta(days=1), "")
    assert {"paid_on", "reference"} <= set(info.value.errors)
    svc.record_payout(staff, application, svc.local_today(), "BP-2026-0001")
    db.session.commit()
    grant_round = _round(grant_round)
    assert application.status == m.PAID and application.payment_reference == "BP-2026-0001"
    assert grant_round.paid_cents == 20_000 and grant_round.committed_cents == 20_000
    assert svc.round_totals(grant_round) == {"budget_cents": 4_000_000, "granted_cents": 20_000,
                                             "paid_cents": 20_000, "committed_cents": 20_000,
                                             "remaining_cents": 3_980_000, "provisional_cents": 0,
                                             "in_payment_cents": 0, "refunded_cents": 0}
    with pytest.raises(svc.GrantError):
        svc.revoke(staff, application, "Te laat.")
    with pytest.raises(svc.GrantError):
        svc.withdraw(owner, application)


def test_withdraw_after_approval_returns_money(owner, staff, grant_round, initiative, make_application):
    application = make_application(owner, grant_round, initiative, 30_000)
    svc.decide(staff, application, "approve", "Goed.")
    db.session.commit()
    svc.withdraw(owner, application)
    db.session.commit()
    assert application.status == m.WITHDRAWN and application.reserved_cents == 0
    assert _round(grant_round).committed_cents == 0


def test_withdraw_provisional_returns_reserved_money(owner, staff, make_round, initiative, make_application):
    grant_round = make_round(max_amount_cents=300_000)
    application = make_application(owner, grant_round, initiative, 200_000)
    svc.decide(staff, application, "approve", "Goed.")
    svc.withdraw(owner, application)
    db.session.commit()
    assert _round(grant_round).committed_cents == 0


def test_budget_exceeded_is_refused(owner, staff, make_round, make_initiative, make_application):
    grant_round = make_round(budget_cents=50_000, max_amount_cents=30_000)
    first = make_application(owner, grant_round, make_initiative(owner, title="Een"), 30_000)
    second = make_application(owner, grant_round, make_initiative(owner, title="Twee"), 30_000)
    svc.decide(staff, first, "approve", "Ja.")
    db.session.commit()
    with pytest.raises(svc.BudgetExceeded, match="200,00"):
        svc.decide(staff, second, "approve", "Ook ja.")
    db.session.rollback()
    assert db.session.get(m.GrantApplication, second.id).status == m.SUBMITTED
    svc.decide(staff, second, "approve", "Dan wat minder.", amount_cents=20_000)
    db.session.commit()
    assert _round(grant_round).committed_cents == 50_000


def test_database_check_refuses_overspend_without_the_service(grant_round):
    """The CHECK constraint on the round row holds even for code that skips the service."""
    from sqlalchemy import text
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError):
        db.session.execute(text("UPDATE grant_rounds SET committed_cents = budget_cents + 1 WHERE id = :id"),
                           {"id": grant_round.id})
    db.session.rollback()
    with pytest.raises(IntegrityError):
        db.session.execute(text("UPDATE grant_rounds SET paid_cents = committed_cents + 1 WHERE id = :id"),
                           {"id": grant_round.id})
    db.session.rollback()


def test_budget_cannot_drop_below_committed(owner, staff, grant_round, initiative, make_application):
    application = make_application(owner, grant_round, initiative, 30_000)
    svc.decide(staff, application, "approve", "Ja.")
    db.session.commit()
    data = {k: getattr(grant_round, k) for k in svc.ROUND_FIELDS}
    data["budget_cents"] = 29_999
    with pytest.raises(svc.GrantError) as info:
        svc.update_round(staff, grant_round, data)
    assert "budget_cents" in info.value.errors


def test_days_left_and_overdue(owner, grant_round, initiative, make_application):
    application = make_application(owner, grant_round, initiative)
    today = svc.local_today()
    assert svc.days_left(application, today) == 14
    assert svc.days_left(application, today + timedelta(days=20)) == -6
