"""Product listing verbs: create, edit, photos, review, archive; buyers' enquiries."""

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.images import get_image_dimensions
from django.db import transaction
from django.db.models import F, Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import COMMUNITY_ROLES, Role, User
from civportal.files import removed_on_rollback
from civportal.versioning import bump, check_version
from notifications.models import Kind
from notifications.services import notify
from search import documents as search_documents

from .models import Enquiry, Product, ProductImage
from .permissions import (
    can_answer_enquiry,
    can_create_product,
    can_edit_product,
    can_review_product,
)

PRODUCT_FIELDS = (
    "name_th",
    "name_en",
    "category",
    "story",
    "price",
    "unit",
    "minimum_order",
    "made_to_order",
    "lead_time_days",
    "availability",
    "stock",
    "otop_stars",
    "fda_number",
    "community_standard",
    "gap_certified",
    "organic_thailand",
)

# Edits to these change what a buyer is promised (what it is, what it costs, what it
# claims to be certified as), so a published listing goes back to the province's officers.
# Photos count too (see the photo verbs below). Stock, availability, minimum order,
# lead time and sales channels are day-to-day upkeep: the listing stays published.
FIELDS_NEEDING_REVIEW = frozenset(
    {
        "name_th",
        "name_en",
        "category",
        "story",
        "price",
        "unit",
        "otop_stars",
        "fda_number",
        "community_standard",
        "gap_certified",
        "organic_thailand",
    }
)


# --- Who is told ------------------------------------------------------------------
def _officers_of(product) -> list[User]:
    return list(
        User.objects.filter(
            role=Role.OFFICER, provinces=product.community.province_id, is_active=True
        )
    )


def _members_of(community) -> list[User]:
    return list(User.objects.filter(community=community, role__in=COMMUNITY_ROLES, is_active=True))


def _tell_officers_submitted(product) -> None:
    notify(
        _officers_of(product),
        kind=Kind.LISTING_SUBMITTED,
        event_key=f"product:{product.pk}:submitted:{product.submitted_at.isoformat()}",
        template="notifications/listing_submitted",
        context={"product": product, "community": product.community},
        url=reverse("product_detail", args=[product.pk]),
    )


# --- Create and edit ------------------------------------------------------------------
def _apply(product, actor, fields, sales_channels) -> set[str]:
    """Set fields, validate, save; return the names of the fields whose value changed."""
    changed = set()
    for name, value in fields.items():
        if name not in PRODUCT_FIELDS:
            raise ValueError(f"not editable: {name}")
        if getattr(product, name) != value:
            changed.add(name)
        setattr(product, name, value)
    product.full_clean()
    product._history_user = actor
    product.save()
    if sales_channels is not None:
        product.sales_channels.set(sales_channels)
    search_documents.refresh_product(product.pk)
    return changed


def _save(actor, product, *fields) -> None:
    """Save some fields of a locked listing as one more version (a stale form then sees it)."""
    bump(product)
    product._history_user = actor
    product.save(update_fields=[*fields, "version", "updated_at"])
    if "status" in fields:
        # The community's document carries the names of its published listings.
        search_documents.refresh_community_only(product.community_id)


def _back_to_review(actor, product) -> None:
    """A published listing changed in a way that matters: hide it until an officer approves."""
    product.status = Product.Status.SUBMITTED
    product.submitted_at = timezone.now()
    _save(actor, product, "status", "submitted_at")
    _tell_officers_submitted(product)


@removed_on_rollback()
@transaction.atomic
def create_product(actor, community, *, sales_channels=None, photos=(), **fields) -> Product:
    """A member adds a listing to their community; it starts as a draft.

    ``photos`` are (large JPEG, WebP thumbnail) pairs already cleaned by the form.
    """
    if not can_create_product(actor, community):
        raise PermissionDenied
    product = Product(community=community, created_by=actor)
    _apply(product, actor, fields, sales_channels)
    _append_photos(product, photos)
    return product


@removed_on_rollback()
@transaction.atomic
def update_product(
    actor, product: Product, *, version=None, sales_channels=None, photos=(), **fields
) -> Product:
    """Edit a listing and add photos. A published listing whose FIELDS_NEEDING_REVIEW
    changed, or that got new photos, goes back to review.

    ``version`` is the one the edit form was read at: if someone saved since, a
    StaleEdit says what they changed and nothing is saved.
    """
    if not can_edit_product(actor, product):
        raise PermissionDenied
    product = Product.objects.select_for_update().select_related("community").get(pk=product.pk)
    check_version(product, version)
    bump(product)
    changed = _apply(product, actor, fields, sales_channels)
    added = _append_photos(product, photos)
    if product.status == Product.Status.PUBLISHED and (changed & FIELDS_NEEDING_REVIEW or added):
        _back_to_review(actor, product)
    return product


# --- Photos ---------------------------------------------------------------------------
def _locked_for_photos(actor, product) -> Product:
    if not can_edit_product(actor, product):
        raise PermissionDenied
    return Product.objects.select_for_update().select_related("community").get(pk=product.pk)


def _photos_changed(actor, product) -> None:
    if product.status == Product.Status.PUBLISHED:
        _back_to_review(actor, product)


def _append_photos(product, photos) -> list[ProductImage]:
    """Add photos after the last one; the first photo a product gets becomes its cover."""
    if not photos:
        return []
    last = product.images.aggregate(last=Max("position"))["last"]
    has_cover = product.images.filter(is_cover=True).exists()
    position = -1 if last is None else last
    added = []
    for large, thumb in photos:
        position += 1
        width, height = get_image_dimensions(large)
        added.append(
            ProductImage.objects.create(
                product=product,
                image=large,
                thumb=thumb,
                width=width,
                height=height,
                position=position,
                is_cover=not has_cover and not added,
            )
        )
    return added


@transaction.atomic
def move_product_photo(actor, photo: ProductImage, offset: int) -> None:
    """Swap a photo with its neighbour (offset -1: earlier, +1: later)."""
    product = _locked_for_photos(actor, photo.product)
    photos = list(product.images.order_by("position", "id"))
    index = next(i for i, p in enumerate(photos) if p.pk == photo.pk)
    target = index + offset
    if not 0 <= target < len(photos):
        return
    photos[index], photos[target] = photos[target], photos[index]
    for position, item in enumerate(photos):
        item.position = position
    ProductImage.objects.bulk_update(photos, ["position"])
    _photos_changed(actor, product)


@transaction.atomic
def set_product_cover(actor, photo: ProductImage) -> None:
    """Make this photo the cover; the old cover is cleared first (one cover per product)."""
    product = _locked_for_photos(actor, photo.product)
    if photo.is_cover:
        return
    product.images.filter(is_cover=True).update(is_cover=False)
    product.images.filter(pk=photo.pk).update(is_cover=True)
    _photos_changed(actor, product)


@transaction.atomic
def delete_product_photo(actor, photo: ProductImage) -> None:
    """Remove a photo; the next photo becomes the cover if it was the cover.

    Its files stay on disk until the daily sweep (``civportal.files.sweep_orphans``) finds
    no row pointing to them, so a backup taken meanwhile still has every file its rows name.
    """
    product = _locked_for_photos(actor, photo.product)
    was_cover = photo.is_cover
    photo.delete()
    product.images.filter(position__gt=photo.position).update(position=F("position") - 1)
    if was_cover:
        first = product.images.order_by("position", "id").first()
        if first:
            product.images.filter(pk=first.pk).update(is_cover=True)
    _photos_changed(actor, product)


# --- Review ---------------------------------------------------------------------------
@transaction.atomic
def submit_product(actor, product: Product) -> Product:
    """Send a draft (or a published listing) to the province's officers for review."""
    if not can_edit_product(actor, product):
        raise PermissionDenied
    product = Product.objects.select_for_update().select_related("community").get(pk=product.pk)
    if product.status not in (Product.Status.DRAFT, Product.Status.PUBLISHED):
        raise ValidationError(_("Only a draft can be sent for review."))
    product.status = Product.Status.SUBMITTED
    product.submitted_at = timezone.now()
    _save(actor, product, "status", "submitted_at")
    _tell_officers_submitted(product)
    return product


def _reviewed(actor, product) -> Product:
    if not can_review_product(actor, product):
        raise PermissionDenied
    product = Product.objects.select_for_update().select_related("community").get(pk=product.pk)
    if product.status != Product.Status.SUBMITTED:
        raise ValidationError(_("Only a listing sent for review can be approved or returned."))
    return product


@transaction.atomic
def publish_product(actor, product: Product) -> Product:
    """An officer of the province approves: the listing appears on the public site."""
    product = _reviewed(actor, product)
    product.status = Product.Status.PUBLISHED
    product.published_at = timezone.now()
    product.review_comment = ""
    _save(actor, product, "status", "published_at", "review_comment")
    notify(
        _members_of(product.community),
        kind=Kind.LISTING_APPROVED,
        event_key=f"product:{product.pk}:published:{product.published_at.isoformat()}",
        template="notifications/listing_approved",
        context={"product": product},
        url=reverse("public_product", args=[product.pk]),
    )
    return product


@transaction.atomic
def return_product(actor, product: Product, comment: str) -> Product:
    """An officer sends the listing back to the members as a draft, saying what to fix."""
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("Say what the community should change.")})
    product = _reviewed(actor, product)
    product.status = Product.Status.DRAFT
    product.review_comment = comment
    _save(actor, product, "status", "review_comment")
    notify(
        _members_of(product.community),
        kind=Kind.LISTING_RETURNED,
        event_key=f"product:{product.pk}:returned:{timezone.now().isoformat()}",
        template="notifications/listing_returned",
        context={"product": product, "comment": comment},
        url=reverse("product_detail", args=[product.pk]),
    )
    return product


@transaction.atomic
def archive_product(actor, product: Product) -> Product:
    """Take a listing off sale for good (kept with its history and enquiries)."""
    if not can_edit_product(actor, product):
        raise PermissionDenied
    product = Product.objects.select_for_update().get(pk=product.pk)
    product.status = Product.Status.ARCHIVED
    _save(actor, product, "status")
    return product


# --- Enquiries ------------------------------------------------------------------------
def enquiry_rate_limit() -> tuple[int, int]:
    """(enquiries allowed, per this many seconds) for one client address."""
    return (
        int(getattr(settings, "ENQUIRY_RATE_LIMIT", 5)),
        int(getattr(settings, "ENQUIRY_RATE_WINDOW", 600)),
    )


def _count_against_limit(client_address: str) -> None:
    allowed, window = enquiry_rate_limit()
    key = f"enquiry-rate:{client_address}"
    # add() starts the window only if none is running; incr() is atomic in Redis.
    cache.add(key, 0, timeout=window)
    if cache.incr(key) > allowed:
        raise ValidationError(
            _(
                "Too many enquiries from your connection. Please wait %(minutes)d minutes "
                "and try again."
            )
            % {"minutes": max(1, window // 60)},
            code="rate_limited",
        )


@transaction.atomic
def send_enquiry(
    product: Product, *, client_address: str, name: str, contact: str, message: str, quantity=None
) -> Enquiry:
    """A buyer writes about a published product; the community's members are told."""
    product = Product.objects.select_related("community").get(pk=product.pk)
    if product.status != Product.Status.PUBLISHED:
        raise ValidationError(_("This product is not on sale at the moment."))
    _count_against_limit(client_address)
    enquiry = Enquiry(
        product=product,
        community=product.community,
        name=name,
        contact=contact,
        quantity=quantity,
        message=message,
    )
    enquiry.full_clean()
    enquiry.save()
    notify(
        _members_of(product.community),
        kind=Kind.ENQUIRY_RECEIVED,
        event_key=f"enquiry:{enquiry.pk}",
        template="notifications/enquiry_received",
        context={"enquiry": enquiry, "product": product},
        url=reverse("enquiry_list"),
    )
    return enquiry


@transaction.atomic
def mark_enquiry_answered(actor, enquiry: Enquiry) -> Enquiry:
    """A member records that the buyer has been answered."""
    if not can_answer_enquiry(actor, enquiry):
        raise PermissionDenied
    enquiry = Enquiry.objects.select_for_update().get(pk=enquiry.pk)
    if enquiry.status == Enquiry.Status.NEW:
        enquiry.status = Enquiry.Status.ANSWERED
        enquiry.answered_at = timezone.now()
        enquiry.answered_by = actor
        enquiry.save(update_fields=["status", "answered_at", "answered_by"])
    return enquiry
