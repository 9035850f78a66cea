"""The bank account on the pages: the applicant gives it after approval and sees it masked; staff of the
gemeente see it in full only on request (logged); never on public pages, CSV or JSON, nor for other staff."""
from sqlalchemy import func, select

from tests.grants.conftest import audit_actions
from tests.grants.payment_helpers import IBANS, approved_grant
from webapp.extensions import db
from webapp.grants import models as m
from webapp.grants.services import bank

MASKED = "NL** **** **** **45 67"


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_applicant_gives_the_account_and_then_sees_it_masked(client, login, owner, staff, grant_round,
                                                             make_initiative, make_application):
    application = approved_grant(make_initiative, make_application, owner, staff, grant_round)
    login(client, owner)
    page = client.get(f"/startbijdragen/aanvraag/{application.id}").get_data(as_text=True)
    assert "Rekeningnummer geven" in page
    response = client.post(f"/startbijdragen/aanvraag/{application.id}/rekening",
                           data={"iban": "NL20 INGB 0001 2345 67", "holder": "Stichting Buurtsoep"})
    assert response.status_code == 302
    page = client.get(f"/startbijdragen/aanvraag/{application.id}").get_data(as_text=True)
    assert MASKED in page and IBANS[0] not in page and "NL20 INGB 0001 2345 67" not in page


def test_iban_typo_on_the_form_gives_400_and_saves_nothing(client, login, owner, staff, grant_round,
                                                           make_initiative, make_application):
    application = approved_grant(make_initiative, make_application, owner, staff, grant_round)
    login(client, owner)
    response = client.post(f"/startbijdragen/aanvraag/{application.id}/rekening",
                           data={"iban": "NL20INGB0001234568", "holder": "Stichting Buurtsoep"})
    assert response.status_code == 400 and "tikfout" in response.get_data(as_text=True)
    assert _count(m.GrantBankAccount) == 0
    response = client.post(f"/startbijdragen/aanvraag/{application.id}/rekening",
                           data={"iban": "NL20INGB0001234567" * 10, "holder": "x" * 500})
    assert response.status_code == 400 and _count(m.GrantBankAccount) == 0


def test_a_stranger_gets_403_and_nothing_changes(client, login, owner, resident, staff, grant_round,
                                                 make_initiative, make_application):
    application = approved_grant(make_initiative, make_application, owner, staff, grant_round, iban=IBANS[0])
    login(client, resident)
    assert client.get(f"/startbijdragen/aanvraag/{application.id}/rekening").status_code == 403
    response = client.post(f"/startbijdragen/aanvraag/{application.id}/rekening",
                           data={"iban": IBANS[1], "holder": "Boef"})
    assert response.status_code == 403
    assert client.post(f"/startbijdragen/aanvraag/{application.id}/rekening/tonen").status_code == 403
    assert _count(m.GrantBankAccount) == 1 and bank.account_of(application).iban == IBANS[0]


def test_staff_see_it_masked_and_in_full_on_request_logged(client, login, owner, staff, grant_round,
                                                          make_initiative, make_application):
    application = approved_grant(make_initiative, make_application, owner, staff, grant_round, iban=IBANS[0])
    login(client, staff)
    page = client.get(f"/startbijdragen/aanvraag/{application.id}").get_data(as_text=True)
    assert MASKED in page and "NL20 INGB 0001 2345 67" not in page
    assert "bank_details_viewed" not in audit_actions(application)
    page = client.post(f"/startbijdragen/aanvraag/{application.id}/rekening/tonen")
    assert page.status_code == 200 and "NL20 INGB 0001 2345 67" in page.get_data(as_text=True)
    assert "bank_details_viewed" in audit_actions(application)


def test_staff_of_another_gemeente_never_see_it(client, login, owner, staff, staff_utrecht, grant_round,
                                                make_initiative, make_application):
    application = approved_grant(make_initiative, make_application, owner, staff, grant_round, iban=IBANS[0])
    login(client, staff_utrecht)
    assert client.get(f"/startbijdragen/aanvraag/{application.id}").status_code == 403
    assert client.post(f"/startbijdragen/aanvraag/{application.id}/rekening/tonen").status_code == 403
    assert client.get("/startbijdragen/beheer/GM0363/betalingen").status_code == 403
    assert "bank_details_viewed" not in audit_actions(application)


def test_never_on_public_pages_csv_or_json(client, login, owner, staff, grant_round, make_initiative,
                                           make_application):
    application = approved_grant(make_initiative, make_application, owner, staff, grant_round, iban=IBANS[0])
    pages = [client.get("/startbijdragen/gemeente/GM0363"), client.get("/api/v1/gemeenten/GM0363/startbijdragen"),
             client.get("/api/v1/gemeenten/GM0363/startbijdragen.csv"),
             client.get(f"/initiatieven/{application.initiative_id}")]
    login(client, owner)
    pages.append(client.get(f"/api/v1/startbijdragen/aanvragen/{application.id}"))
    for response in pages:
        body = response.get_data(as_text=True)
        assert response.status_code == 200, response.request.path
        for text in (IBANS[0], "4567", "45 67", "INGB", "Stichting Buurtsoep"):
            assert text not in body, (response.request.path, text)


def test_payment_pages_four_eyes_and_download_logged(client, login, owner, staff, staff2, grant_round,
                                                     make_initiative, make_application):
    from tests.grants.payment_helpers import with_debtor
    from webapp.grants import services as svc

    with_debtor(grant_round)
    application = approved_grant(make_initiative, make_application, owner, staff, grant_round, iban=IBANS[0])
    login(client, staff)
    page = client.get("/startbijdragen/beheer/GM0363/betalingen")
    assert page.status_code == 200 and MASKED in page.get_data(as_text=True)
    response = client.post("/startbijdragen/beheer/GM0363/betalingen", data={
        "application": [str(application.id)], "execution_date": svc.local_today().isoformat()})
    assert response.status_code == 302
    batch = db.session.scalars(select(m.GrantPaymentBatch)).one()
    page = client.get(f"/startbijdragen/betaling/{batch.id}").get_data(as_text=True)
    assert MASKED in page and IBANS[0] not in page
    download = client.get(f"/startbijdragen/betaling/{batch.id}/bestand")
    assert download.status_code == 200 and IBANS[0].encode() in download.data
    assert db.session.scalar(select(func.count()).select_from(m.GrantAuditEntry)
                             .where(m.GrantAuditEntry.action == "payment_file_downloaded")) == 1
    # The creator cannot record the payment: 403, nothing changes.
    response = client.post(f"/startbijdragen/betaling/{batch.id}/betaald",
                           data={"paid_on": svc.local_today().isoformat()})
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(m.GrantPaymentBatch, batch.id).status == m.BATCH_OPEN
    login(client, staff2)
    response = client.post(f"/startbijdragen/betaling/{batch.id}/betaald", data={"paid_on": "9999-12-31"})
    assert response.status_code == 400
    response = client.post(f"/startbijdragen/betaling/{batch.id}/betaald",
                           data={"paid_on": svc.local_today().isoformat()})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(m.GrantApplication, application.id).status == m.PAID


def test_payment_pages_hostile_input(client, login, staff, owner, grant_round, make_initiative, make_application):
    login(client, staff)
    for value in ("abc", "99999999999", "-1", "0"):
        response = client.post("/startbijdragen/beheer/GM0363/betalingen",
                               data={"application": [value], "execution_date": "2026-01-01"})
        assert response.status_code in (400, 404), value
    assert client.post("/startbijdragen/beheer/GM0363/betalingen",
                       data={"execution_date": "not a date"}).status_code == 400
    assert client.get("/startbijdragen/betaling/99999").status_code == 404
    assert client.get("/startbijdragen/beheer/GM0363/betalingen?regeling=abc").status_code == 200
    login(client, owner)
    assert client.get("/startbijdragen/beheer/GM0363/betalingen").status_code == 403


def test_wrong_people_get_403_on_every_payment_action_and_nothing_changes(client, login, owner, resident, staff,
                                                                          staff2, staff_utrecht, grant_round,
                                                                          make_initiative, make_application):
    from tests.grants.payment_helpers import with_debtor
    from webapp.grants import services as svc

    with_debtor(grant_round)
    application = approved_grant(make_initiative, make_application, owner, staff, grant_round, iban=IBANS[0])
    other = approved_grant(make_initiative, make_application, owner, staff, grant_round, iban=IBANS[2],
                           title="Tweede")
    svc.bank.save(owner, application, IBANS[1], "Nieuwe naam")
    batch = svc.batches.create_batch(staff, "GM0363", [other.id], svc.local_today())
    db.session.commit()
    before = _count(m.GrantAuditEntry)
    for person in (owner, resident, staff_utrecht):
        login(client, person)
        for url in (f"/startbijdragen/aanvraag/{application.id}/rekening/bevestigen",
                    f"/startbijdragen/aanvraag/{application.id}/rekening/afwijzen",
                    f"/startbijdragen/betaling/{batch.id}/betaald", f"/startbijdragen/betaling/{batch.id}/intrekken"):
            assert client.post(url, data={"paid_on": svc.local_today().isoformat()}).status_code == 403, (person, url)
        assert client.get(f"/startbijdragen/betaling/{batch.id}/bestand").status_code == 403
        assert client.get(f"/startbijdragen/betaling/{batch.id}").status_code == 403
    db.session.expire_all()
    assert bank.account_of(application).iban == IBANS[0]
    assert bank.account_of(application, m.BANK_PENDING).iban == IBANS[1]
    assert db.session.get(m.GrantPaymentBatch, batch.id).status == m.BATCH_OPEN
    assert _count(m.GrantAuditEntry) == before
