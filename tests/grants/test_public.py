"""Transparency: public page, CSV and JSON per gemeente; never personal data of applicants."""
import csv
import io

from webapp.extensions import db
from webapp.grants import services as svc


def _granted_and_paid(owner, staff, grant_round, make_initiative, make_application):
    paid = make_application(owner, grant_round, make_initiative(owner, title="Buurtsoep"), 30_000,
                            title="Soep voor iedereen")
    svc.decide(staff, paid, "approve", "Ja, mooi.", amount_cents=25_000)
    svc.record_payout(staff, paid, svc.local_today(), "BP-77")
    approved = make_application(owner, grant_round, make_initiative(owner, title="Moestuin"), 20_000,
                                title="Plantenbakken")
    svc.decide(staff, approved, "approve", "Ja.")
    rejected = make_application(owner, grant_round, make_initiative(owner, title="Geheim plan"), 10_000,
                                title="Niet toegekend plan")
    svc.decide(staff, rejected, "reject", "Nee.")
    db.session.commit()
    return paid, approved, rejected


def test_public_page_totals_and_grants(client, owner, staff, grant_round, make_initiative, make_application):
    _granted_and_paid(owner, staff, grant_round, make_initiative, make_application)
    response = client.get("/startbijdragen/gemeente/GM0363")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    for text in ("40.000,00", "450,00", "250,00", "39.550,00", "Soep voor iedereen", "Buurtsoep", "Plantenbakken"):
        assert text in html, text
    assert "Niet toegekend plan" not in html
    assert owner.display_name not in html and owner.email not in html and "BP-77" not in html
    assert client.get("/startbijdragen/gemeente/GM9999").status_code == 404


def test_json_download(client, owner, staff, grant_round, make_initiative, make_application):
    _granted_and_paid(owner, staff, grant_round, make_initiative, make_application)
    data = client.get("/api/v1/gemeenten/GM0363/startbijdragen").get_json()
    (r,) = data["rounds"]
    assert (r["budget_cents"], r["granted_cents"], r["paid_cents"], r["remaining_cents"]) == (
        4_000_000, 45_000, 25_000, 3_955_000)
    assert sorted(g["amount_cents"] for g in r["grants"]) == [20_000, 25_000]
    assert set(r["grants"][0]) == {"initiative_id", "initiative", "purpose", "amount_cents", "date", "paid",
                                   "district"}
    body = str(data)
    assert owner.email not in body and owner.display_name not in body
    missing = client.get("/api/v1/gemeenten/GM9999/startbijdragen")
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "not_found"


def test_csv_download(client, owner, staff, grant_round, make_initiative, make_application):
    _granted_and_paid(owner, staff, grant_round, make_initiative, make_application)
    response = client.get("/api/v1/gemeenten/GM0363/startbijdragen.csv")
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert sorted((row["purpose"], row["amount_cents"], row["amount_eur"], row["paid"]) for row in rows) == [
        ("Plantenbakken", "20000", "200.00", "no"), ("Soep voor iedereen", "25000", "250.00", "yes")]


def test_csv_formula_injection_neutralised(client, owner, staff, grant_round, make_initiative, make_application):
    application = make_application(owner, grant_round, make_initiative(owner, title="=HYPERLINK(1)"), 10_000,
                                   title="+SUM(A1)")
    svc.decide(staff, application, "approve", "Ja.")
    db.session.commit()
    text = client.get("/api/v1/gemeenten/GM0363/startbijdragen.csv").get_data(as_text=True)
    assert "'=HYPERLINK(1)" in text and "'+SUM(A1)" in text


def test_openapi_lists_the_downloads(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "/api/v1/gemeenten/{code}/startbijdragen" in paths
    assert "/api/v1/gemeenten/{code}/startbijdragen.csv" in paths


def test_dashboard_figures(owner, staff, grant_round, make_initiative, make_application):
    from datetime import timedelta

    from tests.grants.conftest import AMSTERDAM_NOORD

    now = svc.utcnow()
    quick = make_application(owner, grant_round, make_initiative(owner, title="Een"), 10_000)
    svc.decide(staff, quick, "approve", "Ja.", now=now + timedelta(days=3))
    late = make_application(owner, grant_round, make_initiative(owner, point=AMSTERDAM_NOORD, title="Twee"), 20_000)
    svc.decide(staff, late, "reject", "Nee.", now=now + timedelta(days=20))
    make_application(owner, grant_round, make_initiative(owner, title="Drie"), 5_000)  # still open
    db.session.commit()
    total, rows = svc.dashboard(grant_round)
    assert total.applications == 3 and total.decided == 2 and total.approval_rate == 0.5
    assert total.median_days == 11.5 and total.in_time_share == 0.5
    assert total.requested_cents == 35_000 and total.granted_cents == 10_000
    assert {r.label for r in rows} == {"Centrum", "Noord"}
    noord = next(r for r in rows if r.label == "Noord")
    assert noord.applications == 1 and noord.approval_rate == 0.0


def test_dashboard_page_has_accessible_chart(client, login, owner, staff, grant_round, initiative, make_application):
    application = make_application(owner, grant_round, initiative, 10_000)
    svc.decide(staff, application, "approve", "Ja.")
    db.session.commit()
    login(client, staff)
    html = client.get(f"/startbijdragen/regeling/{grant_round.id}/cijfers").get_data(as_text=True)
    assert 'role="img"' in html and 'aria-labelledby="chart-title chart-desc"' in html
    assert "<title id=\"chart-title\">" in html and "<table" in html and "100,00" in html
