from django.conf import settings
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
    def cover(self):
        """The cover photo; uses the ``cover_images`` prefetch when the selector made one."""
        if hasattr(self, "cover_images"):
            return self.cover_images[0] if self.cover_images else None
        return self.images.filter(is_cover=True).first()

    @property
    def is_public(self) -> bool:
        return self.status == self.Status.PUBLISHED


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
