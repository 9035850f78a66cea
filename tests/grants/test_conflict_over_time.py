"""Issue 10, finding 5: whoever co-owned or applied for an initiative in the last 12 months may not decide
on its applications, also after leaving it (leave, approve, rejoin)."""
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, text

from tests.grants.test_authz import snapshot
from webapp.domain_errors import NotAllowed
from webapp.extensions import db
from webapp.grants import models as m
from webapp.grants import services as svc
from webapp.stewardship import services as stewardship
from webapp.stewardship.models import OwnershipHistory
from webapp.stewardship.ownership_history import was_owner_since


@pytest.fixture
def former_owner(staff, initiative):
    """`staff` co-owned the initiative and left it."""
    stewardship.add_owner(initiative, staff)
    db.session.commit()
    stewardship.leave(staff, initiative)
    db.session.commit()
    assert not stewardship.is_owner(staff, initiative)
    return staff


def test_staff_who_left_the_initiative_cannot_approve_its_application(client, login, owner, former_owner,
                                                                      grant_round, initiative, make_application):
    application = make_application(owner, grant_round, initiative, 30_000)
    login(client, former_owner)
    page = client.get(f"/startbijdragen/aanvraag/{application.id}").get_data(as_text=True)
    assert "in de afgelopen 12 maanden mede-beheerder" in page and "Besluit opslaan" not in page
    before = snapshot()
    response = client.post(f"/startbijdragen/aanvraag/{application.id}/besluit",
                           data={"decision": "approve", "reason": "Prima."})
    assert response.status_code == 403
    assert snapshot() == before
    assert db.session.get(m.GrantApplication, application.id).status == m.SUBMITTED
    api = client.post(f"/api/v1/startbijdragen/aanvragen/{application.id}/besluit",
                      json={"decision": "approve", "reason": "Prima."})
    assert api.status_code == 403 and snapshot() == before
    # ... and rejoining afterwards changes nothing either
    stewardship.add_owner(initiative, former_owner)
    db.session.commit()
    assert not svc.can_decide(former_owner, application)


@pytest.mark.parametrize("action", ["approve", "reject", "confirm", "revoke", "payout", "refund"])
def test_former_owner_may_take_no_decision(action, owner, former_owner, staff2, make_round, initiative,
                                           make_application):
    grant_round = make_round(max_amount_cents=250_000, four_eyes_cents=100_000)
    amount = 150_000 if action == "confirm" else 40_000
    application = make_application(owner, grant_round, initiative, amount)
    if action == "confirm":
        svc.decide(staff2, application, "approve", "Eerste handtekening.")  # provisional
    if action in ("revoke", "payout", "refund"):
        svc.decide(staff2, application, "approve", "Goed.")
    if action == "refund":
        svc.record_payout(staff2, application, svc.local_today(), "BP-1")
    db.session.commit()
    status = application.status
    before = snapshot()
    with pytest.raises(NotAllowed):
        if action in ("approve", "confirm"):
            svc.decide(former_owner, application, "approve", "Ja.")
        elif action == "reject":
            svc.decide(former_owner, application, "reject", "Nee.")
        elif action == "revoke":
            svc.revoke(former_owner, application, "Toch niet.")
        elif action == "payout":
            svc.record_payout(former_owner, application, svc.local_today(), "BP-2")
        else:
            svc.record_refund(former_owner, application, 1_000, svc.local_today(), "Terug.")
    db.session.rollback()
    assert snapshot() == before and db.session.get(m.GrantApplication, application.id).status == status


@pytest.mark.parametrize("path, data", [
    ("besluit", {"decision": "reject", "reason": "Nee."}),
    ("toekenning-intrekken", {"revoke_reason": "Toch niet."}),
    ("uitbetaling", {"paid_on": "2026-01-01", "reference": "BP-3"}),
])
def test_former_owner_gets_403_on_every_decision_page(client, login, owner, former_owner, staff2, grant_round,
                                                       initiative, make_application, path, data):
    application = make_application(owner, grant_round, initiative, 30_000)
    if path != "besluit":
        svc.decide(staff2, application, "approve", "Goed.")
        db.session.commit()
    login(client, former_owner)
    before = snapshot()
    assert client.post(f"/startbijdragen/aanvraag/{application.id}/{path}", data=data).status_code == 403
    assert snapshot() == before


def test_ownership_ended_more_than_12_months_ago_no_longer_counts(owner, former_owner, grant_round, initiative,
                                                                  make_application):
    application = make_application(owner, grant_round, initiative, 30_000)
    assert not svc.can_decide(former_owner, application)
    db.session.execute(text("UPDATE ownership_history SET joined_at = now() - interval '3 years', "
                            "left_at = now() - interval '13 months' WHERE user_id = :u"), {"u": former_owner.id})
    db.session.commit()
    assert svc.can_decide(former_owner, application)
    svc.decide(former_owner, application, "approve", "Goed plan.")
    db.session.commit()
    assert application.status == m.APPROVED


def test_who_applied_for_the_initiative_in_the_last_12_months_may_not_decide(owner, staff, staff2, make_round,
                                                                             initiative, make_application):
    first_round = make_round(name="Voorjaar")
    earlier = make_application(staff, first_round, initiative, 20_000)  # staff filled it in, on behalf
    svc.decide(staff2, earlier, "reject", "Past niet.")
    db.session.commit()
    later = make_application(owner, make_round(name="Najaar"), initiative, 20_000)
    assert not svc.can_decide(staff, later)
    with pytest.raises(NotAllowed):
        svc.decide(staff, later, "approve", "Ja.")
    db.session.rollback()
    db.session.execute(text("UPDATE grant_applications SET created_at = now() - interval '13 months' "
                            "WHERE id = :id"), {"id": earlier.id})
    db.session.commit()
    assert svc.can_decide(staff, later)


def test_history_keeps_every_join_and_leave(owner, resident, initiative):
    stewardship.add_owner(initiative, resident)
    db.session.commit()
    stewardship.leave(resident, initiative)
    db.session.commit()
    rows = db.session.scalars(select(OwnershipHistory).where(
        OwnershipHistory.subject_type == "initiative", OwnershipHistory.subject_id == initiative.id)
        .order_by(OwnershipHistory.id)).all()
    assert [(r.user_id, r.left_at is None) for r in rows] == [(owner.id, True), (resident.id, False)]
    now = datetime.now(UTC)
    assert was_owner_since(resident, initiative, now - timedelta(days=365))
    assert not was_owner_since(resident, initiative, now + timedelta(minutes=1))
    assert was_owner_since(owner, initiative, now + timedelta(days=1))  # still an owner
