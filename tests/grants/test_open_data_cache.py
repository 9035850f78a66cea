"""The open data of startbijdragen (CSV and JSON): a strong ETag and Last-Modified from a cheap fingerprint,
304 for a client that has the current download, a new ETag after every change that shows in it, and the
same bytes as when each download was made per request."""
import csv
import gzip
import importlib
import io
import random

import pytest
from flask import jsonify

from webapp.csv_safety import spreadsheet_safe
from webapp.extensions import db
from webapp.grants import api
from webapp.grants import services as svc
from webapp.grants.models import GrantRound
from webapp.grants.services import open_data

CSV = "/api/v1/gemeenten/GM0363/startbijdragen.csv"
JSON = "/api/v1/gemeenten/GM0363/startbijdragen"


@pytest.fixture
def granted(owner, staff, grant_round, make_initiative, make_application):
    application = make_application(owner, grant_round, make_initiative(owner, title="Buurtsoep"), 30_000,
                                   title="Soep voor iedereen")
    svc.decide(staff, application, "approve", "Ja, mooi.")
    db.session.commit()
    return application


@pytest.mark.parametrize("url", [CSV, JSON])
def test_a_client_with_the_current_download_gets_304(client, granted, url):
    first = client.get(url)
    assert first.status_code == 200
    etag, weak = first.get_etag()
    assert etag and not weak and first.last_modified is not None
    assert first.cache_control.public and first.cache_control.max_age == api.MAX_AGE
    again = client.get(url, headers={"If-None-Match": f'"{etag}"'})
    assert again.status_code == 304 and again.data == b"" and again.get_etag() == (etag, False)
    # The form Flask-Compress gives a compressed answer's ETag comes back as such.
    compressed = client.get(url, headers={"If-None-Match": f'"{etag}:gzip"'})
    assert compressed.status_code == 304 and compressed.get_etag() == (f"{etag}:gzip", False)
    since = client.get(url, headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert since.status_code == 304
    other = client.get(url, headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200 and other.data == first.data


@pytest.mark.parametrize("url", [CSV, JSON])
def test_compressed_once_per_change_and_304_in_that_form_too(app, client, granted, url, monkeypatch):
    plain = client.get(url)
    assert len(plain.data) < 1400 and "Content-Encoding" not in client.get(
        url, headers={"Accept-Encoding": "gzip"}).headers   # below one packet nothing is compressed
    monkeypatch.setitem(app.config, "COMPRESS_MIN_SIZE", 0)
    response = client.get(url, headers={"Accept-Encoding": "gzip, deflate, br, zstd"})
    assert response.headers["Content-Encoding"] == "gzip" and gzip.decompress(response.data) == plain.data
    assert response.get_etag() == (plain.get_etag()[0] + ":gzip", False)
    again = client.get(url, headers={"Accept-Encoding": "gzip", "If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_a_decision_changes_the_etag(client, owner, staff, grant_round, make_initiative, make_application, granted):
    before = client.get(CSV)
    etag = before.get_etag()[0]
    second = make_application(owner, grant_round, make_initiative(owner, title="Moestuin"), 20_000,
                              title="Plantenbakken")
    db.session.commit()
    # Sent, not decided: it shows nowhere in the downloads, so they keep their ETag.
    assert client.get(CSV, headers={"If-None-Match": f'"{etag}"'}).status_code == 304
    svc.decide(staff, second, "approve", "Ja.")   # the real decision operation, as the staff's page uses it
    db.session.commit()
    after = client.get(CSV, headers={"If-None-Match": f'"{etag}"'})
    assert after.status_code == 200 and after.get_etag()[0] != etag
    assert "Plantenbakken" in after.get_data(as_text=True) and "Plantenbakken" not in before.get_data(as_text=True)
    json_etag = client.get(JSON).get_etag()[0]
    svc.revoke(staff, second, "Toch niet.")
    db.session.commit()
    assert client.get(JSON, headers={"If-None-Match": f'"{json_etag}"'}).status_code == 200
    assert "Plantenbakken" not in client.get(CSV).get_data(as_text=True)


def test_payout_refund_rename_hiding_and_round_changes_change_the_etag(client, staff, grant_round, granted):
    def etag():
        return client.get(CSV).get_etag()[0]

    seen = [etag()]
    svc.record_payout(staff, granted, svc.local_today(), "BP-1")
    db.session.commit()
    seen.append(etag())
    svc.record_refund(staff, granted, 5_000, svc.local_today(), "Niet alles nodig.")
    db.session.commit()
    seen.append(etag())
    granted.initiative.title = "Buurtsoep op zondag"    # renamed by its owners (initiatives domain)
    db.session.commit()
    seen.append(etag())
    granted.initiative.hidden = True
    db.session.commit()
    seen.append(etag())
    data = {key: getattr(grant_round, key) for key in svc.ROUND_FIELDS}
    svc.update_round(staff, grant_round, {**data, "name": "Startbijdragen 2026 (tweede helft)"})
    db.session.commit()
    seen.append(etag())
    assert len(set(seen)) == len(seen)
    rows = list(csv.DictReader(io.StringIO(client.get(CSV).get_data(as_text=True))))
    assert [(r["round"], r["initiative"], r["amount_cents"], r["paid"]) for r in rows] == [
        ("Startbijdragen 2026 (tweede helft)", "(verborgen initiatief)", "25000", "yes")]


def test_the_language_of_the_answer_is_in_the_etag(client, granted):
    granted.initiative.hidden = True
    db.session.commit()
    dutch = client.get(CSV, headers={"Accept-Language": "nl"})
    english = client.get(CSV, headers={"Accept-Language": "en"})
    assert dutch.get_etag() != english.get_etag() and "Accept-Language" in english.headers["Vary"]


def test_a_process_reuses_the_fingerprint_for_a_few_seconds(app, client, staff, granted, monkeypatch):
    """Outside tests a process reads the fingerprint at most every FRESH_SECONDS; then the change shows."""
    clock = [1000.0]
    monkeypatch.setattr(open_data, "_recent", {})
    monkeypatch.setattr(open_data.time, "monotonic", lambda: clock[0])
    monkeypatch.setitem(app.config, "GRANTS_OPEN_DATA_FRESH_SECONDS", open_data.FRESH_SECONDS)
    etag = client.get(CSV).get_etag()[0]
    svc.record_payout(staff, granted, svc.local_today(), "BP-1")
    db.session.commit()
    clock[0] += open_data.FRESH_SECONDS - 1
    assert client.get(CSV, headers={"If-None-Match": f'"{etag}"'}).status_code == 304
    clock[0] += 1
    fresh = client.get(CSV, headers={"If-None-Match": f'"{etag}"'})
    assert fresh.status_code == 200 and fresh.get_etag()[0] != etag
    assert list(csv.DictReader(io.StringIO(fresh.get_data(as_text=True))))[0]["paid"] == "yes"


def test_unknown_gemeente_is_still_404(client):
    for url in (CSV, JSON):
        response = client.get(url.replace("GM0363", "GM9999"))
        assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"


# ---------------------------------------------------------------- the same bytes as before

def _document_as_before(code):
    """The downloads as they were made on every request before the fingerprint and the stored bodies."""
    gemeente = svc.gemeente(code)
    rounds = []
    for item in svc.public_overview(code):
        r = item["round"]
        rounds.append({
            "id": r.id, "name": r.name, "opens_on": r.opens_on.isoformat(), "closes_on": r.closes_on.isoformat(),
            "area": svc.area_name(r), "max_amount_cents": r.max_amount_cents,
            **{key: item["totals"][key] for key in svc.FIGURE_KEYS},
            "grants": [{"initiative_id": g["initiative_id"], "initiative": g["initiative"], "purpose": g["purpose"],
                        "amount_cents": g["amount_cents"], "date": g["date"].isoformat() if g["date"] else None,
                        "paid": g["paid"], "district": g["district"]} for g in item["grants"]],
        })
    return {"gemeente": {"code": gemeente.code, "name": gemeente.name}, "rounds": rounds}


def _csv_as_before(code):
    document = _document_as_before(code)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(api.CSV_COLUMNS)
    for r in document["rounds"]:
        for g in r["grants"]:
            cents = g["amount_cents"]
            writer.writerow([r["id"], spreadsheet_safe(r["name"]), g["initiative_id"],
                             spreadsheet_safe(g["initiative"]), spreadsheet_safe(g["purpose"]), cents,
                             f"{cents // 100}.{cents % 100:02d}", g["date"] or "", "yes" if g["paid"] else "no",
                             spreadsheet_safe(g["district"])] + [r[key] for key in svc.FIGURE_KEYS])
    return out.getvalue().encode()


def test_downloads_are_byte_identical_to_before_on_demo_data(app, client):
    from webapp.grants import demo

    rng = random.Random(2026)
    for name in ("accounts", "places", "stewardship", "initiatives"):
        importlib.import_module(f"webapp.{name}.demo").load(rng)
    demo.load(rng)
    db.session.commit()
    codes = sorted(set(db.session.scalars(db.select(GrantRound.gemeente_code))))
    assert codes
    for code in codes:
        with app.test_request_context(headers={"Accept-Language": "nl"}):
            csv_before = _csv_as_before(code)
            json_before = jsonify(_document_as_before(code)).get_data()
        assert csv_before.count(b"\r\n") > 1
        for _ in range(2):   # made, then from the stored body
            assert client.get(f"/api/v1/gemeenten/{code}/startbijdragen.csv").data == csv_before
            assert client.get(f"/api/v1/gemeenten/{code}/startbijdragen").data == json_before


def test_the_public_page_shows_each_change_at_once(client, owner, staff, grant_round, make_initiative,
                                                   make_application, granted):
    """Its list of rounds is made once per fingerprint: a decision or a hidden initiative shows at once."""
    page = "/startbijdragen/gemeente/GM0363"
    assert "Buurtsoep" in client.get(page).get_data(as_text=True)
    second = make_application(owner, grant_round, make_initiative(owner, title="Moestuin"), 20_000,
                              title="Plantenbakken")
    svc.decide(staff, second, "approve", "Ja.")
    db.session.commit()
    html = client.get(page).get_data(as_text=True)
    assert "Plantenbakken" in html and "500,00" in html   # the row and the round's new granted total
    granted.initiative.hidden = True
    db.session.commit()
    html = client.get(page).get_data(as_text=True)
    assert "Buurtsoep" not in html and "(verborgen initiatief)" in html
    assert client.get(page, headers={"Accept-Language": "en"}).status_code == 200
