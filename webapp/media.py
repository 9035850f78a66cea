"""Uploaded images, for every domain: check by content and re-encode without metadata.

`clean_image` accepts a JPEG or PNG of at most `MAX_IMAGE_BYTES` and `MAX_IMAGE_PIXELS`, decides what it is
from its bytes (never from a name or a MIME type the browser sent), and re-encodes it so that only pixels
leave: no EXIF (camera, GPS), no comment, no XMP, no ICC profile text. A broken or hostile file is an
`Invalid` with a plain message, never a 500.
"""
from __future__ import annotations

import io

from flask_babel import gettext as _

from webapp.domain_errors import Invalid

MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000


def clean_image(data: bytes) -> tuple[bytes, str]:
    """(bytes, MIME type) of the re-encoded image; `Invalid` when it is empty, too large or no JPEG/PNG."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    if not data:
        raise Invalid(_("Het bestand is leeg."))
    if len(data) > MAX_IMAGE_BYTES:
        raise Invalid(_("De foto is te groot. Hoogstens 5 MB."))
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind = probe.format
            probe.verify()
        if kind not in ("JPEG", "PNG"):
            raise Invalid(_("Dit is geen JPEG- of PNG-foto."))
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > MAX_IMAGE_PIXELS:
                raise Invalid(_("De foto heeft te veel pixels."))
            image.load()
            upright = ImageOps.exif_transpose(image)
            out = io.BytesIO()
            # Only pixels leave: Pillow copies a JPEG comment (COM) and a PNG's ICC profile from `info` into
            # the new file, so `info` is emptied (keeping only a palette's transparency, which is no text).
            if kind == "JPEG":
                upright = upright.convert("RGB")
                upright.info = {}
                upright.save(out, "JPEG", quality=85, optimize=True)
                return out.getvalue(), "image/jpeg"
            if upright.mode not in ("RGB", "RGBA", "L", "LA", "P"):
                upright = upright.convert("RGBA")
            transparency = upright.info.get("transparency")
            upright.info = {} if transparency is None else {"transparency": transparency}
            upright.save(out, "PNG", optimize=True)
            return out.getvalue(), "image/png"
    except Invalid:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise Invalid(_("Dit is geen JPEG- of PNG-foto.")) from exc


def image_size(data: bytes | None) -> tuple[int, int] | None:
    """(width, height) of a stored image, read from its header only: for sized <img> tags."""
    from PIL import Image

    if not data:
        return None
    with Image.open(io.BytesIO(data)) as image:
        return image.size
