"""Who may do what: the wrong user gets 403 and nothing changes; anonymous goes to the login page (HTML)
or gets 401 (API)."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from webapp.accounts.models import RoleGrant
from webapp.extensions import db
from webapp.grants import models as m
from webapp.grants import services as svc
from webapp.mail.models import OutboxMail


def snapshot():
    db.session.expire_all()
    counts = tuple(db.session.scalar(select(func.count()).select_from(model)) for model in (
        m.GrantRound, m.GrantApplication, m.GrantBudgetLine, m.GrantMessage, m.GrantReport, m.GrantAuditEntry,
        RoleGrant, OutboxMail))
    rounds = tuple(db.session.execute(select(m.GrantRound.id, m.GrantRound.name, m.GrantRound.budget_cents,
                                             m.GrantRound.committed_cents, m.GrantRound.paid_cents)
                                      .order_by(m.GrantRound.id)).all())
    apps = tuple(db.session.execute(select(m.GrantApplication.id, m.GrantApplication.status,
                                           m.GrantApplication.title, m.GrantApplication.awaiting_answer)
                                    .order_by(m.GrantApplication.id)).all())
    return counts, rounds, apps


@pytest.fixture
def world(owner, staff, resident, staff_utrecht, helper, grant_round, make_initiative, make_application):
    """A draft, a submitted, an approved and a paid application in one Amsterdam round."""
    draft = make_application(owner, grant_round, make_initiative(owner, title="Concept"), submit=False)
    submitted = make_application(owner, grant_round, make_initiative(owner, title="Ingediend"))
    svc.ask_question(staff, submitted, "Vraag?")
    approved = make_application(owner, grant_round, make_initiative(owner, title="Toegekend"))
    svc.decide(staff, approved, "approve", "Ja.")
    paid = make_application(owner, grant_round, make_initiative(owner, title="Betaald"))
    svc.decide(staff, paid, "approve", "Ja.")
    svc.record_payout(staff, paid, svc.local_today(), "BP-1")
    db.session.commit()
    return {"round": grant_round.id, "draft": draft.id, "submitted": submitted.id, "approved": approved.id,
            "paid": paid.id, "resident": resident.id}


def _form(world):
    today = svc.local_today()
    return {
        "round": {"name": "Gekaapt", "opens_on": today.isoformat(),
                  "closes_on": (today + timedelta(days=9)).isoformat(),
                  "budget_cents": "1", "max_amount_cents": "1", "four_eyes_cents": "1", "quick_lane_cents": "0",
                  "answer_days": "14", "own_contribution_percent": "0", "min_supporters": "0", "district_id": "0"},
        "apply": {"title": "Gekaapt", "audience": "x", "timing": "x", "amount_cents": "100", "line_count": "1",
                  "line-0-description": "x", "line-0-amount": "100", "action": "submit"},
        "decide": {"decision": "approve", "reason": "Ja hoor."},
    }


STAFF_POSTS = [
    ("/startbijdragen/beheer/GM0363/regeling/nieuw", "round"),
    ("/startbijdragen/regeling/{round}/bewerken", "round"),
    ("/startbijdragen/aanvraag/{submitted}/besluit", "decide"),
    ("/startbijdragen/aanvraag/{submitted}/vraag", {"question": "Nog een vraag"}),
    ("/startbijdragen/aanvraag/{approved}/toekenning-intrekken", {"revoke_reason": "Weg ermee"}),
    ("/startbijdragen/aanvraag/{approved}/uitbetaling", {"paid_on": "2026-01-01", "reference": "X"}),
    ("/startbijdragen/beheer/GM0363/helpers", {"email": "x"}),
    ("/startbijdragen/beheer/GM0363/helpers/{resident}/weghalen", {}),
]
APPLICANT_POSTS = [
    ("/startbijdragen/aanvraag/{draft}/bewerken", "apply"),
    ("/startbijdragen/aanvraag/{submitted}/antwoord", {"answer": "Antwoord van een ander"}),
    ("/startbijdragen/aanvraag/{approved}/intrekken", {}),
    ("/startbijdragen/aanvraag/{paid}/verslag", {"what_happened": "Niet van mij"}),
]
STAFF_PAGES = ["/startbijdragen/beheer/GM0363", "/startbijdragen/regeling/{round}/wachtrij",
               "/startbijdragen/regeling/{round}/cijfers", "/startbijdragen/regeling/{round}/bewerken",
               "/startbijdragen/beheer/GM0363/helpers", "/startbijdragen/beheer/GM0363/regeling/nieuw"]
PRIVATE_PAGES = ["/startbijdragen/aanvraag/{submitted}", "/startbijdragen/aanvraag/{paid}/foto"]


def _data(world, data):
    return _form(world)[data] if isinstance(data, str) else data


# Each test below tries several users on the same data (creating users is slow: password hashing).

@pytest.mark.parametrize("url, data", STAFF_POSTS)
def test_staff_actions_forbidden_for_others(request, client, login, world, url, data):
    before = snapshot()
    for who in ("staff_utrecht", "owner", "resident", "helper"):
        login(client, request.getfixturevalue(who))
        assert client.post(url.format(**world), data=_data(world, data)).status_code == 403, who
        assert snapshot() == before, who


@pytest.mark.parametrize("url, data", APPLICANT_POSTS)
def test_applicant_actions_forbidden_for_others(request, client, login, world, url, data):
    before = snapshot()
    for who in ("staff_utrecht", "staff", "resident", "helper"):
        login(client, request.getfixturevalue(who))
        assert client.post(url.format(**world), data=_data(world, data)).status_code == 403, who
        assert snapshot() == before, who


def test_apply_for_someone_elses_initiative_forbidden(request, client, login, world, make_initiative, owner):
    other = make_initiative(owner, title="Van een ander")
    before = snapshot()
    url = f"/startbijdragen/regeling/{world['round']}/aanvragen?initiatief={other.id}"
    for who in ("resident", "staff_utrecht"):
        login(client, request.getfixturevalue(who))
        assert client.get(url).status_code == 403
        assert client.post(url, data=_form(world)["apply"]).status_code == 403
        assert snapshot() == before


def test_staff_pages_forbidden_for_others(request, client, login, world):
    for who in ("staff_utrecht", "owner", "resident"):
        login(client, request.getfixturevalue(who))
        for url in STAFF_PAGES:
            assert client.get(url.format(**world)).status_code == 403, (who, url)


def test_application_pages_private(request, client, login, world):
    for who in ("staff_utrecht", "resident", "helper"):
        login(client, request.getfixturevalue(who))
        for url in PRIVATE_PAGES:
            assert client.get(url.format(**world)).status_code == 403, (who, url)


def test_anonymous_goes_to_login(client, world):
    before = snapshot()
    for url, data in STAFF_POSTS + APPLICANT_POSTS:
        response = client.post(url.format(**world), data=_data(world, data))
        assert response.status_code == 302 and "/inloggen" in response.headers["Location"], url
    assert snapshot() == before
    for url in STAFF_PAGES + PRIVATE_PAGES + ["/startbijdragen/regeling/{round}/aanvragen?initiatief=1"]:
        response = client.get(url.format(**world))
        assert response.status_code == 302 and "/inloggen" in response.headers["Location"], url


def test_public_pages_open_to_everyone(client, world):
    for url in ("/startbijdragen", f"/startbijdragen/regeling/{world['round']}", "/startbijdragen/gemeente/GM0363",
                "/api/v1/gemeenten/GM0363/startbijdragen", "/api/v1/gemeenten/GM0363/startbijdragen.csv"):
        assert client.get(url).status_code == 200, url


# ---------------------------------------------------------------- API

def test_api_anonymous_gets_401(client, world):
    before = snapshot()
    assert client.get(f"/api/v1/startbijdragen/aanvragen/{world['submitted']}").status_code == 401
    response = client.post(f"/api/v1/startbijdragen/aanvragen/{world['submitted']}/besluit",
                           json={"decision": "approve", "reason": "Ja."})
    assert response.status_code == 401 and response.get_json()["error"]["code"]
    assert snapshot() == before


def test_api_decision_forbidden(request, client, login, world):
    before = snapshot()
    for who in ("staff_utrecht", "owner", "resident", "helper"):
        login(client, request.getfixturevalue(who))
        response = client.post(f"/api/v1/startbijdragen/aanvragen/{world['submitted']}/besluit",
                               json={"decision": "approve", "reason": "Ja."})
        assert response.status_code == 403 and response.get_json()["error"]["code"] == "forbidden", who
        assert snapshot() == before


def test_api_read_application(request, client, login, world):
    for who, status in (("staff_utrecht", 403), ("resident", 403), ("owner", 200), ("staff", 200)):
        login(client, request.getfixturevalue(who))
        assert client.get(f"/api/v1/startbijdragen/aanvragen/{world['submitted']}").status_code == status, who


def test_api_decision_by_staff(client, login, world, staff2):
    login(client, staff2)
    url = f"/api/v1/startbijdragen/aanvragen/{world['submitted']}/besluit"
    response = client.post(url, json={"decision": "approve", "reason": ""})
    assert response.status_code == 400 and response.get_json()["error"]["param"] == "reason"
    assert client.post(url, data="not json", content_type="text/plain").status_code == 400
    assert client.post(url, json={"decision": "approve", "reason": "Ja", "amount_cents": "veel"}).status_code == 400
    response = client.post(url, json={"decision": "approve", "reason": "Goed plan.", "amount_cents": 12_345})
    assert response.status_code == 200
    assert response.get_json()["status"] == "approved" and response.get_json()["granted_cents"] == 12_345


def test_api_decision_budget_exceeded(client, login, owner, staff, staff2, make_round, initiative, make_application):
    grant_round = make_round(budget_cents=10_000, max_amount_cents=10_000)
    application = make_application(owner, grant_round, initiative, 10_000)
    grant_round.committed_cents = 5_000
    db.session.commit()
    login(client, staff2)
    response = client.post(f"/api/v1/startbijdragen/aanvragen/{application.id}/besluit",
                           json={"decision": "approve", "reason": "Ja."})
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "budget_exceeded"
