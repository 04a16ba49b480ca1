"""Uploaded photos: checked to really be images, bounded in size, cleaned and resized.

Used by every upload of a photo (community, visit, product). Pillow does the work:
the file is decoded (not trusted by its name), decompression bombs are refused,
orientation is applied from EXIF and then all metadata (GPS included) is dropped.
"""

from contextlib import contextmanager
from io import BytesIO

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

MAX_UPLOAD_BYTES = 15 * 1024 * 1024
# 40 megapixels is more than any phone camera; beyond that decoding could exhaust memory.
MAX_PIXELS = 40_000_000
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "MPO"}
# What a photo is saved as when it keeps its own format (an MPO is a JPEG with extras).
SAME_FORMAT = {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG", "WEBP": "WEBP"}


def validate_image_upload(upload) -> None:
    """Refuse what is not a whole, reasonably sized JPEG/PNG/WebP photo, in Thai and English."""
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("The file is too large (%(size)d MB). Photos may be at most %(max)d MB.")
            % {"size": upload.size // (1024 * 1024), "max": MAX_UPLOAD_BYTES // (1024 * 1024)},
            code="too_large",
        )
    position = upload.tell()
    try:
        with _readable_photo():
            with Image.open(upload) as image:
                width, height = image.size
                if width * height > MAX_PIXELS:
                    raise ValidationError(
                        _(
                            "The photo is too large (%(w)d×%(h)d pixels). "
                            "Please use a smaller photo."
                        )
                        % {"w": width, "h": height},
                        code="too_many_pixels",
                    )
                if image.format not in ALLOWED_FORMATS:
                    raise ValidationError(
                        _("Please upload a JPEG, PNG or WebP photo."), code="bad_format"
                    )
                image.verify()
            # verify() reads the headers only: a JPEG cut off half-way (a phone upload
            # that broke) passes it and fails later, when the pixels are decoded. So decode
            # them all now; a JPEG is decoded at 1/8 scale, which still reads every byte.
            upload.seek(position)
            # WeasyPrint switches this process-wide setting on when it is imported (the
            # worker does, for PDFs whose pages hold no photos); photos stay strict.
            ImageFile.LOAD_TRUNCATED_IMAGES = False
            try:
                with Image.open(upload) as image:
                    image.draft(image.mode, (width // 8, height // 8))
                    image.load()
            except OSError as exc:
                raise ValidationError(
                    _(
                        "This photo is damaged or incomplete (perhaps the upload was cut "
                        "off). Please choose it again."
                    ),
                    code="incomplete",
                ) from exc
    finally:
        upload.seek(position)


@contextmanager
def _readable_photo():
    """Whatever Pillow raises for a file it cannot read becomes one clear form error."""
    try:
        yield
    except Image.DecompressionBombError as exc:
        raise ValidationError(
            _("The photo is too large in pixels. Please use a smaller photo."),
            code="too_many_pixels",
        ) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError(
            _("This file is not a photo we can read. Please choose a JPEG, PNG or WebP photo."),
            code="not_an_image",
        ) from exc


def clean_photo(upload, *, max_side: int = 2000, quality: int = 85, fmt: str | None = "JPEG"):
    """Return a new upload: oriented upright, metadata stripped, at most ``max_side`` pixels.

    ``fmt=None`` keeps the photo's own format (a PNG keeps its transparency).
    """
    validate_image_upload(upload)
    # Validation decoded the file once; a failure here too must stay a form error, not a 500.
    with _readable_photo(), Image.open(upload) as image:
        fmt = fmt or SAME_FORMAT[image.format]
        image = ImageOps.exif_transpose(image)
        if fmt == "JPEG" and image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        image.thumbnail((max_side, max_side))
        buffer = BytesIO()
        # Saving without exif=/info carries no metadata over: GPS and camera data are gone.
        image.save(buffer, fmt, quality=quality, optimize=True)
    extension = {"JPEG": "jpg", "WEBP": "webp", "PNG": "png"}[fmt]
    name = f"{upload.name.rsplit('.', 1)[0][:80]}.{extension}"
    buffer.seek(0)
    return InMemoryUploadedFile(
        buffer,
        "image",
        name,
        f"image/{extension.replace('jpg', 'jpeg')}",
        buffer.getbuffer().nbytes,
        None,
    )
