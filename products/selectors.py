"""Reads of products and enquiries, scoped "for this user"; the public sees published ones."""

from django.db.models import QuerySet

from accounts.models import Role
from civportal.access import get_in_scope_or_404
from communities.selectors import communities_for

from .models import Enquiry, Product


def products_for(user) -> QuerySet[Product]:
    queryset = Product.objects.select_related("community__province")
    if user.is_authenticated and user.is_programme_staff:
        return queryset
    if user.is_authenticated and user.role:
        return queryset.filter(community__in=communities_for(user).values("pk"))
    return queryset.none()


def get_product_for(user, pk) -> Product:
    return get_in_scope_or_404(products_for(user), pk=pk)


def published_products() -> QuerySet[Product]:
    return Product.objects.filter(status=Product.Status.PUBLISHED).select_related(
        "community__province"
    )


def enquiries_for(user) -> QuerySet[Enquiry]:
    queryset = Enquiry.objects.select_related("product", "community")
    if user.is_authenticated and user.role in (Role.LEADER, Role.MEMBER):
        return queryset.filter(community_id=user.community_id)
    if user.is_authenticated and user.is_programme_staff:
        return queryset
    return queryset.none()
