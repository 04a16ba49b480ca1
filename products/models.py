import copy
import re
from dataclasses import dataclass

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.core.validators import (
    MaxLengthValidator,
    MaxValueValidator,
    MinValueValidator,
    RegexValidator,
)
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from civportal.files import UploadTo
from communities.models import BilingualName, Community

# เลขสารบบอาหาร (อย.): 13 digits, usually written 12-3-45678-9-0123.
FDA_NUMBER = RegexValidator(
    r"^\d{2}-\d-\d{5}-\d-\d{4}$",
    _("Enter the Thai FDA (อย.) number as 13 digits: 12-3-45678-9-0123."),
)


class SalesChannel(BilingualName):
    code = models.SlugField(unique=True)

    class Meta:
        verbose_name = _("sales channel")
        verbose_name_plural = _("sales channels")
        ordering = ["code"]


class Product(BilingualName):
    class Category(models.TextChoices):
        FOOD = "food", _("Food")
        DRINK = "drink", _("Drinks")
        AGRICULTURE = "agriculture", _("Farm produce")
        CRAFT = "craft", _("Handicraft")
        TEXTILE = "textile", _("Textiles and clothing")
        HERBAL = "herbal", _("Herbal and cosmetics")
        SOUVENIR = "souvenir", _("Souvenirs")
        OTHER = "other", _("Other")

    class Availability(models.TextChoices):
        IN_STOCK = "in_stock", _("In stock")
        LIMITED = "limited", _("Limited")
        SEASONAL = "seasonal", _("Seasonal")
        OUT_OF_STOCK = "out_of_stock", _("Out of stock")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted for review")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="products")
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    story = models.TextField(_("story"), blank=True)
    price = models.DecimalField(_("price (THB)"), max_digits=10, decimal_places=2)
    unit = models.CharField(_("unit"), max_length=40)
    minimum_order = models.PositiveIntegerField(_("minimum order"), default=1)
    made_to_order = models.BooleanField(_("made to order"), default=False)
    lead_time_days = models.PositiveSmallIntegerField(_("lead time (days)"), null=True, blank=True)
    availability = models.CharField(
        _("availability"),
        max_length=20,
        choices=Availability.choices,
        default=Availability.IN_STOCK,
    )
    stock = models.PositiveIntegerField(_("in stock"), null=True, blank=True)
    otop_stars = models.PositiveSmallIntegerField(
        _("OTOP stars"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    fda_number = models.CharField(
        _("Thai FDA number (อย.)"), max_length=20, blank=True, validators=[FDA_NUMBER]
    )
    community_standard = models.CharField(
        _("community product standard (มผช.)"), max_length=40, blank=True
    )
    gap_certified = models.BooleanField(_("GAP"), default=False)
    organic_thailand = models.BooleanField(_("Organic Thailand"), default=False)
    sales_channels = models.ManyToManyField(
        SalesChannel, blank=True, verbose_name=_("sales channels")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    review_comment = models.TextField(_("review comment"), blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True, editable=False)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Bumped by every service that saves the row; edit forms carry it (civportal.versioning).
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    # What an archived listing was before, so restoring puts it back where it was.
    status_before_archive = models.CharField(max_length=20, blank=True, editable=False)

    history = HistoricalRecords(m2m_fields=[sales_channels])

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["name_th"]
        constraints = [
            models.CheckConstraint(name="product_price_not_negative", condition=Q(price__gte=0)),
            models.CheckConstraint(
                name="product_min_order_positive", condition=Q(minimum_order__gte=1)
            ),
            models.CheckConstraint(
                name="product_otop_1_to_5",
                condition=Q(otop_stars__isnull=True) | Q(otop_stars__gte=1, otop_stars__lte=5),
            ),
            models.CheckConstraint(
                name="product_published_has_date",
                condition=~Q(status="published") | Q(published_at__isnull=False),
            ),
        ]
        indexes = [
            models.Index(fields=["status", "community"]),
            # The catalogue (published, by name) and dashboards' listings by status and name.
            models.Index(fields=["status", "name_th", "id"], name="product_status_name"),
            # Public search: ILIKE '%word%' and word similarity on Thai and English text
            # (see bench/products_search.py for why trigrams rather than a word segmenter).
            GinIndex(OpClass("name_th", name="gin_trgm_ops"), name="product_name_th_trgm"),
            GinIndex(OpClass("name_en", name="gin_trgm_ops"), name="product_name_en_trgm"),
            GinIndex(OpClass("story", name="gin_trgm_ops"), name="product_story_trgm"),
        ]

    @property
    def is_public(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def open_revision(self) -> "ProductRevision | None":
        """The change waiting for review (or returned), if any; None otherwise."""
        try:
            return self.revision
        except ProductRevision.DoesNotExist:
            return None

    def as_revised(self) -> "Product":
        """This listing as its members are editing it: the public row with the open
        revision's reviewed fields on top (an unsaved copy; the row itself is unchanged)."""
        revision = self.open_revision
        if revision is None:
            return self
        revised = copy.copy(self)
        for name in REVISION_FIELDS:
            setattr(revised, name, getattr(revision, name))
        return revised


# What a buyer is promised (what it is, what it costs, what it claims to be certified
# as): on a published listing a change to these waits in a ProductRevision for review.
REVISION_FIELDS = (
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
)


class ProductRevision(models.Model):
    """A published listing's change that waits for review: the public keeps seeing the
    Product row (the last approved version) until an officer publishes this.

    It holds only the fields that need review (services.FIELDS_NEEDING_REVIEW) and the
    proposed photo layout; day-to-day fields (stock, availability…) live on the Product
    alone, so an edit of them applies at once to the public version and to the revision.
    One open revision per listing.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        RETURNED = "returned", _("Returned by the officer")

    product = models.OneToOneField(Product, on_delete=models.CASCADE, related_name="revision")
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    name_th = models.CharField(_("name (Thai)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    category = models.CharField(_("category"), max_length=20, choices=Product.Category.choices)
    story = models.TextField(_("story"), blank=True)
    price = models.DecimalField(_("price (THB)"), max_digits=10, decimal_places=2)
    unit = models.CharField(_("unit"), max_length=40)
    otop_stars = models.PositiveSmallIntegerField(_("OTOP stars"), null=True, blank=True)
    fda_number = models.CharField(_("Thai FDA number (อย.)"), max_length=20, blank=True)
    community_standard = models.CharField(
        _("community product standard (มผช.)"), max_length=40, blank=True
    )
    gap_certified = models.BooleanField(_("GAP"), default=False)
    organic_thailand = models.BooleanField(_("Organic Thailand"), default=False)
    # The proposed photos in order (ProductImage ids: kept public ones and new ones) and
    # the proposed cover; publishing makes this the listing's photo set.
    photo_ids = ArrayField(models.PositiveIntegerField(), default=list, blank=True)
    cover_photo_id = models.PositiveIntegerField(null=True, blank=True)
    review_comment = models.TextField(_("review comment"), blank=True)
    submitted_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("listing change waiting for review")
        verbose_name_plural = _("listing changes waiting for review")
        constraints = [
            models.CheckConstraint(name="revision_price_not_negative", condition=Q(price__gte=0)),
        ]

    def __str__(self):
        return f"{self.product} · {self.get_status_display()}"


class ProductImage(models.Model):
    """A product photo, stored only in processed form (upright, metadata stripped, resized).

    ``image`` is the large JPEG (product page, OpenGraph — LINE and Facebook read JPEG
    everywhere); ``thumb`` the small WebP used in lists. The upload itself is never kept.
    """

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="images")
    image = models.ImageField(_("photo"), upload_to=UploadTo("products"))
    thumb = models.ImageField(_("thumbnail"), upload_to=UploadTo("products/thumbs"), blank=True)
    # Of ``image``, for OpenGraph and to reserve space on the page.
    width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    position = models.PositiveSmallIntegerField(default=0)
    is_cover = models.BooleanField(_("cover"), default=False)
    # Set while the photo was added by a change still waiting for review: not public yet.
    revision = models.ForeignKey(
        ProductRevision,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="new_photos",
        editable=False,
    )

    class Meta:
        verbose_name = _("product photo")
        verbose_name_plural = _("product photos")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                "product", name="one_cover_per_product", condition=Q(is_cover=True)
            ),
        ]

    def __str__(self):
        return f"{self.product} #{self.position}"


# Room for a detailed order (items, quantities, delivery) but not for a pasted document:
# the message lands in every member's inbox and e-mail.
ENQUIRY_MESSAGE_MAX_LENGTH = 2000
ENQUIRY_MESSAGE_TOO_LONG = _(
    "Please keep the message to at most %(limit_value)d characters (it now has %(show_value)d)."
)


class Enquiry(models.Model):
    class Status(models.TextChoices):
        NEW = "new", _("New")
        ANSWERED = "answered", _("Answered")
        CLOSED = "closed", _("Closed")

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="enquiries")
    # Kept so the enquiry stays with the community if the product is removed from sale.
    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="enquiries", editable=False
    )
    name = models.CharField(_("your name"), max_length=200)
    contact = models.CharField(_("e-mail or phone"), max_length=200)
    quantity = models.PositiveIntegerField(_("quantity"), null=True, blank=True)
    message = models.TextField(
        _("message"),
        max_length=ENQUIRY_MESSAGE_MAX_LENGTH,
        validators=[
            MaxLengthValidator(ENQUIRY_MESSAGE_MAX_LENGTH, message=ENQUIRY_MESSAGE_TOO_LONG)
        ],
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NEW
    )
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("enquiry")
        verbose_name_plural = _("enquiries")
        ordering = ["-created_at"]
        constraints = [
            # A TextField's max_length binds only forms; this binds every writer.
            models.CheckConstraint(
                name="enquiry_message_length",
                condition=LessThanOrEqual(Length("message"), ENQUIRY_MESSAGE_MAX_LENGTH),
            ),
        ]

    def __str__(self):
        return f"{self.name} · {self.product}"

    def save(self, *args, **kwargs):
        self.community_id = self.product.community_id
        super().save(*args, **kwargs)

    @cached_property
    def contact_ways(self) -> "ContactWays":
        return ContactWays.parse(self.contact)

    @property
    def last_reply(self) -> "EnquiryReply | None":
        """The latest reply sent from the portal (uses a ``replies`` prefetch if made)."""
        replies = list(self.replies.all())
        return max(replies, key=lambda reply: (reply.created_at, reply.pk)) if replies else None


@dataclass(frozen=True)
class ContactWays:
    """What a buyer typed as "e-mail or phone", read as links a phone can follow:
    tap to call, write an e-mail, open LINE. Unknown text is shown as typed."""

    email: str = ""
    phone: str = ""
    line_id: str = ""

    @classmethod
    def parse(cls, text: str) -> "ContactWays":
        email = phone = line_id = ""
        for part in re.split(r"[,;/\s]+(?=\S)", text or ""):
            part = part.strip()
            if not email and EMAIL.fullmatch(part):
                email = part
        line = LINE_ID.search(text or "")
        if line:
            line_id = line.group(1)
        digits = PHONE.search(LINE_ID.sub("", text or ""))
        if digits:
            phone = re.sub(r"[^\d+]", "", digits.group(0))
        return cls(email=email, phone=phone, line_id=line_id)


EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
# Thai numbers: 0X-XXX-XXXX (mobile 10 digits, landline 9) or +66…
PHONE = re.compile(r"(?:\+66|0)[\d\s-]{8,12}\d")
LINE_ID = re.compile(r"(?:\bline|ไลน์)(?:\s*id)?\s*[:：]?\s*(@?[A-Za-z0-9_.\-]{2,})", re.IGNORECASE)


class EnquiryReply(models.Model):
    """A member's answer to a buyer, sent to the buyer's e-mail through the outbox."""

    enquiry = models.ForeignKey(Enquiry, on_delete=models.CASCADE, related_name="replies")
    message = models.TextField(_("reply"), max_length=ENQUIRY_MESSAGE_MAX_LENGTH)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Its e-mail; the delivery's status is what the member sees (waiting, sent, not delivered).
    delivery = models.ForeignKey(
        "outbox.Delivery", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("reply to a buyer")
        verbose_name_plural = _("replies to buyers")
        ordering = ["created_at"]

    def __str__(self):
        return f"{self.enquiry} · {self.created_at:%Y-%m-%d}"
