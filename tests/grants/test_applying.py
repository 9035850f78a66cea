"""Applying: drafts, every error the issue names, the promised answer date, applying on someone's behalf."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.grants.conftest import AMSTERDAM_CENTRUM, AMSTERDAM_NOORD, UTRECHT, application_data, audit_actions
from webapp.areas.services import district_at
from webapp.domain_errors import NotAllowed
from webapp.extensions import db
from webapp.grants import models as m
from webapp.grants import services as svc
from webapp.initiatives import queries as initiatives
from webapp.mail.models import OutboxMail


def _submit_error(user, application):
    with pytest.raises(svc.GrantError) as info:
        svc.submit(user, application)
    db.session.rollback()
    return info.value.errors


def test_draft_can_be_incomplete_and_finished_later(owner, grant_round, initiative):
    draft = svc.save_draft(owner, grant_round, initiative, svc.ApplicationData(title="Half af"))
    db.session.commit()
    assert draft.status == m.DRAFT and draft.amount_cents is None
    errors = _submit_error(owner, draft)
    assert {"audience", "timing", "amount_cents", "lines"} <= set(errors)
    svc.save_draft(owner, grant_round, initiative, application_data(30_000), draft)
    db.session.commit()
    svc.submit(owner, draft)
    db.session.commit()
    assert draft.status == m.SUBMITTED
    assert draft.due_on == svc.local_today() + timedelta(days=14)
    assert audit_actions(draft) == ["draft_created", "draft_saved", "submitted"]
    mail = db.session.scalars(select(OutboxMail).where(OutboxMail.kind == "grants.submitted")).one()
    assert mail.to_address == owner.email and draft.due_on.strftime("%d-%m-%Y") in mail.body


@pytest.mark.parametrize("amount", [0, -100])
def test_amount_must_be_positive(owner, grant_round, initiative, amount):
    with pytest.raises(svc.GrantError) as info:
        svc.save_draft(owner, grant_round, initiative, application_data(amount, lines=[("x", 100)]))
    assert "amount_cents" in info.value.errors


def test_amount_above_round_maximum(owner, grant_round, initiative):
    draft = svc.save_draft(owner, grant_round, initiative, application_data(50_001))
    db.session.commit()
    errors = _submit_error(owner, draft)
    assert "hoogstens" in errors["amount_cents"] and "500,00" in errors["amount_cents"]
    assert db.session.get(m.GrantApplication, draft.id).status == m.DRAFT


def test_lines_must_add_up(owner, grant_round, initiative):
    draft = svc.save_draft(owner, grant_round, initiative,
                           application_data(30_000, lines=[("Huur", 20_000), ("Soep", 9_999)]))
    db.session.commit()
    errors = _submit_error(owner, draft)
    assert "299,99" in errors["lines"] and "300,00" in errors["lines"]


def test_line_amounts_positive(owner, grant_round, initiative):
    with pytest.raises(svc.GrantError) as info:
        svc.save_draft(owner, grant_round, initiative, application_data(100, lines=[("Huur", 0)]))
    assert "line-0-amount" in info.value.errors


def test_round_closed(owner, make_round, initiative):
    today = svc.local_today()
    closed = make_round(opens_on=today - timedelta(days=30), closes_on=today - timedelta(days=1))
    with pytest.raises(svc.GrantError, match="gesloten"):
        svc.save_draft(owner, closed, initiative, application_data())


def test_round_closed_between_draft_and_submit(owner, grant_round, initiative):
    draft = svc.save_draft(owner, grant_round, initiative, application_data())
    db.session.commit()
    grant_round.closes_on = svc.local_today() - timedelta(days=1)
    grant_round.opens_on = grant_round.closes_on - timedelta(days=5)
    db.session.commit()
    assert "gesloten" in _submit_error(owner, draft)["_"]


def test_round_not_yet_open_keeps_draft(owner, make_round, initiative):
    today = svc.local_today()
    upcoming = make_round(opens_on=today + timedelta(days=3), closes_on=today + timedelta(days=30))
    draft = svc.save_draft(owner, upcoming, initiative, application_data())
    db.session.commit()
    assert "nog niet open" in _submit_error(owner, draft)["_"]


def test_location_outside_the_gemeente(owner, grant_round, make_initiative):
    in_utrecht = make_initiative(owner, point=UTRECHT, gemeente="GM0344")
    draft = svc.save_draft(owner, grant_round, in_utrecht, application_data())
    db.session.commit()
    assert "buiten het gebied" in _submit_error(owner, draft)["_"]


def test_location_outside_the_district(owner, make_round, make_initiative):
    centrum = district_at("GM0363", *AMSTERDAM_CENTRUM)
    assert centrum is not None and district_at("GM0363", *AMSTERDAM_NOORD).id != centrum.id
    district_round = make_round(district_id=centrum.id)
    in_noord = make_initiative(owner, point=AMSTERDAM_NOORD)
    draft = svc.save_draft(owner, district_round, in_noord, application_data())
    db.session.commit()
    assert centrum.name in _submit_error(owner, draft)["_"]
    in_centrum = make_initiative(owner, point=AMSTERDAM_CENTRUM, title="Op de Dam")
    ok = svc.save_draft(owner, district_round, in_centrum, application_data())
    db.session.commit()
    svc.submit(owner, ok)
    assert ok.status == m.SUBMITTED and ok.district_id == centrum.id


def test_location_from_the_first_place_when_initiative_has_none(owner, grant_round, make_initiative):
    from geoalchemy2 import WKTElement

    from webapp.places.attributes import CATEGORIES
    from webapp.places.models import Place

    initiative = make_initiative(owner, point=None)
    draft = svc.save_draft(owner, grant_round, initiative, application_data())
    db.session.commit()
    assert "geen plek" in _submit_error(owner, draft)["_"]
    place = Place(name="Buurthuis De Dam", category=next(iter(CATEGORIES)),
                  location=WKTElement("POINT(4.8952 52.3702)", srid=4326), gemeente_code="GM0363")
    db.session.add(place)
    db.session.flush()
    initiative.places.append(place)
    db.session.commit()
    assert initiatives.initiative_point(initiative.id) == pytest.approx(AMSTERDAM_CENTRUM)
    svc.submit(owner, draft)
    assert draft.status == m.SUBMITTED


def test_second_open_application_refused(owner, grant_round, initiative, make_application):
    make_application(owner, grant_round, initiative)
    with pytest.raises(svc.GrantError, match="al een open aanvraag"):
        svc.save_draft(owner, grant_round, initiative, application_data())


def test_database_refuses_second_open_application(owner, grant_round, initiative, make_application):
    """Even past the service check, the partial unique index refuses it."""
    from sqlalchemy.exc import IntegrityError

    make_application(owner, grant_round, initiative, submit=False)
    db.session.add(m.GrantApplication(round_id=grant_round.id, initiative_id=initiative.id, status=m.DRAFT))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_after_a_decision_a_new_application_is_possible(owner, staff, grant_round, initiative, make_application):
    first = make_application(owner, grant_round, initiative)
    svc.decide(staff, first, "reject", "Past niet bij de voorwaarden.")
    db.session.commit()
    second = make_application(owner, grant_round, initiative, submit=False)
    assert second.status == m.DRAFT


def test_own_contribution_required(owner, make_round, initiative):
    grant_round = make_round(own_contribution_percent=10)
    draft = svc.save_draft(owner, grant_round, initiative, application_data(30_000, own_contribution_cents=2_999))
    db.session.commit()
    assert "30,00" in _submit_error(owner, draft)["own_contribution_cents"]
    svc.save_draft(owner, grant_round, initiative, application_data(30_000, own_contribution_cents=3_000), draft)
    svc.submit(owner, draft)
    assert draft.status == m.SUBMITTED


def test_supporters_required(owner, make_round, initiative):
    grant_round = make_round(min_supporters=5)
    draft = svc.save_draft(owner, grant_round, initiative, application_data(supporters=4))
    db.session.commit()
    assert "supporters" in _submit_error(owner, draft)
    svc.save_draft(owner, grant_round, initiative, application_data(supporters=5), draft)
    svc.submit(owner, draft)
    assert draft.status == m.SUBMITTED


def test_plain_resident_cannot_apply(resident, grant_round, initiative):
    with pytest.raises(NotAllowed):
        svc.save_draft(resident, grant_round, initiative, application_data())
    assert db.session.scalar(select(func.count()).select_from(m.GrantApplication)) == 0


def test_staff_of_other_gemeente_cannot_apply(staff_utrecht, grant_round, initiative):
    with pytest.raises(NotAllowed):
        svc.save_draft(staff_utrecht, grant_round, initiative, application_data())


@pytest.mark.parametrize("who", ["staff", "helper"])
def test_apply_on_behalf_is_recorded(request, who, owner, grant_round, initiative, make_application):
    user = request.getfixturevalue(who)
    application = make_application(user, grant_round, initiative)
    assert application.on_behalf is True and application.created_by_id == user.id
    entry = svc.audit_log(application)[0]
    assert entry.details["on_behalf"] is True and entry.actor_id == user.id
    # The owner sees it and may answer questions; the mail reaches both.
    assert svc.is_applicant_side(owner, application)
    addresses = set(db.session.scalars(select(OutboxMail.to_address)))
    assert {owner.email, user.email} <= addresses


def test_owner_application_is_not_on_behalf(owner, grant_round, initiative, make_application):
    assert make_application(owner, grant_round, initiative).on_behalf is False


def test_only_drafts_change(owner, grant_round, initiative, make_application):
    application = make_application(owner, grant_round, initiative)
    with pytest.raises(svc.GrantError):
        svc.save_draft(owner, grant_round, initiative, application_data(10_000), application)


def test_withdraw_draft(owner, resident, grant_round, initiative, make_application):
    draft = make_application(owner, grant_round, initiative, submit=False)
    with pytest.raises(NotAllowed):
        svc.withdraw(resident, draft)
    svc.withdraw(owner, draft)
    db.session.commit()
    assert draft.status == m.WITHDRAWN
