from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image

from accounts.models import User
from products.models import Product


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Photos written by a test go to its own folder, not var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def demo_user(email) -> User:
    return User.objects.get(email=email)


def signed_in(client, email):
    user = demo_user(email)
    client.force_login(user)
    return user


def photo_bytes(size=(640, 480), color=(200, 160, 40), gps=False, orientation=None, fmt="JPEG"):
    """A real photo; optionally with GPS and camera EXIF and an orientation tag."""
    image = Image.new("RGB", size, color)
    exif = Image.Exif()
    if gps or orientation:
        exif[ExifTags.Base.Make] = "TestCam"
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    if gps:
        gps_ifd = exif.get_ifd(ExifTags.IFD.GPSInfo)
        gps_ifd[ExifTags.GPS.GPSLatitudeRef] = "N"
        gps_ifd[ExifTags.GPS.GPSLatitude] = (18.0, 49.0, 30.0)
        gps_ifd[ExifTags.GPS.GPSLongitudeRef] = "E"
        gps_ifd[ExifTags.GPS.GPSLongitude] = (99.0, 30.0, 10.0)
    buffer = BytesIO()
    image.save(buffer, fmt, exif=exif)
    return buffer.getvalue()


def upload(name="photo.jpg", content=None, content_type="image/jpeg"):
    return SimpleUploadedFile(name, content if content is not None else photo_bytes(), content_type)


@pytest.fixture
def lime_powder():
    """The demo's lime powder without the illustration seed_demo gave it: photo tests
    start from a listing with no photo and add their own."""
    product = Product.objects.select_related("community").get(name_th="มะนาวผง")
    product.images.all().delete()
    return product


@pytest.fixture
def paentai_member():
    return demo_user("member.paentai@civ.example")


@pytest.fixture
def lampang_officer():
    return demo_user("officer.lampang@civ.example")
