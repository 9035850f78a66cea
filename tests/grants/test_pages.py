"""The HTML pages: forms work without JavaScript, errors come back with 400 and keep the input."""
import io
import re
from datetime import timedelta

from sqlalchemy import func, select

from webapp.extensions import db
from webapp.grants import models as m
from webapp.grants import services as svc


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_index_lists_open_rounds_and_my_applications(client, login, owner, grant_round, initiative,
                                                     make_application):
    make_application(owner, grant_round, initiative)
    login(client, owner)
    html = client.get("/startbijdragen").get_data(as_text=True)
    assert grant_round.name in html and "Soepavond voor de buurt" in html


def test_staff_creates_round_with_euro_input(client, login, staff):
    login(client, staff)
    page = client.get("/startbijdragen/beheer/GM0363/regeling/nieuw")
    assert page.status_code == 200 and 'value="500"' in page.get_data(as_text=True)
    today = svc.local_today()
    response = client.post("/startbijdragen/beheer/GM0363/regeling/nieuw", data={
        "name": "Buurtbudget Noord", "criteria": "Open voor iedereen.", "opens_on": today.isoformat(),
        "closes_on": (today + timedelta(days=90)).isoformat(), "budget_cents": "40.000",
        "max_amount_cents": "1.234,50", "four_eyes_cents": "1000", "quick_lane_cents": "250",
        "answer_days": "14", "own_contribution_percent": "0", "min_supporters": "0", "ask_supporters": "y",
        "district_id": "0"})
    assert response.status_code == 302
    grant_round = db.session.scalars(select(m.GrantRound)).one()
    assert (grant_round.budget_cents, grant_round.max_amount_cents) == (4_000_000, 123_450)
    assert (grant_round.four_eyes_cents, grant_round.quick_lane_cents) == (100_000, 25_000)


def test_round_form_errors_keep_input(client, login, staff):
    login(client, staff)
    today = svc.local_today()
    response = client.post("/startbijdragen/beheer/GM0363/regeling/nieuw", data={
        "name": "Te groot", "opens_on": today.isoformat(), "closes_on": (today - timedelta(days=1)).isoformat(),
        "budget_cents": "veertig", "max_amount_cents": "6000", "four_eyes_cents": "1000",
        "quick_lane_cents": "250", "answer_days": "14", "own_contribution_percent": "0", "min_supporters": "0",
        "district_id": "0"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'value="veertig"' in html and "Vul een bedrag in euro" in html
    assert _count(m.GrantRound) == 0
    response = client.post("/startbijdragen/beheer/GM0363/regeling/nieuw", data={
        "name": "Te groot", "opens_on": today.isoformat(), "closes_on": (today - timedelta(days=1)).isoformat(),
        "budget_cents": "40000", "max_amount_cents": "6000", "four_eyes_cents": "1000",
        "quick_lane_cents": "250", "answer_days": "14", "own_contribution_percent": "0", "min_supporters": "0",
        "district_id": "0"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "5.000,00" in html and "sluitdatum" in html
    assert 'href="#max_amount_cents"' in html


def _apply_form(**overrides):
    data = {"title": "Buurtmoestuin", "audience": "Iedereen uit de straat", "timing": "Voorjaar 2026",
            "description": "Bakken en zaden.", "amount_cents": "300", "own_contribution_cents": "",
            "cofunding": "", "supporters": "12", "line_count": "3",
            "line-0-description": "Plantenbakken", "line-0-amount": "200",
            "line-1-description": "Zaden en aarde", "line-1-amount": "100,00",
            "line-2-description": "", "line-2-amount": "", "action": "submit"}
    data.update(overrides)
    return data


def test_apply_submit_shows_promised_date(client, login, owner, grant_round, initiative):
    login(client, owner)
    url = f"/startbijdragen/regeling/{grant_round.id}/aanvragen?initiatief={initiative.id}"
    assert client.get(url).status_code == 200
    response = client.post(url, data=_apply_form())
    assert response.status_code == 302
    application = db.session.scalars(select(m.GrantApplication)).one()
    assert application.status == m.SUBMITTED and application.amount_cents == 30_000
    assert [(line.description, line.amount_cents) for line in application.lines] == [
        ("Plantenbakken", 20_000), ("Zaden en aarde", 10_000)]
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert application.due_on.strftime("%d-%m-%Y") in html


def test_apply_lines_not_adding_up_keeps_draft_and_input(client, login, owner, grant_round, initiative):
    login(client, owner)
    url = f"/startbijdragen/regeling/{grant_round.id}/aanvragen?initiatief={initiative.id}"
    response = client.post(url, data=_apply_form(**{"line-1-amount": "99,99"}))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "299,99" in html and 'value="99,99"' in html and "concept is bewaard" in html
    assert db.session.scalars(select(m.GrantApplication)).one().status == m.DRAFT


def test_apply_bad_line_amount(client, login, owner, grant_round, initiative):
    login(client, owner)
    url = f"/startbijdragen/regeling/{grant_round.id}/aanvragen?initiatief={initiative.id}"
    response = client.post(url, data=_apply_form(**{"line-1-amount": "honderd"}))
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and 'href="#line-1-amount"' in html and 'value="honderd"' in html
    assert _count(m.GrantApplication) == 0


def test_apply_amount_zero_and_above_max(client, login, owner, grant_round, initiative):
    login(client, owner)
    url = f"/startbijdragen/regeling/{grant_round.id}/aanvragen?initiatief={initiative.id}"
    response = client.post(url, data=_apply_form(amount_cents="0"))
    assert response.status_code == 400 and "meer dan" in response.get_data(as_text=True)
    response = client.post(url, data=_apply_form(amount_cents="600", **{"line-0-amount": "500"}))
    assert response.status_code == 400 and "hoogstens" in response.get_data(as_text=True)


def test_more_lines_without_javascript(client, login, owner, grant_round, initiative):
    login(client, owner)
    url = f"/startbijdragen/regeling/{grant_round.id}/aanvragen?initiatief={initiative.id}"
    html = client.post(url, data=_apply_form(action="more_lines")).get_data(as_text=True)
    assert 'id="line-5-amount"' in html and 'value="Plantenbakken"' in html
    assert _count(m.GrantApplication) == 0


def test_save_draft_then_continue(client, login, owner, grant_round, initiative):
    login(client, owner)
    url = f"/startbijdragen/regeling/{grant_round.id}/aanvragen?initiatief={initiative.id}"
    response = client.post(url, data=_apply_form(action="save", audience=""))
    assert response.status_code == 302
    application = db.session.scalars(select(m.GrantApplication)).one()
    edit = f"/startbijdragen/aanvraag/{application.id}/bewerken"
    assert 'value="Plantenbakken"' in client.get(edit).get_data(as_text=True)
    # Opening the apply page again leads to the existing draft.
    assert client.get(url).headers["Location"].endswith(f"/startbijdragen/aanvraag/{application.id}")
    assert client.post(edit, data=_apply_form()).status_code == 302
    assert db.session.get(m.GrantApplication, application.id).status == m.SUBMITTED


def test_staff_page_flow(client, login, owner, staff, staff2, make_round, initiative, make_application):
    grant_round = make_round(max_amount_cents=300_000)
    application = make_application(owner, grant_round, initiative, 150_000,
                                   lines=[("Zaalhuur", 150_000)])
    login(client, staff)
    queue = client.get(f"/startbijdragen/regeling/{grant_round.id}/wachtrij")
    assert queue.status_code == 200 and application.title in queue.get_data(as_text=True)
    url = f"/startbijdragen/aanvraag/{application.id}"
    assert client.post(url + "/vraag", data={"question": ""}).status_code == 400
    assert client.post(url + "/vraag", data={"question": "Wie komen er?"}).status_code == 302
    response = client.post(url + "/besluit", data={"decision": "approve", "amount": "1.500", "reason": ""})
    assert response.status_code == 400 and "reden" in response.get_data(as_text=True).lower()
    assert client.post(url + "/besluit", data={"decision": "approve", "amount": "1.500",
                                               "reason": "Mooi plan."}).status_code == 302
    assert db.session.get(m.GrantApplication, application.id).status == m.PROVISIONAL
    login(client, staff2)
    confirm = client.post(url + "/besluit", data={"decision": "approve", "amount": "1.500", "reason": "Bevestigd."})
    assert confirm.status_code == 302, re.findall(r'<p class="error"[^>]*>(.*?)</p>|<li><a href="#[^"]*">(.*?)</a>',
                                                  confirm.get_data(as_text=True))
    assert client.post(url + "/uitbetaling", data={"paid_on": svc.local_today().isoformat(),
                                                   "reference": "BP-1"}).status_code == 302
    html = client.get(url).get_data(as_text=True)
    assert "Uitbetaald" in html and "Voorlopig goedgekeurd (eerste medewerker)" in html  # the audit log
    assert client.get(f"/startbijdragen/regeling/{grant_round.id}/cijfers").status_code == 200


def test_helper_role_page(client, login, staff, resident):
    login(client, staff)
    response = client.post("/startbijdragen/beheer/GM0363/helpers", data={"email": "niemand@example.test"})
    assert response.status_code == 400 and "geen account" in response.get_data(as_text=True)
    response = client.post("/startbijdragen/beheer/GM0363/helpers", data={"email": resident.email.upper()})
    assert response.status_code == 302
    assert svc.is_helper(resident, "GM0363") and not svc.is_helper(resident, "GM0344")
    assert resident.display_name in client.get("/startbijdragen/beheer/GM0363/helpers").get_data(as_text=True)
    assert client.post(f"/startbijdragen/beheer/GM0363/helpers/{resident.id}/weghalen").status_code == 302
    db.session.expire_all()
    assert not svc.is_helper(resident, "GM0363")


def test_helper_applies_on_behalf_via_round_page(client, login, helper, grant_round, initiative):
    login(client, helper)
    html = client.get(f"/startbijdragen/regeling/{grant_round.id}?q=soep").get_data(as_text=True)
    assert initiative.title in html and f"initiatief={initiative.id}" in html
    response = client.post(f"/startbijdragen/regeling/{grant_round.id}/aanvragen?initiatief={initiative.id}",
                           data=_apply_form())
    assert response.status_code == 302
    application = db.session.scalars(select(m.GrantApplication)).one()
    assert application.on_behalf and application.created_by_id == helper.id


def test_report_page_with_photo(client, login, owner, staff, grant_round, initiative, make_application):
    from tests.grants.test_report import jpeg_with_exif

    application = make_application(owner, grant_round, initiative, 30_000)
    svc.decide(staff, application, "approve", "Ja.")
    svc.record_payout(staff, application, svc.local_today(), "BP-2")
    db.session.commit()
    login(client, owner)
    url = f"/startbijdragen/aanvraag/{application.id}/verslag"
    assert client.get(url).status_code == 200
    response = client.post(url, data={"what_happened": "Het was gezellig.", "attendees": "40", "spent_cents": "300",
                                      "photo": (io.BytesIO(jpeg_with_exif()), "foto.jpg")},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    image = client.get(f"/startbijdragen/aanvraag/{application.id}/foto")
    assert image.status_code == 200 and image.headers["Content-Type"] == "image/jpeg"
    assert b"Exif" not in image.data[:200]
