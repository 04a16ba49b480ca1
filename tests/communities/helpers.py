"""Building communities, visits and photos the way the product does: through the services."""

from datetime import timedelta
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from accounts.models import User
from communities.models import Indicator, Subdistrict
from communities.services import log_visit, register_community

NAKHON = "80"


def officer(email="officer.nakhon@civ.example") -> User:
    return User.objects.get(email=email)


def tambons(province=NAKHON):
    return list(
        Subdistrict.objects.filter(district__province_id=province)
        .select_related("district")
        .order_by("code")
    )


def register_many(actor, n, province=NAKHON, prefix="ชุมชนทดสอบ"):
    places = tambons(province)
    return [
        register_community(actor, name_th=f"{prefix} {i}", subdistrict=places[i % len(places)])
        for i in range(n)
    ]


def log_visits(actor, community, n, indicators=None):
    indicators = indicators or list(Indicator.objects.filter(active=True)[:2])
    today = timezone.localdate()
    return [
        log_visit(
            actor,
            community,
            visited_on=today - timedelta(days=n - i),
            summary=f"เยี่ยมครั้งที่ {i + 1}",
            values=dict.fromkeys(indicators, 100 + i),
        )
        for i in range(n)
    ]


def png(name="photo.png", size=(64, 48)) -> SimpleUploadedFile:
    buffer = BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def huge_png_header(name="huge.jpg", width=20000, height=20000) -> SimpleUploadedFile:
    """A real PNG whose header says width×height: enough for the decoder to refuse it.

    Patching the IHDR of a tiny image avoids allocating 400 megapixels in the test.
    """
    import struct
    import zlib

    data = bytearray(png().read())
    ihdr = 8  # after the signature: length (4), b"IHDR" (4), then the 13 data bytes
    struct.pack_into(">II", data, ihdr + 8, width, height)
    crc = zlib.crc32(bytes(data[ihdr + 4 : ihdr + 8 + 13]))
    struct.pack_into(">I", data, ihdr + 8 + 13, crc)
    return SimpleUploadedFile(name, bytes(data), content_type="image/jpeg")


def truncated_jpeg(name="IMG_0002.jpg") -> SimpleUploadedFile:
    """A camera photo whose upload broke off half-way: its header is whole, its pixels not."""
    buffer = BytesIO()
    Image.effect_noise((640, 480), 60).convert("RGB").save(buffer, "JPEG")
    data = buffer.getvalue()
    return SimpleUploadedFile(name, data[: len(data) // 2], content_type="image/jpeg")
