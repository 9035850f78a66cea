"""One definition of each money figure, the same numbers everywhere: computed here independently from the
rows with plain SQL sums, and compared with the staff home, the dashboard, the public page, CSV and JSON."""
import csv
import io
import re
from datetime import timedelta

from sqlalchemy import text

from tests.grants.payment_helpers import IBANS, approved_grant, with_debtor
from webapp.extensions import db
from webapp.grants import services as svc
from webapp.i18n import money

FIGURES = ("budget", "provisional", "granted", "in_payment", "paid", "refunded", "remaining")


def _from_rows(round_id):
    row = db.session.execute(text("""
        SELECT r.budget_cents,
               COALESCE(SUM(a.reserved_cents) FILTER (WHERE a.status = 'provisional'), 0),
               COALESCE(SUM(a.granted_cents - a.refunded_cents)
                        FILTER (WHERE a.status IN ('approved', 'in_payment', 'paid')), 0),
               COALESCE(SUM(a.granted_cents) FILTER (WHERE a.status = 'in_payment'), 0),
               COALESCE(SUM(a.granted_cents - a.refunded_cents) FILTER (WHERE a.status = 'paid'), 0),
               COALESCE(SUM(a.refunded_cents), 0)
        FROM grant_rounds r LEFT JOIN grant_applications a ON a.round_id = r.id
        WHERE r.id = :id GROUP BY r.budget_cents"""), {"id": round_id}).one()
    budget, provisional, granted, in_payment, paid, refunded = (int(v) for v in row)
    return {"budget": budget, "provisional": provisional, "granted": granted, "in_payment": in_payment,
            "paid": paid, "refunded": refunded, "remaining": budget - provisional - granted}


def _shown(html):
    """The figures a page shows (dd data-figure=...), as text."""
    return dict(re.findall(r'data-figure="(\w+)">([^<]*)<', html))


def test_all_figures_agree_on_every_page(client, login, owner, staff, staff2, make_round, make_initiative,
                                         make_application):
    grant_round = with_debtor(make_round(four_eyes_cents=40_000, budget_cents=1_000_000))
    provisional = approved_grant(make_initiative, make_application, owner, staff, grant_round, amount=45_000,
                                 title="Voorlopig")  # above four eyes: provisional
    in_payment = approved_grant(make_initiative, make_application, owner, staff, grant_round, amount=12_345,
                                iban=IBANS[0], title="In betaling")
    paid = approved_grant(make_initiative, make_application, owner, staff, grant_round, amount=30_050,
                          iban=IBANS[1], title="Betaald")
    approved_grant(make_initiative, make_application, owner, staff, grant_round, amount=20_000, title="Toegekend")
    batch = svc.batches.create_batch(staff, "GM0363", [paid.id], svc.local_today())
    db.session.commit()
    svc.batches.mark_batch_paid(staff2, batch, svc.local_today())
    db.session.commit()
    svc.record_refund(staff, paid, 5_025, svc.local_today(), "Niet alles nodig.")
    svc.batches.create_batch(staff, "GM0363", [in_payment.id], svc.local_today() + timedelta(days=1))
    db.session.commit()
    assert provisional.status == "provisional"

    expected = _from_rows(grant_round.id)
    assert expected == {"budget": 1_000_000, "provisional": 45_000, "granted": 12_345 + 25_025 + 20_000,
                        "in_payment": 12_345, "paid": 25_025, "refunded": 5_025,
                        "remaining": 1_000_000 - 45_000 - 57_370}
    as_text = {key: money(value) for key, value in expected.items()}

    login(client, staff)
    for url in ("/startbijdragen/beheer/GM0363", f"/startbijdragen/regeling/{grant_round.id}/cijfers",
                "/startbijdragen/gemeente/GM0363"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert _shown(response.get_data(as_text=True)) == as_text, url
    document = client.get("/api/v1/gemeenten/GM0363/startbijdragen").get_json()
    r = [r for r in document["rounds"] if r["id"] == grant_round.id][0]
    assert {key: r[f"{key}_cents"] for key in FIGURES} == expected
    rows = list(csv.DictReader(io.StringIO(client.get("/api/v1/gemeenten/GM0363/startbijdragen.csv")
                                           .get_data(as_text=True))))
    assert rows and all({key: int(row[f"round_{key}_cents"]) for key in FIGURES} == expected for row in rows)


def test_dashboard_numbers_are_dutch_in_dutch(client, login, owner, staff, grant_round, make_initiative,
                                              make_application):
    from webapp.grants.routes_common import number, percent

    assert number(3.5) == "3,5" and number(1234.0) == "1.234" and percent(2 / 3) == "67%"
    approved_grant(make_initiative, make_application, owner, staff, grant_round)
    login(client, staff)
    html = client.get(f"/startbijdragen/regeling/{grant_round.id}/cijfers").get_data(as_text=True)
    assert "100%" in html and not re.search(r"\d\.\d\b", re.sub(r"<[^>]+>", " ", html))
