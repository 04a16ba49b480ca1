"""sitemap.xml for the public site: home pages, communities and published products."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from communities.models import Community

from .selectors import published_products


class PublicPagesSitemap(Sitemap):
    changefreq = "daily"

    def items(self):
        return ["public_home", "public_catalogue", "public_communities"]

    def location(self, item):
        return reverse(item)


class CommunitySitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return Community.objects.order_by("pk").only("pk", "updated_at")

    def location(self, item):
        return reverse("public_community", args=[item.pk])

    def lastmod(self, item):
        return item.updated_at


class ProductSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return published_products().select_related(None).order_by("pk").only("pk", "updated_at")

    def location(self, item):
        return reverse("public_product", args=[item.pk])

    def lastmod(self, item):
        return item.updated_at


SITEMAPS = {
    "pages": PublicPagesSitemap,
    "communities": CommunitySitemap,
    "products": ProductSitemap,
}
