"""Product listing verbs: create, edit, photos, review, archive; buyers' enquiries."""

import copy

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.images import get_image_dimensions
from django.db import transaction
from django.db.models import F, Max
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import COMMUNITY_ROLES, Role, User
from civportal.files import removed_on_rollback
from civportal.versioning import bump, check_version
from notifications.models import Kind
from notifications.services import notify, settle
from outbox.models import Channel, Delivery
from outbox.services import record_deliveries
from search import documents as search_documents

from .models import (
    REVISION_FIELDS,
    Enquiry,
    EnquiryReply,
    Product,
    ProductImage,
    ProductRevision,
)
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
# claims to be certified as), so on a published listing they wait in a ProductRevision
# for the province's officers while the public keeps the approved version. Photos count
# too (see the photo verbs below). Stock, availability, minimum order, lead time and sales
# channels are day-to-day upkeep: they apply at once, to the public version and to any
# pending change alike (the revision holds only these fields).
FIELDS_NEEDING_REVIEW = frozenset(REVISION_FIELDS)


# --- Who is told ------------------------------------------------------------------
def _officers_of(product) -> list[User]:
    return list(
        User.objects.filter(
            role=Role.OFFICER, provinces=product.community.province_id, is_active=True
        )
    )


def _members_of(community) -> list[User]:
    return list(User.objects.filter(community=community, role__in=COMMUNITY_ROLES, is_active=True))


def _submitted_key(product) -> str:
    """The prefix of every "awaiting review" notification about this listing."""
    return f"product:{product.pk}:submitted:"


def _tell_officers_submitted(product, submitted_at=None) -> None:
    """A new listing, or a change of a published one (``submitted_at`` of its revision)."""
    submitted_at = submitted_at or product.submitted_at
    is_change = product.status == Product.Status.PUBLISHED
    notify(
        _officers_of(product),
        kind=Kind.LISTING_SUBMITTED,
        event_key=f"{_submitted_key(product)}{submitted_at.isoformat()}",
        template="notifications/listing_change_submitted"
        if is_change
        else "notifications/listing_submitted",
        context={"product": product.as_revised(), "community": product.community},
        url=reverse("product_detail", args=[product.pk]),
    )


def _review_settled(product) -> None:
    """The review is over (published, returned, withdrawn, archived): every officer's
    "awaiting review" notification about it is marked read, not left pointing at it."""
    settle(Kind.LISTING_SUBMITTED, _submitted_key(product))


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
    """Edit a listing and add photos.

    On a published listing, changes to FIELDS_NEEDING_REVIEW and new photos go into its
    open revision (opened now if none) for the officers, and the public keeps the
    approved version; the other fields apply at once. ``version`` is the one the edit
    form was read at: if someone saved since, a StaleEdit says what they changed and
    nothing is saved.
    """
    if not can_edit_product(actor, product):
        raise PermissionDenied
    product = _locked(product)
    check_version(product, version)
    bump(product)
    if product.status != Product.Status.PUBLISHED:
        _apply(product, actor, fields, sales_channels)
        _append_photos(product, photos)
        return product
    for name in fields:
        if name not in PRODUCT_FIELDS:
            raise ValueError(f"not editable: {name}")
    # Validate the whole proposal (a bad price is refused even though it only waits).
    proposal = copy.copy(product.as_revised())
    for name, value in fields.items():
        setattr(proposal, name, value)
    proposal.full_clean()
    upkeep = {n: v for n, v in fields.items() if n not in FIELDS_NEEDING_REVIEW}
    _apply(product, actor, upkeep, sales_channels)
    revision = product.open_revision
    current = revision or product
    reviewed = {
        n: v for n, v in fields.items() if n in FIELDS_NEEDING_REVIEW and getattr(current, n) != v
    }
    if reviewed or photos:
        revision = revision or _open_revision(actor, product)
        for name, value in reviewed.items():
            setattr(revision, name, value)
        _append_photos(product, photos, revision=revision)
        _revision_submitted(product, revision)
    return product


def _locked(product) -> Product:
    """The listing, locked; its revision rides along (every change to a revision is made
    under this lock, so the product row's lock guards both)."""
    return (
        Product.objects.select_for_update(of=("self",))
        .select_related("community", "revision")
        .get(pk=product.pk)
    )


def _open_revision(actor, product) -> ProductRevision:
    """Start a change of a published listing from its approved version and photos."""
    photos = list(product.images.filter(revision=None).order_by("position", "id"))
    revision = ProductRevision(
        product=product,
        photo_ids=[photo.pk for photo in photos],
        cover_photo_id=next((photo.pk for photo in photos if photo.is_cover), None),
        submitted_at=timezone.now(),
        created_by=actor,
        **{name: getattr(product, name) for name in REVISION_FIELDS},
    )
    revision.save()
    product.revision = revision
    return revision


def _revision_submitted(product, revision) -> None:
    """The change (again) waits for review; the province's officers are told."""
    revision.status = ProductRevision.Status.PENDING
    revision.submitted_at = timezone.now()
    revision.save()
    _tell_officers_submitted(product, revision.submitted_at)


@transaction.atomic
def withdraw_revision(actor, product: Product) -> Product:
    """A member takes back the change waiting for review: the published version stays as
    it is, and the photos added for the change are dropped."""
    if not can_edit_product(actor, product):
        raise PermissionDenied
    product = _locked(product)
    revision = product.open_revision
    if revision is None:
        raise ValidationError(_("There is no change waiting for review."))
    revision.delete()  # its new photos go with it; their files are swept later
    product.revision = None
    _save(actor, product)
    _review_settled(product)
    return product


# --- Photos ---------------------------------------------------------------------------
# On a published listing a photo change is a reviewed change: it rearranges the open
# revision's proposed photos (photo_ids, cover_photo_id) and the public photos stay.
def _locked_for_photos(actor, product) -> Product:
    if not can_edit_product(actor, product):
        raise PermissionDenied
    return _locked(product)


def _photo_revision(actor, product) -> ProductRevision | None:
    """The revision a photo change goes into, for a published listing; None otherwise."""
    if product.status != Product.Status.PUBLISHED:
        return None
    return product.open_revision or _open_revision(actor, product)


def _append_photos(product, photos, revision=None) -> list[ProductImage]:
    """Add photos after the last one; the first photo a product gets becomes its cover.

    With a ``revision`` they are proposed only: listed in its photo_ids, not public yet.
    """
    if not photos:
        return []
    last = product.images.aggregate(last=Max("position"))["last"]
    has_cover = revision is not None or product.images.filter(is_cover=True).exists()
    position = -1 if last is None else last
    added = []
    for large, thumb in photos:
        position += 1
        width, height = get_image_dimensions(large)
        added.append(
            ProductImage.objects.create(
                product=product,
                revision=revision,
                image=large,
                thumb=thumb,
                width=width,
                height=height,
                position=position,
                is_cover=not has_cover and not added,
            )
        )
    if revision is not None:
        revision.photo_ids = [*revision.photo_ids, *(photo.pk for photo in added)]
        if revision.cover_photo_id is None:
            revision.cover_photo_id = added[0].pk
    return added


@transaction.atomic
def move_product_photo(actor, photo: ProductImage, offset: int) -> None:
    """Swap a photo with its neighbour (offset -1: earlier, +1: later)."""
    product = _locked_for_photos(actor, photo.product)
    revision = _photo_revision(actor, product)
    if revision is not None:
        ids = list(revision.photo_ids)
        if photo.pk not in ids:
            return
        index = ids.index(photo.pk)
        target = index + offset
        if 0 <= target < len(ids):
            ids[index], ids[target] = ids[target], ids[index]
            revision.photo_ids = ids
            _revision_submitted(product, revision)
        return
    photos = list(product.images.order_by("position", "id"))
    index = next(i for i, p in enumerate(photos) if p.pk == photo.pk)
    target = index + offset
    if not 0 <= target < len(photos):
        return
    photos[index], photos[target] = photos[target], photos[index]
    for position, item in enumerate(photos):
        item.position = position
    ProductImage.objects.bulk_update(photos, ["position"])


@transaction.atomic
def set_product_cover(actor, photo: ProductImage) -> None:
    """Make this photo the cover; the old cover is cleared first (one cover per product)."""
    product = _locked_for_photos(actor, photo.product)
    revision = _photo_revision(actor, product)
    if revision is not None:
        if photo.pk in revision.photo_ids and revision.cover_photo_id != photo.pk:
            revision.cover_photo_id = photo.pk
            _revision_submitted(product, revision)
        return
    if photo.is_cover:
        return
    product.images.filter(is_cover=True).update(is_cover=False)
    product.images.filter(pk=photo.pk).update(is_cover=True)


@transaction.atomic
def delete_product_photo(actor, photo: ProductImage) -> None:
    """Remove a photo; the next photo becomes the cover if it was the cover.

    Its files stay on disk until the daily sweep (``civportal.files.sweep_orphans``) finds
    no row pointing to them, so a backup taken meanwhile still has every file its rows name.
    On a published listing a public photo is only left out of the proposed photos: it
    goes when the officer publishes the change.
    """
    product = _locked_for_photos(actor, photo.product)
    revision = _photo_revision(actor, product)
    if revision is not None:
        if photo.pk not in revision.photo_ids:
            return
        revision.photo_ids = [pk for pk in revision.photo_ids if pk != photo.pk]
        if revision.cover_photo_id == photo.pk:
            revision.cover_photo_id = revision.photo_ids[0] if revision.photo_ids else None
        if photo.revision_id == revision.pk:
            photo.delete()
        _revision_submitted(product, revision)
        return
    was_cover = photo.is_cover
    photo.delete()
    product.images.filter(position__gt=photo.position).update(position=F("position") - 1)
    if was_cover:
        first = product.images.order_by("position", "id").first()
        if first:
            product.images.filter(pk=first.pk).update(is_cover=True)


# --- Review ---------------------------------------------------------------------------
@transaction.atomic
def submit_product(actor, product: Product) -> Product:
    """Send a draft to the province's officers for review."""
    if not can_edit_product(actor, product):
        raise PermissionDenied
    product = _locked(product)
    if product.status != Product.Status.DRAFT:
        raise ValidationError(_("Only a draft can be sent for review."))
    product.status = Product.Status.SUBMITTED
    product.submitted_at = timezone.now()
    _save(actor, product, "status", "submitted_at")
    _tell_officers_submitted(product)
    return product


def _reviewed(actor, product) -> Product:
    if not can_review_product(actor, product):
        raise PermissionDenied
    product = _locked(product)
    if not awaits_review(product):
        raise ValidationError(_("Only a listing sent for review can be approved or returned."))
    return product


def awaits_review(product) -> bool:
    """A new listing sent for review, or a published one with a change waiting."""
    if product.status == Product.Status.SUBMITTED:
        return True
    revision = product.open_revision
    return (
        product.status == Product.Status.PUBLISHED
        and revision is not None
        and revision.status == ProductRevision.Status.PENDING
    )


def _publish_revision(actor, product) -> None:
    """The revision becomes the public version in one step, under the row lock: its
    fields, its photos in its order with its cover; photos it left out are removed."""
    revision = product.open_revision
    for name in REVISION_FIELDS:
        setattr(product, name, getattr(revision, name))
    product.full_clean()
    keep = list(revision.photo_ids)
    cover = revision.cover_photo_id if revision.cover_photo_id in keep else None
    product.images.exclude(pk__in=keep).delete()
    product.images.filter(is_cover=True).update(is_cover=False)
    photos = {photo.pk: photo for photo in product.images.all()}
    for position, pk in enumerate(keep):
        photos[pk].position = position
        photos[pk].is_cover = pk == (cover or keep[0])
        photos[pk].revision = None
    ProductImage.objects.bulk_update(photos.values(), ["position", "is_cover", "revision"])
    revision.delete()
    product.revision = None
    bump(product)
    product._history_user = actor


@transaction.atomic
def publish_product(actor, product: Product) -> Product:
    """An officer of the province approves: the listing appears on the public site, or
    its waiting change replaces the public version."""
    product = _reviewed(actor, product)
    if product.status == Product.Status.PUBLISHED:
        _publish_revision(actor, product)
    else:
        bump(product)
        product._history_user = actor
    product.status = Product.Status.PUBLISHED
    product.published_at = timezone.now()
    product.review_comment = ""
    product.save()
    # The public version may have new names or story: its search document follows.
    search_documents.refresh_product(product.pk)
    _review_settled(product)
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
    """An officer sends the listing back to the members, saying what to fix: a new
    listing becomes a draft; a published one stays public and its change is returned."""
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("Say what the community should change.")})
    product = _reviewed(actor, product)
    if product.status == Product.Status.PUBLISHED:
        revision = product.open_revision
        revision.status = ProductRevision.Status.RETURNED
        revision.review_comment = comment
        revision.save(update_fields=["status", "review_comment"])
        _save(actor, product)
    else:
        product.status = Product.Status.DRAFT
        product.review_comment = comment
        _save(actor, product, "status", "review_comment")
    _review_settled(product)
    notify(
        _members_of(product.community),
        kind=Kind.LISTING_RETURNED,
        event_key=f"product:{product.pk}:returned:{timezone.now().isoformat()}",
        template="notifications/listing_returned",
        context={"product": product.as_revised(), "comment": comment},
        url=reverse("product_detail", args=[product.pk]),
    )
    return product


@transaction.atomic
def archive_product(actor, product: Product) -> Product:
    """Take a listing off sale (kept with its history, enquiries and any waiting change)."""
    if not can_edit_product(actor, product):
        raise PermissionDenied
    product = _locked(product)
    if product.status == Product.Status.ARCHIVED:
        return product
    product.status_before_archive = product.status
    product.status = Product.Status.ARCHIVED
    _save(actor, product, "status", "status_before_archive")
    _review_settled(product)
    return product


@transaction.atomic
def restore_product(actor, product: Product) -> Product:
    """Bring an archived listing back where it was.

    A listing that was published comes back published: archiving froze it (it cannot be
    edited while archived), so it is exactly the version an officer approved, and a
    member who archived by mistake expects it back on sale at once. A waiting change is
    sent to the officers again. Anything else comes back as a draft to send for review.
    """
    if not can_edit_product(actor, product):
        raise PermissionDenied
    product = _locked(product)
    if product.status != Product.Status.ARCHIVED:
        raise ValidationError(_("Only an archived listing can be restored."))
    was_published = (
        product.status_before_archive == Product.Status.PUBLISHED and product.published_at
    )
    product.status = Product.Status.PUBLISHED if was_published else Product.Status.DRAFT
    product.status_before_archive = ""
    _save(actor, product, "status", "status_before_archive")
    revision = product.open_revision
    if was_published and revision and revision.status == ProductRevision.Status.PENDING:
        _revision_submitted(product, revision)
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


@transaction.atomic
def reply_to_enquiry(actor, enquiry: Enquiry, message: str) -> EnquiryReply:
    """A member answers a buyer from the portal: the reply goes to the buyer's e-mail
    through the outbox (once: the delivery key is the reply's), and the enquiry is
    marked answered. The member sees the e-mail's status on the enquiry."""
    if not can_answer_enquiry(actor, enquiry):
        raise PermissionDenied
    enquiry = (
        Enquiry.objects.select_for_update()
        .select_related("product", "community")
        .get(pk=enquiry.pk)
    )
    message = (message or "").strip()
    if not message:
        raise ValidationError({"message": _("Write your reply to the buyer.")})
    address = enquiry.contact_ways.email
    if not address:
        raise ValidationError(
            _("The buyer left no e-mail address. Call or message them with the contact given.")
        )
    reply = EnquiryReply(enquiry=enquiry, message=message, sent_by=actor)
    reply.full_clean(exclude=["delivery"])
    reply.save()
    subject, body = _reply_email(enquiry, reply)
    record_deliveries(
        [
            Delivery(
                channel=Channel.EMAIL,
                key=f"enquiry-reply:{reply.pk}",
                to=address,
                subject=subject[:300],
                body=body,
            )
        ]
    )
    reply.delivery = Delivery.objects.get(channel=Channel.EMAIL, key=f"enquiry-reply:{reply.pk}")
    reply.save(update_fields=["delivery"])
    if enquiry.status == Enquiry.Status.NEW:
        enquiry.status = Enquiry.Status.ANSWERED
        enquiry.answered_at = timezone.now()
        enquiry.answered_by = actor
        enquiry.save(update_fields=["status", "answered_at", "answered_by"])
    return reply


def _reply_email(enquiry, reply) -> tuple[str, str]:
    """Thai first, then English: the buyer's language is not known."""
    link = settings.CIV_SITE_URL.rstrip("/") + reverse(
        "public_community", args=[enquiry.community_id]
    )
    parts = []
    for language in ("th", "en"):
        with translation.override(language):
            parts.append(
                (
                    _("%(community)s answered your enquiry about “%(product)s”")
                    % {"community": enquiry.community.name, "product": enquiry.product.name},
                    _(
                        "%(community)s wrote:\n\n%(message)s\n\nTo answer, use the contact "
                        "details on the community's page: %(link)s"
                    )
                    % {"community": enquiry.community.name, "message": reply.message, "link": link},
                )
            )
    (title_th, body_th), (title_en, body_en) = parts
    return f"[CIV Portal] {title_th} / {title_en}", f"{body_th}\n\n---\n\n{body_en}"
