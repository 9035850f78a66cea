"""webapp/media.py: uploaded images are checked by content and re-encoded with pixels only."""
import io

import pytest
from PIL import Image

from webapp import media
from webapp.domain_errors import Invalid


@pytest.fixture(autouse=True)
def _dutch_request(app):
    with app.test_request_context(headers={"Accept-Language": "nl"}):
        yield


def _jpeg(size=(40, 30), **save) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(out, "JPEG", **save)
    return out.getvalue()


def test_empty_file_is_invalid_with_a_plain_message():
    with pytest.raises(Invalid, match="leeg") as info:
        media.clean_image(b"")
    assert info.value.status == 400 and info.value.errors == {"_": "Het bestand is leeg."}


def test_too_many_pixels_is_refused(monkeypatch):
    monkeypatch.setattr(media, "MAX_IMAGE_PIXELS", 40 * 30 - 1)
    with pytest.raises(Invalid, match="te veel pixels"):
        media.clean_image(_jpeg((40, 30)))


def test_exif_orientation_is_applied_and_dropped():
    exif = Image.Exif()
    exif[0x0112] = 6  # rotated 90 degrees clockwise: a 40x30 picture is shown 30x40
    cleaned, mime = media.clean_image(_jpeg((40, 30), exif=exif.tobytes()))
    assert mime == "image/jpeg"
    with Image.open(io.BytesIO(cleaned)) as image:
        assert image.size == (30, 40) and not image.getexif()


def test_image_size_reads_the_header():
    assert media.image_size(_jpeg((40, 30))) == (40, 30)
    assert media.image_size(None) is None and media.image_size(b"") is None
