"""Product listing verbs: create, edit, submit, publish."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Product
from .permissions import can_create_product, can_edit_product, can_review_product

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


def _apply(product, actor, fields, sales_channels):
    for name, value in fields.items():
        if name not in PRODUCT_FIELDS:
            raise ValueError(f"not editable: {name}")
        setattr(product, name, value)
    product.full_clean()
    product._history_user = actor
    product.save()
    if sales_channels is not None:
        product.sales_channels.set(sales_channels)
    return product


@transaction.atomic
def create_product(actor, community, *, sales_channels=None, **fields) -> Product:
    if not can_create_product(actor, community):
        raise PermissionDenied
    return _apply(Product(community=community, created_by=actor), actor, fields, sales_channels)


@transaction.atomic
def update_product(actor, product: Product, *, sales_channels=None, **fields) -> Product:
    if not can_edit_product(actor, product):
        raise PermissionDenied
    return _apply(product, actor, fields, sales_channels)


@transaction.atomic
def submit_product(actor, product: Product) -> Product:
    if not can_edit_product(actor, product):
        raise PermissionDenied
    product = Product.objects.select_for_update().get(pk=product.pk)
    if product.status not in (Product.Status.DRAFT, Product.Status.PUBLISHED):
        raise ValidationError(_("Only a draft can be sent for review."))
    product.status = Product.Status.SUBMITTED
    product.submitted_at = timezone.now()
    product._history_user = actor
    product.save(update_fields=["status", "submitted_at", "updated_at"])
    return product


@transaction.atomic
def publish_product(actor, product: Product) -> Product:
    if not can_review_product(actor, product):
        raise PermissionDenied
    product = Product.objects.select_for_update().get(pk=product.pk)
    if product.status != Product.Status.SUBMITTED:
        raise ValidationError(_("Only a listing sent for review can be published."))
    product.status = Product.Status.PUBLISHED
    product.published_at = timezone.now()
    product.review_comment = ""
    product._history_user = actor
    product.save(update_fields=["status", "published_at", "review_comment", "updated_at"])
    return product
