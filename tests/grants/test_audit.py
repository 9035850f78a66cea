"""The audit log is append-only: written for every action, refused by the database on UPDATE/DELETE."""
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from tests.grants.conftest import audit_actions
from webapp.accounts import helper_roles
from webapp.extensions import db
from webapp.grants import models as m
from webapp.grants import services as svc


def test_every_step_is_logged_with_old_and_new_status(owner, staff, staff2, make_round, initiative,
                                                      make_application):
    grant_round = make_round(max_amount_cents=300_000)
    application = make_application(owner, grant_round, initiative, 150_000)
    svc.ask_question(staff, application, "Vraag?")
    svc.answer_question(owner, application, "Antwoord.")
    svc.decide(staff, application, "approve", "Eerste ja.")
    svc.decide(staff2, application, "approve", "Tweede ja.")
    svc.record_payout(staff, application, svc.local_today(), "BP-9")
    db.session.commit()
    entries = svc.audit_log(application)
    assert [(e.action, e.old_status, e.new_status) for e in entries] == [
        ("draft_created", None, "draft"), ("submitted", "draft", "submitted"),
        ("question_asked", "submitted", "submitted"), ("question_answered", "submitted", "submitted"),
        ("approved_provisionally", "submitted", "provisional"), ("approved", "provisional", "approved"),
        ("paid", "approved", "paid")]
    assert [e.actor_id for e in entries] == [owner.id, owner.id, staff.id, owner.id, staff.id, staff2.id, staff.id]
    assert entries[-1].details["reference"] == "BP-9"
    round_entries = db.session.scalars(select(m.GrantAuditEntry).where(
        m.GrantAuditEntry.round_id == grant_round.id, m.GrantAuditEntry.application_id.is_(None))).all()
    assert [e.action for e in round_entries] == ["round_created", "round_change_proposed", "round_change_confirmed"]


def test_update_of_audit_row_fails(owner, grant_round, initiative, make_application):
    make_application(owner, grant_round, initiative)
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.execute(text("UPDATE grant_audit_log SET action = 'nothing happened'"))
    db.session.rollback()


def test_delete_of_audit_row_fails(owner, grant_round, initiative, make_application):
    make_application(owner, grant_round, initiative)
    before = db.session.scalar(select(func.count()).select_from(m.GrantAuditEntry))
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.execute(text("DELETE FROM grant_audit_log"))
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(m.GrantAuditEntry)) == before > 0


def test_orm_update_of_audit_entry_fails(owner, grant_round, initiative, make_application):
    application = make_application(owner, grant_round, initiative)
    entry = svc.audit_log(application)[0]
    entry.new_status = "approved"
    with pytest.raises(DBAPIError):
        db.session.flush()
    db.session.rollback()
    assert audit_actions(application)[:1] == ["draft_created"]


def test_helper_grant_is_logged(staff, resident):
    helper_roles.grant_helper(staff, "GM0363", resident.email)
    db.session.commit()
    entry = db.session.scalars(select(m.GrantAuditEntry).where(m.GrantAuditEntry.action == "helper_granted")).one()
    assert entry.gemeente_code == "GM0363" and entry.details["helper_id"] == resident.id
