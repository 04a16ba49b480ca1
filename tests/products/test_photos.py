"""Product photos: only real, reasonably sized images; stored cleaned and resized."""

import errno
import struct
import zlib
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from PIL import ExifTags, Image

from products.models import Product, ProductImage
from products.services import delete_product_photo, move_product_photo, set_product_cover
from tests.communities.helpers import truncated_jpeg
from tests.storage import block_upload_folder, files_under

from .conftest import photo_bytes, signed_in, upload

pytestmark = pytest.mark.django_db

FORM = {
    "name_th": "มะนาวผง สูตรใหม่",
    "name_en": "Lime powder, new recipe",
    "category": "food",
    "story": "มะนาวแป้นจากสวนของชุมชน",
    "price": "150.00",
    "unit": "ถุง",
    "minimum_order": "2",
    "availability": "in_stock",
}


def huge_png(width=20000, height=20000) -> bytes:
    """A valid PNG header claiming 20000×20000 pixels (the data is never decoded)."""

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    row = b"\x00" + b"\x00" * 3 * 16
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row))
        + chunk(b"IEND", b"")
    )


def thirty_megabytes() -> bytes:
    return photo_bytes()[:-2] + b"\x00" * (30 * 1024 * 1024) + b"\xff\xd9"


BAD_FILES = [
    pytest.param(
        "notes.jpg", b"This is a shopping list, not a photo.\n" * 20, "not a photo", id="text"
    ),
    pytest.param("huge.png", huge_png(), "too large", id="20000x20000-png"),
    pytest.param("big.jpg", thirty_megabytes(), "too large (30 MB)", id="30-mb"),
    pytest.param(
        "IMG_0002.jpg", truncated_jpeg().read(), "damaged or incomplete", id="truncated-jpeg"
    ),
]


@pytest.mark.parametrize(("name", "content", "message"), BAD_FILES)
def test_a_bad_file_is_refused_with_a_clear_message_and_the_form_keeps_what_was_typed(
    client, settings, name, content, message
):
    settings.LANGUAGE_CODE = "en"
    client.cookies["django_language"] = "en"
    signed_in(client, "member.paentai@civ.example")
    photos_before = ProductImage.objects.count()  # the demo's own
    response = client.post(reverse("product_create"), {**FORM, "photos": [upload(name, content)]})
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page and name in page
    assert 'value="มะนาวผง สูตรใหม่"' in page
    assert "มะนาวแป้นจากสวนของชุมชน" in page
    assert 'value="150.00"' in page
    assert not Product.objects.filter(name_th=FORM["name_th"]).exists()
    assert ProductImage.objects.count() == photos_before


def test_a_photo_with_gps_exif_is_stored_without_it_upright_and_resized(client):
    signed_in(client, "member.paentai@civ.example")
    original = photo_bytes(size=(3000, 2000), gps=True, orientation=6)
    assert Image.open(BytesIO(original)).getexif().get_ifd(ExifTags.IFD.GPSInfo)

    response = client.post(
        reverse("product_create"), {**FORM, "photos": [upload("gps.jpg", original)]}
    )
    assert response.status_code == 302
    photo = ProductImage.objects.get(product__name_th=FORM["name_th"])
    for stored, longest in ((photo.image, 1600), (photo.thumb, 400)):
        with Image.open(stored.path) as image:
            exif = image.getexif()
            assert not exif.get_ifd(ExifTags.IFD.GPSInfo)
            assert ExifTags.Base.Make not in exif
            # Orientation 6 (turned on its side) is applied: portrait now, longest side capped.
            assert image.size[1] > image.size[0] and max(image.size) == longest
    assert photo.image.name.endswith(".jpg") and photo.thumb.name.endswith(".webp")
    assert photo.is_cover


def test_two_photos_in_one_go_keep_their_order_and_the_first_is_the_cover(client):
    signed_in(client, "member.paentai@civ.example")
    photos = [
        upload("a.jpg", photo_bytes(color=(255, 0, 0))),
        upload("b.png", photo_bytes(fmt="PNG"), "image/png"),
    ]
    client.post(reverse("product_create"), {**FORM, "photos": photos})
    stored = list(ProductImage.objects.filter(product__name_th=FORM["name_th"]))
    assert [p.position for p in stored] == [0, 1]
    assert [p.is_cover for p in stored] == [True, False]


@pytest.fixture
def three_photos(lime_powder, paentai_member):
    """A draft with three photos (a published listing's photo changes wait for review:
    tests/products/test_revisions.py)."""
    from products.services import create_product

    draft = create_product(
        paentai_member,
        lime_powder.community,
        name_th="มะนาวแช่อิ่ม",
        category=Product.Category.FOOD,
        price=Decimal("80"),
        unit="กระปุก",
        photos=[
            (upload(f"{n}.jpg"), upload(f"{n}-thumb.webp", content_type="image/webp"))
            for n in "abc"
        ],
    )
    return list(draft.images.order_by("position"))


def test_photos_move_up_and_down(three_photos, paentai_member):
    first, second, third = three_photos
    move_product_photo(paentai_member, third, -1)
    assert list(first.product.images.values_list("pk", flat=True)) == [
        first.pk,
        third.pk,
        second.pk,
    ]
    move_product_photo(paentai_member, first, -1)  # already first: nothing changes
    assert first.product.images.first().pk == first.pk


def test_choosing_another_cover_leaves_exactly_one(three_photos, paentai_member):
    set_product_cover(paentai_member, three_photos[2])
    assert list(three_photos[0].product.images.filter(is_cover=True)) == [three_photos[2]]


def test_removing_the_cover_makes_the_next_photo_the_cover(
    three_photos, paentai_member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        delete_product_photo(paentai_member, three_photos[0])
    remaining = list(three_photos[1].product.images.all())
    assert [p.pk for p in remaining] == [three_photos[1].pk, three_photos[2].pk]
    assert [p.position for p in remaining] == [0, 1] and remaining[0].is_cover


def test_a_removed_photos_files_stay_until_the_daily_sweep(
    three_photos, paentai_member, django_capture_on_commit_callbacks
):
    """A backup taken between the removal and the sweep still has the files its rows name."""
    from civportal.files import sweep_orphans

    removed = three_photos[0]
    storage = removed.image.storage
    with django_capture_on_commit_callbacks(execute=True):
        delete_product_photo(paentai_member, removed)
    assert storage.exists(removed.image.name) and storage.exists(removed.thumb.name)

    swept = sweep_orphans(older_than_hours=0)

    assert swept == sorted([removed.image.name, removed.thumb.name])
    assert not storage.exists(removed.image.name)
    assert all(storage.exists(photo.image.name) for photo in three_photos[1:])


def test_the_phone_form_opens_the_camera_for_several_photos(client):
    signed_in(client, "member.paentai@civ.example")
    page = client.get(reverse("product_create")).content.decode()
    assert 'type="file"' in page and 'accept="image/*"' in page
    assert 'capture="environment"' in page and "multiple" in page


# --- Storage faults: all or nothing ----------------------------------------------------
@pytest.mark.parametrize(
    "folder", ["products", "products/thumbs"], ids=["full-size-write-fails", "thumbnail-fails"]
)
def test_a_storage_failure_is_a_form_error_that_keeps_the_input_and_leaves_nothing(
    client, settings, caplog, folder
):
    blocker = block_upload_folder(settings.MEDIA_ROOT, folder)
    client.cookies["django_language"] = "en"
    signed_in(client, "member.paentai@civ.example")
    photos_before = ProductImage.objects.count()  # the demo's own

    response = client.post(reverse("product_create"), {**FORM, "photos": [upload("a.jpg")]})

    assert response.status_code == 200
    page = response.content.decode()
    assert "The file could not be saved. Please try again" in page
    assert str(settings.MEDIA_ROOT) not in page  # no server path for the user
    assert 'value="มะนาวผง สูตรใหม่"' in page and 'value="150.00"' in page
    assert not Product.objects.filter(name_th=FORM["name_th"]).exists()
    assert ProductImage.objects.count() == photos_before
    assert files_under(settings.MEDIA_ROOT, besides=[blocker]) == []
    assert str(settings.MEDIA_ROOT) in caplog.text  # the details are in the log


def test_a_full_disk_on_a_thumbnail_leaves_no_half_written_file(
    client, settings, monkeypatch, lime_powder, paentai_member
):
    from django.core.exceptions import ValidationError
    from django.core.files.storage import FileSystemStorage

    from products.services import update_product

    real_save = FileSystemStorage._save

    def disk_fills_on_thumbnails(storage, name, content):
        if name.startswith("products/thumbs/"):
            real_save(storage, name, ContentFile(b"half a thumbn"))  # the bytes that fitted
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_save(storage, name, content)

    monkeypatch.setattr(FileSystemStorage, "_save", disk_fills_on_thumbnails)
    before = lime_powder.images.count()
    with pytest.raises(ValidationError, match="could not be saved"):
        update_product(paentai_member, lime_powder, photos=[(upload("a.jpg"), upload("a.webp"))])
    assert lime_powder.images.count() == before
    assert files_under(settings.MEDIA_ROOT) == []


# --- Photos by row: public once published, otherwise only in scope ----------------------
@pytest.fixture
def photographed(lime_powder, paentai_member):
    """มะนาวผง with one photo, back in review (a photo change needs a new review)."""
    from products.services import update_product

    update_product(
        paentai_member,
        lime_powder,
        photos=[(upload("a.jpg"), upload("a.webp", photo_bytes(fmt="WEBP"), "image/webp"))],
    )
    lime_powder.refresh_from_db()
    return lime_powder.images.get()


def test_a_published_listings_photo_is_public_and_cached_for_a_week(
    client, photographed, lampang_officer
):
    from products.services import publish_product

    publish_product(lampang_officer, photographed.product)
    for size, content_type in (("large", "image/jpeg"), ("thumb", "image/webp")):
        response = client.get(reverse("product_photo", args=[photographed.pk, size]))
        assert response.status_code == 200
        assert response["Content-Type"] == content_type
        assert response["Cache-Control"] == "public, max-age=604800"


@pytest.mark.parametrize("status", ["submitted", "draft", "archived"])
def test_an_unpublished_listings_photo_is_only_for_people_in_its_scope(
    client, photographed, status
):
    Product.objects.filter(pk=photographed.product_id).update(status=status)
    url = reverse("product_photo", args=[photographed.pk, "large"])
    assert client.get(url).status_code == 404  # anonymous
    for email in ("member.paentai@civ.example", "officer.lampang@civ.example"):
        signed_in(client, email)
        response = client.get(url)
        assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    for email in ("member.maejaem@civ.example", "officer.saraburi@civ.example"):
        signed_in(client, email)
        assert client.get(url).status_code == 404


def test_a_photo_without_a_thumbnail_serves_the_large_one_and_other_sizes_are_404(
    client, photographed
):
    ProductImage.objects.filter(pk=photographed.pk).update(thumb="")
    signed_in(client, "member.paentai@civ.example")
    thumb = client.get(reverse("product_photo", args=[photographed.pk, "thumb"]))
    assert thumb.status_code == 200 and thumb["Content-Type"] == "image/jpeg"
    assert client.get(f"/photos/product/{photographed.pk}/original/").status_code == 404


def test_pages_show_product_photos_through_the_photo_route(client, photographed):
    signed_in(client, "member.paentai@civ.example")
    page = client.get(reverse("product_edit", args=[photographed.product_id])).content.decode()
    assert reverse("product_photo", args=[photographed.pk, "thumb"]) in page
    assert "/media/" not in page
