"""Unused money paid back after payout returns to the round, exactly, under the round lock."""
from datetime import timedelta

import pytest

from tests.grants.conftest import audit_actions
from tests.grants.test_authz import snapshot
from webapp.extensions import db
from webapp.grants import models as m
from webapp.grants import services as svc


@pytest.fixture
def paid(owner, staff, grant_round, initiative, make_application):
    application = make_application(owner, grant_round, initiative, 30_000)
    svc.decide(staff, application, "approve", "Past goed.")
    svc.record_payout(staff, application, svc.local_today(), "BP-2026-0007")
    db.session.commit()
    return application


def test_refund_returns_money_to_the_round(staff, grant_round, paid):
    svc.record_refund(staff, paid, 12_550, svc.local_today(), "De zaalhuur viel lager uit.")
    db.session.commit()
    db.session.refresh(grant_round)
    assert paid.status == m.PAID and paid.refunded_cents == 12_550 and paid.net_granted_cents == 17_450
    assert svc.round_totals(grant_round) == {"budget_cents": 4_000_000, "granted_cents": 17_450,
                                             "paid_cents": 17_450, "committed_cents": 17_450,
                                             "remaining_cents": 4_000_000 - 17_450, "provisional_cents": 0,
                                             "in_payment_cents": 0, "refunded_cents": 12_550}
    assert audit_actions(paid)[-1] == "refunded"
    public = svc.public_overview("GM0363")
    amounts = [g["amount_cents"] for r in public for g in r["grants"]]
    assert amounts == [17_450]


def test_refund_limits(staff, paid, owner, grant_round, initiative, make_application):
    with pytest.raises(svc.GrantError) as info:
        svc.record_refund(staff, paid, 30_001, svc.local_today(), "Te veel.")
    assert "refund_amount" in info.value.errors
    db.session.rollback()
    with pytest.raises(svc.GrantError) as info:
        svc.record_refund(staff, paid, 0, svc.local_today() + timedelta(days=1), "")
    assert {"refund_amount", "refunded_on", "refund_reason"} <= set(info.value.errors)
    svc.record_refund(staff, paid, 30_000, svc.local_today(), "Niet doorgegaan.")
    db.session.commit()
    with pytest.raises(svc.GrantError):  # nothing left to pay back
        svc.record_refund(staff, paid, 1, svc.local_today(), "Nog een cent.")
    db.session.rollback()
    approved = make_application(owner, grant_round, initiative, 20_000)
    svc.decide(staff, approved, "approve", "Ja.")
    db.session.commit()
    with pytest.raises(svc.GrantError):  # not paid out yet: revoke or lower it instead
        svc.record_refund(staff, approved, 1_000, svc.local_today(), "Te vroeg.")


def test_refund_page_for_staff(client, login, staff, paid):
    login(client, staff)
    page = client.get(f"/startbijdragen/aanvraag/{paid.id}").get_data(as_text=True)
    assert "Terugbetaling vastleggen" in page
    bad = client.post(f"/startbijdragen/aanvraag/{paid.id}/terugbetaling",
                      data={"refund_amount": "veel", "refunded_on": "", "refund_reason": ""})
    assert bad.status_code == 400
    ok = client.post(f"/startbijdragen/aanvraag/{paid.id}/terugbetaling",
                     data={"refund_amount": "50,25", "refunded_on": svc.local_today().isoformat(),
                           "refund_reason": "Minder boodschappen nodig."})
    assert ok.status_code == 302
    db.session.refresh(paid)
    assert paid.refunded_cents == 5_025


@pytest.mark.parametrize("who", ["anonymous", "owner", "resident", "staff_utrecht", "helper"])
def test_wrong_user_cannot_record_a_refund(request, client, login, who, paid):
    user = None if who == "anonymous" else request.getfixturevalue(who)
    before = snapshot()
    if user is not None:
        login(client, user)
    response = client.post(f"/startbijdragen/aanvraag/{paid.id}/terugbetaling",
                           data={"refund_amount": "100", "refunded_on": svc.local_today().isoformat(),
                                 "refund_reason": "Zomaar."})
    assert response.status_code == (302 if who == "anonymous" else 403)
    if who == "anonymous":
        assert "/inloggen" in response.headers["Location"]
    assert snapshot() == before
