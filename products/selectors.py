"""Reads of products and enquiries, scoped "for this user"; the public sees published ones."""

from dataclasses import dataclass
from decimal import Decimal

from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from accounts.models import Role
from civportal.access import get_in_scope_or_404
from civportal.versioning import _shown as shown
from communities.models import Community, CommunityPhoto, Province
from communities.selectors import in_community_scope
from mentorship.models import TrainingSession
from search.query import Found, find

from .models import (
    REVISION_FIELDS,
    Enquiry,
    EnquiryReply,
    Product,
    ProductImage,
    ProductRevision,
)
from .public_cache import remembered

# What a product card (templates/public/_product_card.html) shows, and nothing else:
# the page reads 24 listings, not their stories, nor their communities' long texts.
CARD_FIELDS = (
    "name_th",
    "name_en",
    "price",
    "unit",
    "community__name_th",
    "community__name_en",
    "community__province__name_th",
    "community__province__name_en",
)


def for_cards(queryset: QuerySet[Product]) -> QuerySet[Product]:
    """Listings as cards: their shown fields and each one's cover photo id as
    ``cover_pk`` (None without a cover), in the same query, looked up for the rows of
    the page only (one index probe each, on the one-cover-per-product index)."""
    cover = ProductImage.objects.filter(product=OuterRef("pk"), is_cover=True).values("pk")[:1]
    return queryset.only(*CARD_FIELDS).annotate(cover_pk=Subquery(cover))


# --- Two versions of a published listing ----------------------------------------------
# The Product row is the published version (what the public site reads); a change waiting
# for review is its ProductRevision. A page (or a later REST API: GET …/products/<id>/
# for the published version, …/products/<id>/revision/ for "my pending change") reads
# them through these, with the caller's scope.
def published_version(pk) -> Product:
    """What the public sees: the last approved version (404 unless published)."""
    return get_published_product(pk)


def pending_revision_for(user, pk) -> ProductRevision | None:
    """The change of a listing in ``user``'s scope waiting for (or returned from) review."""
    return get_product_for(user, pk).open_revision


def public_photos(product) -> QuerySet[ProductImage]:
    """The approved photos, in order: never those proposed by a waiting change."""
    return product.images.filter(revision=None)


def proposed_photos(product) -> list[ProductImage]:
    """The photos as the members are arranging them: the open revision's layout (with its
    cover marked) if there is one, else the listing's own photos."""
    revision = product.open_revision
    if revision is None:
        return list(product.images.all())
    by_pk = {photo.pk: photo for photo in product.images.filter(pk__in=revision.photo_ids)}
    photos = [by_pk[pk] for pk in revision.photo_ids if pk in by_pk]
    for photo in photos:
        photo.is_cover = photo.pk == revision.cover_photo_id
    return photos


@dataclass(frozen=True)
class Change:
    label: str
    old: str
    new: str


def revision_changes(product) -> tuple[list[Change], list[ProductImage], list[ProductImage]]:
    """What the open revision changes against the published version: fields as
    label/old/new in the reader's language, then photos added and photos removed."""
    revision = product.open_revision
    if revision is None:
        return [], [], []
    changes = []
    for name in REVISION_FIELDS:
        field = Product._meta.get_field(name)
        before, after = getattr(product, name), getattr(revision, name)
        if before != after:
            changes.append(
                Change(capfirst(field.verbose_name), shown(field, before), shown(field, after))
            )
    public = list(public_photos(product))
    public_ids = {photo.pk for photo in public}
    added = [photo for photo in proposed_photos(product) if photo.pk not in public_ids]
    removed = [photo for photo in public if photo.pk not in revision.photo_ids]
    cover_before = next((photo.pk for photo in public if photo.is_cover), None)
    order_before = [photo.pk for photo in public if photo.pk in revision.photo_ids]
    order_after = [pk for pk in revision.photo_ids if pk in public_ids]
    if cover_before != revision.cover_photo_id and revision.photo_ids:
        proposed = proposed_photos(product)
        changes.append(
            Change(
                _("Cover photo"),
                _("photo %(n)s") % {"n": _position(public, cover_before)},
                _("photo %(n)s") % {"n": _position(proposed, revision.cover_photo_id)},
            )
        )
    elif order_before != order_after:
        changes.append(Change(_("Photo order"), _("as published"), _("rearranged")))
    return changes, added, removed


def _position(photos, pk) -> str:
    return next((str(i) for i, photo in enumerate(photos, 1) if photo.pk == pk), "—")


def products_for(user) -> QuerySet[Product]:
    queryset = Product.objects.select_related("community__province", "revision")
    if user.is_authenticated and user.is_programme_staff:
        return queryset
    if user.is_authenticated and user.role:
        return in_community_scope(queryset, user)
    return queryset.none()


def get_product_for(user, pk) -> Product:
    return get_in_scope_or_404(products_for(user), pk=pk)


def get_published_photo(pk) -> ProductImage | None:
    """A photo of a published listing (anyone may see it), or None."""
    return ProductImage.objects.filter(
        pk=pk, product__status=Product.Status.PUBLISHED, revision=None
    ).first()


def get_photo_for(user, pk) -> ProductImage:
    return get_in_scope_or_404(
        ProductImage.objects.select_related("product__community").filter(
            product__in=products_for(user).values("pk")
        ),
        pk=pk,
    )


def listings_to_review_for(user) -> QuerySet[Product]:
    """Listings an officer (or staff) should look at, oldest first: new ones sent for
    review and published ones with a change waiting."""
    if not user.is_authenticated or not (user.is_programme_staff or user.role == Role.OFFICER):
        return Product.objects.none()
    # Each kind found through its own index (status; the revision's status), united
    # before the scope and order: an OR across the revision's join would read every listing.
    submitted = Product.objects.filter(status=Product.Status.SUBMITTED).values("pk")
    changed = ProductRevision.objects.filter(
        status=ProductRevision.Status.PENDING, product__status=Product.Status.PUBLISHED
    ).values("product_id")
    return (
        products_for(user)
        .filter(pk__in=submitted.union(changed))
        .order_by(Coalesce("revision__submitted_at", "submitted_at"))
    )


def enquiries_for(user) -> QuerySet[Enquiry]:
    queryset = Enquiry.objects.select_related("product", "community")
    if user.is_authenticated and user.role in (Role.LEADER, Role.MEMBER):
        return queryset.filter(community_id=user.community_id)
    if user.is_authenticated and user.is_programme_staff:
        return queryset
    return queryset.none()


def enquiry_cards_for(user) -> QuerySet[Enquiry]:
    """The enquiries page: each with its replies and their e-mails' status (one query more)."""
    return enquiries_for(user).prefetch_related(
        Prefetch("replies", queryset=EnquiryReply.objects.select_related("delivery"))
    )


def get_enquiry_for(user, pk) -> Enquiry:
    return get_in_scope_or_404(enquiries_for(user), pk=pk)


# --- Public site: published listings only ---------------------------------------------
def published_products() -> QuerySet[Product]:
    return Product.objects.filter(status=Product.Status.PUBLISHED).select_related(
        "community__province"
    )


def get_published_product(pk) -> Product:
    return get_in_scope_or_404(published_products(), pk=pk)


CERTIFICATIONS = {
    "otop": Q(otop_stars__isnull=False),
    "fda": ~Q(fda_number=""),
    "community_standard": ~Q(community_standard=""),
    "gap": Q(gap_certified=True),
    "organic": Q(organic_thailand=True),
}


@dataclass(frozen=True)
class CatalogueFilter:
    q: str = ""
    province: str = ""
    category: str = ""
    certification: str = ""
    price_min: Decimal | None = None
    price_max: Decimal | None = None


def search_products(queryset: QuerySet[Product], q: str) -> Found:
    """Products of ``queryset`` matching ``q``, ranked (see ``search.query``)."""
    return find(queryset, q)


def catalogue_search(filters: CatalogueFilter) -> Found:
    """The public catalogue: published listings narrowed by the filters, then searched."""
    queryset = published_products()
    if filters.province:
        queryset = queryset.filter(community__province_id=filters.province)
    if filters.category:
        queryset = queryset.filter(category=filters.category)
    if filters.certification in CERTIFICATIONS:
        queryset = queryset.filter(CERTIFICATIONS[filters.certification])
    if filters.price_min is not None:
        queryset = queryset.filter(price__gte=filters.price_min)
    if filters.price_max is not None:
        queryset = queryset.filter(price__lte=filters.price_max)
    if not filters.q.strip():
        queryset = queryset.order_by("name_th", "pk")
    return search_products(queryset, filters.q)


def catalogue(filters: CatalogueFilter) -> QuerySet[Product]:
    return catalogue_search(filters).queryset


def catalogue_provinces() -> list[Province]:
    """Provinces that have something on sale, for the filter (the same for everyone: kept
    in the cache with the public pages, since it reads every published product)."""
    return remembered(
        "catalogue-provinces",
        lambda: list(
            Province.objects.filter(
                communities__products__status=Product.Status.PUBLISHED
            ).distinct()
        ),
    )


def public_communities() -> QuerySet[Community]:
    return (
        Community.objects.select_related("province", "subdistrict__district")
        .annotate(
            published_count=Count("products", filter=Q(products__status=Product.Status.PUBLISHED))
        )
        .order_by("province__name_th", "name_th")
    )


def public_community_page(number, per_page: int):
    """One page of the public communities list, each with ``published_count``.

    The paginator counts and orders plain community rows (its count is served by the
    cache of the public page); the products are counted for the page's rows only.
    """
    ordered = Community.objects.order_by("province__name_th", "name_th", "pk")
    page = Paginator(ordered.values_list("pk", flat=True), per_page).get_page(number)
    ids = list(page.object_list)
    rows = public_communities().in_bulk(ids)
    page.object_list = [rows[pk] for pk in ids if pk in rows]
    return page


def get_public_community(pk) -> Community:
    return get_in_scope_or_404(public_communities(), pk=pk)


def get_community_photo(pk) -> CommunityPhoto:
    """A community's photo: communities and their stories are public."""
    return get_in_scope_or_404(CommunityPhoto.objects.all(), pk=pk)


def upcoming_public_sessions(community, limit=10) -> QuerySet[TrainingSession]:
    """Training for this community marked open to the public, planned or confirmed, not
    started yet. Any other session is internal (a company's own training, with its venue)
    and never reaches the public site."""
    return TrainingSession.objects.filter(
        communities=community,
        is_public=True,
        status__in=[TrainingSession.Status.PLANNED, TrainingSession.Status.CONFIRMED],
        starts_at__gt=timezone.now(),
    ).order_by("starts_at")[:limit]
