"""Reads of products and enquiries, scoped "for this user"; the public sees published ones."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from accounts.models import Role
from civportal.access import get_in_scope_or_404
from communities.models import Community, CommunityPhoto, Province
from communities.selectors import communities_for
from mentorship.models import TrainingSession
from search.query import Found, find

from .models import Enquiry, Product, ProductImage


def with_cover(queryset: QuerySet[Product]) -> QuerySet[Product]:
    """One extra query for the whole page: each product's cover as ``cover_images``."""
    return queryset.prefetch_related(
        Prefetch(
            "images", queryset=ProductImage.objects.filter(is_cover=True), to_attr="cover_images"
        )
    )


def products_for(user) -> QuerySet[Product]:
    queryset = Product.objects.select_related("community__province")
    if user.is_authenticated and user.is_programme_staff:
        return queryset
    if user.is_authenticated and user.role:
        return queryset.filter(community__in=communities_for(user).values("pk"))
    return queryset.none()


def get_product_for(user, pk) -> Product:
    return get_in_scope_or_404(products_for(user), pk=pk)


def get_published_photo(pk) -> ProductImage | None:
    """A photo of a published listing (anyone may see it), or None."""
    return ProductImage.objects.filter(pk=pk, product__status=Product.Status.PUBLISHED).first()


def get_photo_for(user, pk) -> ProductImage:
    return get_in_scope_or_404(
        ProductImage.objects.select_related("product__community").filter(
            product__in=products_for(user).values("pk")
        ),
        pk=pk,
    )


def listings_to_review_for(user) -> QuerySet[Product]:
    """Submitted listings an officer (or staff) should look at, oldest first."""
    if not user.is_authenticated or not (user.is_programme_staff or user.role == Role.OFFICER):
        return Product.objects.none()
    return products_for(user).filter(status=Product.Status.SUBMITTED).order_by("submitted_at")


def enquiries_for(user) -> QuerySet[Enquiry]:
    queryset = Enquiry.objects.select_related("product", "community")
    if user.is_authenticated and user.role in (Role.LEADER, Role.MEMBER):
        return queryset.filter(community_id=user.community_id)
    if user.is_authenticated and user.is_programme_staff:
        return queryset
    return queryset.none()


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
    found = search_products(queryset, filters.q)
    found.queryset = with_cover(found.queryset)
    return found


def catalogue(filters: CatalogueFilter) -> QuerySet[Product]:
    return catalogue_search(filters).queryset


def catalogue_provinces() -> QuerySet[Province]:
    """Provinces that have something on sale, for the filter."""
    return Province.objects.filter(
        communities__products__status=Product.Status.PUBLISHED
    ).distinct()


def public_communities() -> QuerySet[Community]:
    return (
        Community.objects.select_related("province", "subdistrict__district")
        .annotate(
            published_count=Count("products", filter=Q(products__status=Product.Status.PUBLISHED))
        )
        .order_by("province__name_th", "name_th")
    )


def get_public_community(pk) -> Community:
    return get_in_scope_or_404(public_communities(), pk=pk)


def get_community_photo(pk) -> CommunityPhoto:
    """A community's photo: communities and their stories are public."""
    return get_in_scope_or_404(CommunityPhoto.objects.all(), pk=pk)


def upcoming_public_sessions(community, limit=10) -> QuerySet[TrainingSession]:
    """Planned or confirmed training for this community that has not started yet."""
    return TrainingSession.objects.filter(
        communities=community,
        status__in=[TrainingSession.Status.PLANNED, TrainingSession.Status.CONFIRMED],
        starts_at__gt=timezone.now(),
    ).order_by("starts_at")[:limit]
