"""Issue 10, finding 4: a round's money settings change only after a SECOND staff member confirms; the quick
lane never approves more than GRANTS_QUICK_LANE_CEILING_CENTS, whatever the round row says."""
from datetime import timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from tests.grants.conftest import application_data
from tests.grants.test_authz import snapshot
from webapp.domain_errors import NotAllowed
from webapp.extensions import db
from webapp.grants import models as m
from webapp.grants import services as svc
from webapp.grants import settings_changes


@pytest.fixture
def big_round(make_round):
    """Like the demo round in Amsterdam: up to € 2.500 per application, four-eyes above € 1.000."""
    return make_round(max_amount_cents=250_000, four_eyes_cents=100_000, quick_lane_cents=25_000)


def _edit_form(grant_round, **money):
    values = {"name": grant_round.name, "criteria": grant_round.criteria,
              "opens_on": grant_round.opens_on.isoformat(), "closes_on": grant_round.closes_on.isoformat(),
              "budget_cents": "40000", "max_amount_cents": "2500", "four_eyes_cents": "1000",
              "quick_lane_cents": "250", "answer_days": "14", "own_contribution_percent": "0",
              "min_supporters": "0", "ask_supporters": "y", "district_id": "0"}
    values.update(money)
    return values


def _update(user, grant_round, **values):
    """Save the round's edit form (every field, as the form sends them) with some values changed."""
    data = {key: getattr(grant_round, key) for key in svc.ROUND_FIELDS}
    data.update(values)
    return svc.update_round(user, grant_round, data)


def _round_row(round_id):
    db.session.expire_all()
    r = db.session.get(m.GrantRound, round_id)
    return (r.budget_cents, r.max_amount_cents, r.four_eyes_cents, r.quick_lane_cents)


def _round_actions(round_id):
    return [e.action for e in db.session.scalars(select(m.GrantAuditEntry).where(
        m.GrantAuditEntry.round_id == round_id, m.GrantAuditEntry.application_id.is_(None))
        .order_by(m.GrantAuditEntry.id))]


def test_one_staff_member_raises_thresholds_but_cannot_approve_and_pay_2500_alone(
        client, login, owner, staff, big_round, initiative):
    """The attack of the issue: raise four-eyes threshold and quick lane, then approve and pay € 2.500 alone."""
    login(client, staff)
    response = client.post(f"/startbijdragen/regeling/{big_round.id}/bewerken",
                           data=_edit_form(big_round, four_eyes_cents="5000", quick_lane_cents="2500"))
    assert response.status_code in (302, 400)
    assert _round_row(big_round.id) == (4_000_000, 250_000, 100_000, 25_000)  # nothing changed yet

    application = svc.save_draft(owner, big_round, initiative, application_data(250_000))
    db.session.commit()
    svc.submit(owner, application)
    db.session.commit()
    assert application.status == m.SUBMITTED and not application.quick_lane  # not approved at once

    client.post(f"/startbijdragen/aanvraag/{application.id}/besluit",
                data={"decision": "approve", "reason": "Prima plan."})
    db.session.expire_all()
    application = db.session.get(m.GrantApplication, application.id)
    assert application.status == m.PROVISIONAL  # above the threshold: a second staff member must confirm

    before = snapshot()
    paid = client.post(f"/startbijdragen/aanvraag/{application.id}/uitbetaling",
                       data={"paid_on": svc.local_today().isoformat(), "reference": "BP-666"})
    assert paid.status_code == 400
    assert snapshot() == before
    assert db.session.get(m.GrantApplication, application.id).status == m.PROVISIONAL
    assert db.session.get(m.GrantRound, big_round.id).paid_cents == 0


def test_change_waits_shown_to_other_staff_and_takes_effect_when_confirmed(
        client, login, staff, staff2, big_round):
    _update(staff, big_round, four_eyes_cents=150_000, name="Nieuwe naam")
    db.session.commit()
    assert _round_row(big_round.id) == (4_000_000, 250_000, 100_000, 25_000)
    assert db.session.get(m.GrantRound, big_round.id).name == "Nieuwe naam"  # not money: at once
    change = settings_changes.pending_change(big_round)
    assert change.old_values == {"four_eyes_cents": 100_000} and change.new_values == {"four_eyes_cents": 150_000}
    assert change.proposed_by_id == staff.id and change.proposed_at is not None

    login(client, staff2)
    page = client.get(f"/startbijdragen/regeling/{big_round.id}").get_data(as_text=True)
    assert "wacht op bevestiging" in page and "Bevestigen" in page and "Afwijzen" in page
    assert "€\xa01.000,00" in page and "€\xa01.500,00" in page
    response = client.post(f"/startbijdragen/regeling/{big_round.id}/geldwijziging/{change.id}/bevestigen")
    assert response.status_code == 302
    assert _round_row(big_round.id) == (4_000_000, 250_000, 150_000, 25_000)
    db.session.refresh(change)
    assert change.status == m.CHANGE_CONFIRMED and change.decided_by_id == staff2.id
    entries = db.session.scalars(select(m.GrantAuditEntry).where(
        m.GrantAuditEntry.round_id == big_round.id, m.GrantAuditEntry.action.like("round_change_%"))
        .order_by(m.GrantAuditEntry.id)).all()
    proposed, confirmed = entries[-2:]
    assert (proposed.action, proposed.actor_id) == ("round_change_proposed", staff.id)
    assert proposed.details["old_values"] == {"four_eyes_cents": 100_000}
    assert proposed.details["new_values"] == {"four_eyes_cents": 150_000}
    assert (confirmed.action, confirmed.actor_id) == ("round_change_confirmed", staff2.id)
    assert confirmed.details["changes"] == {"four_eyes_cents": {"old": 100_000, "new": 150_000}}


def test_proposer_cannot_confirm_own_change(client, login, staff, big_round):
    _update(staff, big_round, quick_lane_cents=10_000)
    db.session.commit()
    change = settings_changes.pending_change(big_round)
    login(client, staff)
    page = client.get(f"/startbijdragen/regeling/{big_round.id}").get_data(as_text=True)
    assert "Een andere medewerker moet het bevestigen" in page and ">Bevestigen<" not in page
    before = snapshot()
    response = client.post(f"/startbijdragen/regeling/{big_round.id}/geldwijziging/{change.id}/bevestigen")
    assert response.status_code == 403
    assert snapshot() == before and _round_row(big_round.id)[3] == 25_000
    assert settings_changes.pending_change(big_round).status == m.CHANGE_PENDING
    with pytest.raises(NotAllowed):
        settings_changes.confirm(staff, change)


@pytest.mark.parametrize("who", ["anonymous", "owner", "resident", "staff_utrecht", "helper"])
@pytest.mark.parametrize("action", ["bevestigen", "afwijzen"])
def test_wrong_user_cannot_confirm_or_reject(request, client, login, staff, big_round, who, action):
    _update(staff, big_round, budget_cents=5_000_000)
    db.session.commit()
    change = settings_changes.pending_change(big_round)
    if who != "anonymous":
        login(client, request.getfixturevalue(who))
    before = snapshot()
    response = client.post(f"/startbijdragen/regeling/{big_round.id}/geldwijziging/{change.id}/{action}")
    if who == "anonymous":
        assert response.status_code == 302 and "/inloggen" in response.headers["Location"]
    else:
        assert response.status_code == 403
    assert snapshot() == before
    db.session.refresh(change)
    assert change.status == m.CHANGE_PENDING and _round_row(big_round.id)[0] == 4_000_000


def test_change_of_another_round_is_404(client, login, staff, staff2, big_round, make_round):
    other = make_round(name="Andere regeling")
    _update(staff, big_round, budget_cents=5_000_000)
    db.session.commit()
    change = settings_changes.pending_change(big_round)
    login(client, staff2)
    assert client.post(f"/startbijdragen/regeling/{other.id}/geldwijziging/{change.id}/bevestigen").status_code == 404
    response = client.post(f"/startbijdragen/regeling/{big_round.id}/geldwijziging/2147483647/bevestigen")
    assert response.status_code == 404
    assert _round_row(big_round.id)[0] == 4_000_000


def test_rejected_or_withdrawn_change_leaves_the_round_alone(staff, staff2, big_round):
    _update(staff, big_round, quick_lane_cents=10_000)
    settings_changes.reject(staff2, settings_changes.pending_change(big_round))
    db.session.commit()
    _update(staff, big_round, quick_lane_cents=5_000)
    change = settings_changes.pending_change(big_round)
    settings_changes.reject(staff, change)  # the proposer takes it back
    db.session.commit()
    assert change.status == m.CHANGE_WITHDRAWN
    assert _round_row(big_round.id)[3] == 25_000 and settings_changes.pending_change(big_round) is None
    assert _round_actions(big_round.id)[-4:] == ["round_change_proposed", "round_change_rejected",
                                                 "round_change_proposed", "round_change_withdrawn"]


def test_only_one_change_waits_at_a_time(staff, staff2, big_round):
    _update(staff, big_round, quick_lane_cents=10_000)
    db.session.commit()
    with pytest.raises(svc.GrantError, match="wacht al een wijziging"):
        _update(staff2, big_round, quick_lane_cents=0)
    db.session.rollback()
    _update(staff2, big_round, name="Alleen de naam")  # other settings still change at once
    db.session.commit()
    assert db.session.get(m.GrantRound, big_round.id).name == "Alleen de naam"


def test_confirmation_checks_the_budget_again(owner, staff, staff2, big_round, make_initiative, make_application):
    _update(staff, big_round, budget_cents=250_000, max_amount_cents=200_000)  # valid when proposed
    db.session.commit()
    for title in ("Een", "Twee"):  # meanwhile € 2.800 is granted
        application = make_application(owner, big_round, make_initiative(owner, title=title),
                                       250_000 if title == "Een" else 30_000)
        svc.decide(staff, application, "approve", "Goed.")
        if application.status == m.PROVISIONAL:
            svc.decide(staff2, application, "approve", "Eens.")
    db.session.commit()
    before = snapshot()
    with pytest.raises(svc.GrantError, match="al €\xa02.800,00 toegekend"):
        settings_changes.confirm(staff2, settings_changes.pending_change(big_round))
    db.session.rollback()
    assert snapshot() == before and _round_row(big_round.id)[:2] == (4_000_000, 250_000)


def test_database_refuses_a_change_confirmed_by_its_proposer(staff, big_round):
    _update(staff, big_round, budget_cents=5_000_000)
    db.session.commit()
    change = settings_changes.pending_change(big_round)
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.execute(text("UPDATE grant_round_changes SET status = 'confirmed', decided_by_id = "
                                "proposed_by_id WHERE id = :id"), {"id": change.id})


def test_new_round_opens_only_after_a_second_staff_member_confirms(client, login, owner, staff, staff2,
                                                                    make_round, initiative):
    grant_round = make_round(confirm=False, quick_lane_cents=25_000)
    assert svc.round_state(grant_round) == "pending"
    assert grant_round not in svc.open_rounds({"GM0363"})
    assert _round_actions(grant_round.id) == ["round_created", "round_change_proposed"]
    assert grant_round.id not in [item["round"].id for item in svc.public_overview("GM0363")]  # budget not agreed
    application = svc.save_draft(owner, grant_round, initiative, application_data(10_000))
    db.session.commit()
    with pytest.raises(svc.GrantError, match="nog niet open"):
        svc.submit(owner, application)
    db.session.rollback()
    with pytest.raises(NotAllowed):  # the creator cannot open it alone
        settings_changes.confirm(staff, settings_changes.pending_change(grant_round))
    db.session.rollback()
    login(client, staff2)
    assert "Nog niet open: wacht op bevestiging" in client.get(f"/startbijdragen/regeling/{grant_round.id}").get_data(
        as_text=True)
    change = settings_changes.pending_change(grant_round)
    assert client.post(f"/startbijdragen/regeling/{grant_round.id}/geldwijziging/{change.id}/bevestigen"
                       ).status_code == 302
    db.session.expire_all()
    grant_round = db.session.get(m.GrantRound, grant_round.id)
    assert svc.round_state(grant_round) == "open" and grant_round in svc.open_rounds({"GM0363"})
    svc.submit(owner, db.session.get(m.GrantApplication, application.id))
    db.session.commit()
    assert db.session.get(m.GrantApplication, application.id).status == m.APPROVED  # quick lane, now open


def test_new_round_form_says_it_waits(client, login, staff):
    login(client, staff)
    today = svc.local_today()
    response = client.post("/startbijdragen/beheer/GM0363/regeling/nieuw", data={
        "name": "Ronde", "opens_on": today.isoformat(), "closes_on": (today + timedelta(days=30)).isoformat(),
        "budget_cents": "10000", "max_amount_cents": "500", "four_eyes_cents": "1000", "quick_lane_cents": "250",
        "answer_days": "14", "own_contribution_percent": "0", "min_supporters": "0", "district_id": "0"},
        follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "andere medewerker het geld heeft bevestigd" in page
    grant_round = db.session.scalars(select(m.GrantRound).where(m.GrantRound.name == "Ronde")).one()
    assert not grant_round.settings_confirmed


@pytest.mark.parametrize("amount", ["250,01", "2500"])
def test_quick_lane_above_the_ceiling_is_refused_in_the_form(client, login, staff, big_round, amount):
    login(client, staff)
    before = snapshot()
    response = client.post(f"/startbijdragen/regeling/{big_round.id}/bewerken",
                           data=_edit_form(big_round, four_eyes_cents="5000", quick_lane_cents=amount))
    assert response.status_code == 400
    assert "De snelle route kan hoogstens €\xa0250,00 zijn." in response.get_data(as_text=True)
    assert snapshot() == before and settings_changes.pending_change(big_round) is None


def test_ceiling_follows_the_setting(app, staff, big_round):
    app.config["GRANTS_QUICK_LANE_CEILING_CENTS"] = 10_000
    try:
        with pytest.raises(svc.GrantError) as info:
            _update(staff, big_round)
        assert "quick_lane_cents" in info.value.errors  # the round's € 250 is above the lower ceiling
    finally:
        app.config["GRANTS_QUICK_LANE_CEILING_CENTS"] = 25_000


def test_quick_lane_above_the_ceiling_is_impossible_even_if_the_row_says_so(owner, big_round, make_initiative,
                                                                             make_application):
    # Whatever got into the row (a manual UPDATE, an old bug): the decision itself applies the ceiling.
    db.session.execute(text("UPDATE grant_rounds SET quick_lane_cents = 250000, four_eyes_cents = 500000 "
                            "WHERE id = :id"), {"id": big_round.id})
    db.session.commit()
    db.session.expire_all()
    above = make_application(owner, big_round, make_initiative(owner, title="Groot"), 25_001)
    assert above.status == m.SUBMITTED and not above.quick_lane
    at_ceiling = make_application(owner, big_round, make_initiative(owner, title="Klein"), 25_000)
    assert at_ceiling.status == m.APPROVED and at_ceiling.quick_lane


def test_turned_down_new_round_can_be_proposed_again(staff, staff2, make_round):
    grant_round = make_round(confirm=False)
    settings_changes.reject(staff2, settings_changes.pending_change(grant_round))
    db.session.commit()
    assert settings_changes.pending_change(grant_round) is None and svc.round_state(grant_round) == "pending"
    _update(staff, grant_round, budget_cents=1_000_000)  # the creator fixes the budget and saves
    db.session.commit()
    change = settings_changes.pending_change(grant_round)
    assert change.kind == "create" and change.new_values["budget_cents"] == 1_000_000
    assert db.session.get(m.GrantRound, grant_round.id).budget_cents == 4_000_000  # not yet
    settings_changes.confirm(staff2, change)
    db.session.commit()
    grant_round = db.session.get(m.GrantRound, grant_round.id)
    assert grant_round.budget_cents == 1_000_000 and svc.round_state(grant_round) == "open"
