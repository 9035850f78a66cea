"""The quick lane: small first applications are approved on submit when the budget allows; staff can revoke."""
import pytest
from sqlalchemy import select

from tests.grants.conftest import audit_actions
from webapp.domain_errors import NotAllowed
from webapp.extensions import db
from webapp.grants import models as m
from webapp.grants import services as svc
from webapp.mail.models import OutboxMail


@pytest.fixture
def quick_round(make_round):
    return make_round(quick_lane_cents=25_000)


def test_small_first_application_approved_at_once(owner, quick_round, initiative, make_application):
    application = make_application(owner, quick_round, initiative, 25_000)
    assert application.status == m.APPROVED and application.quick_lane
    assert application.granted_cents == 25_000 and application.decided_at is not None
    db.session.expire_all()
    assert db.session.get(m.GrantRound, quick_round.id).committed_cents == 25_000
    assert audit_actions(application) == ["draft_created", "submitted", "quick_lane_approved"]
    assert db.session.scalars(select(OutboxMail).where(OutboxMail.kind == "grants.decision")).one()
    assert application.id in [row.id for row in svc.queue(quick_round, "quick")]
    assert application.id in [row.id for row in svc.queue(quick_round, "open")]  # staff see it in their to-do list


def test_above_quick_lane_goes_to_the_queue(owner, quick_round, initiative, make_application):
    application = make_application(owner, quick_round, initiative, 25_001)
    assert application.status == m.SUBMITTED and not application.quick_lane


def test_only_the_first_application_in_the_round(owner, staff, quick_round, initiative, make_application):
    first = make_application(owner, quick_round, initiative, 10_000)
    svc.withdraw(owner, first)
    db.session.commit()
    second = make_application(owner, quick_round, initiative, 10_000)
    assert second.status == m.SUBMITTED and not second.quick_lane


def test_quick_lane_off_when_zero(owner, make_round, initiative, make_application):
    application = make_application(owner, make_round(quick_lane_cents=0), initiative, 5_000)
    assert application.status == m.SUBMITTED


def test_quick_lane_only_when_budget_allows(owner, make_round, initiative, make_application):
    grant_round = make_round(budget_cents=20_000, max_amount_cents=20_000, quick_lane_cents=20_000,
                             four_eyes_cents=20_000)
    grant_round.committed_cents = 15_000  # pretend most of the money is gone
    db.session.commit()
    application = make_application(owner, grant_round, initiative, 10_000)
    assert application.status == m.SUBMITTED


def test_staff_revoke_before_payout_with_reason(owner, staff, quick_round, initiative, make_application):
    application = make_application(owner, quick_round, initiative, 20_000)
    with pytest.raises(svc.GrantError) as info:
        svc.revoke(staff, application, "")
    assert "reason" in info.value.errors
    with pytest.raises(NotAllowed):
        svc.revoke(owner, application, "Ik wil niet meer.")
    svc.revoke(staff, application, "Het initiatief is commercieel.")
    db.session.commit()
    assert application.status == m.REVOKED and application.revoked_reason == "Het initiatief is commercieel."
    db.session.expire_all()
    assert db.session.get(m.GrantRound, quick_round.id).committed_cents == 0
    mails = db.session.scalars(select(OutboxMail).where(OutboxMail.kind == "grants.decision")).all()
    assert any("commercieel" in mail.body for mail in mails)
