"""The report after payout: one photo validated by content and re-encoded; receipts only above four-eyes."""
import io

import pytest
from PIL import Image

from webapp.domain_errors import Invalid, NotAllowed
from webapp.extensions import db
from webapp.grants import services as svc
from webapp.media import clean_image


def jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (64, 48), (200, 120, 40))
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"          # Make
    exif[0x8825] = {2: (52.0, 22.0, 13.0)}  # GPS info
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (10, 10), (0, 0, 0, 0)).save(out, "PNG", pnginfo=None)
    return out.getvalue()


@pytest.fixture
def paid(owner, staff, grant_round, initiative, make_application):
    application = make_application(owner, grant_round, initiative, 30_000)
    svc.decide(staff, application, "approve", "Ja.")
    svc.record_payout(staff, application, svc.local_today(), "BP-1")
    db.session.commit()
    return application


def test_clean_image_strips_metadata():
    raw = jpeg_with_exif()
    assert b"SecretCam" in raw
    cleaned, mime = clean_image(raw)
    assert mime == "image/jpeg" and b"SecretCam" not in cleaned
    assert not Image.open(io.BytesIO(cleaned)).getexif()


def test_png_accepted():
    assert clean_image(png_bytes())[1] == "image/png"


@pytest.mark.parametrize("data", [b"not an image at all", b"GIF89a" + b"\x00" * 50, b"%PDF-1.4 hello",
                                  jpeg_with_exif()[:100]])
def test_not_an_image_refused(data):
    with pytest.raises(Invalid):
        clean_image(data)


def test_gif_named_jpg_refused():
    out = io.BytesIO()
    Image.new("P", (5, 5)).save(out, "GIF")
    with pytest.raises(Invalid, match="JPEG"):
        clean_image(out.getvalue())


def test_too_large_refused():
    with pytest.raises(Invalid, match="5 MB"):
        clean_image(b"\xff\xd8" + b"\x00" * (5 * 1024 * 1024))


def test_report_once_after_payout(owner, paid, resident):
    with pytest.raises(NotAllowed):
        svc.submit_report(resident, paid, "Leuk", 10, None)
    with pytest.raises(svc.GrantError) as info:
        svc.submit_report(owner, paid, "", -1, None)
    assert {"what_happened", "attendees"} <= set(info.value.errors)
    report = svc.submit_report(owner, paid, "Veertig buren aten samen.", 40, 29_000, photo=jpeg_with_exif())
    db.session.commit()
    assert report.photo and report.photo_type == "image/jpeg" and report.receipts is None
    with pytest.raises(svc.GrantError, match="al een verslag"):
        svc.submit_report(owner, paid, "Nog een keer", 1, None)


def test_report_only_after_payout(owner, staff, grant_round, initiative, make_application):
    application = make_application(owner, grant_round, initiative, 30_000)
    with pytest.raises(svc.GrantError, match="uitbetaald"):
        svc.submit_report(owner, application, "Te vroeg", 1, None)


def test_receipts_needed_above_four_eyes(owner, staff, staff2, make_round, initiative, make_application):
    grant_round = make_round(max_amount_cents=300_000, four_eyes_cents=100_000)
    application = make_application(owner, grant_round, initiative, 150_000)
    svc.decide(staff, application, "approve", "Ja.")
    svc.decide(staff2, application, "approve", "Bevestigd.")
    svc.record_payout(staff, application, svc.local_today(), "BP-3")
    db.session.commit()
    with pytest.raises(svc.GrantError) as info:
        svc.submit_report(owner, application, "Gedaan.", 80, 150_000)
    assert "receipts" in info.value.errors
    db.session.rollback()
    report = svc.submit_report(owner, application, "Gedaan.", 80, 150_000, receipts=png_bytes())
    assert report.receipts_type == "image/png"
