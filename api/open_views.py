"""Open data: the public catalogue's published listings and the communities' public pages,
for anyone (no token, no session), readable from any web origin (CORS, GET only),
cacheable like the public pages, and published under CC BY 4.0."""

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from civportal.spreadsheets import csv_bytes
from products.public_cache import cached_page
from products.selectors import public_communities, published_products

from . import filters
from . import serializers as s
from .models import Tombstone
from .permissions import OpenData
from .views import ReadOnlyViewSet, RemovedMixin

LICENCE_NAME = "CC BY 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
ATTRIBUTION = "CIV Portal, Department of Industrial Promotion / กรมส่งเสริมอุตสาหกรรม"


def as_open_data(response):
    """Cacheable like the public pages, with the licence named in a Link header."""
    if response.status_code == 200:
        patch_cache_control(
            response, public=True, max_age=getattr(settings, "PUBLIC_CACHE_SECONDS", 300)
        )
    response["Link"] = f'<{LICENCE_URL}>; rel="license"'
    return response


class OpenDataMixin(RemovedMixin):
    authentication_classes = []
    permission_classes = [OpenData]

    def removed_rows(self):
        return super().removed_rows().filter(was_public=True)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        return as_open_data(response)

    def get_serializer_class(self):
        if self.action == "removed":
            return s.TombstoneSerializer
        return super().get_serializer_class()


class OpenProductViewSet(OpenDataMixin, ReadOnlyViewSet):
    """Published listings of the public catalogue (ข้อมูลผลิตภัณฑ์ที่เผยแพร่), CC BY 4.0.
    A listing that is unpublished or deleted appears in …/removed/."""

    serializer_class = s.OpenProductSerializer
    filterset_class = filters.OpenProductFilter
    tombstone_kind = Tombstone.Kind.PRODUCT

    def get_queryset(self):
        return published_products()


class OpenCommunityViewSet(OpenDataMixin, ReadOnlyViewSet):
    """Communities as their public pages show them (ชุมชน), CC BY 4.0."""

    serializer_class = s.OpenCommunitySerializer
    filterset_class = filters.CommunityFilter
    tombstone_kind = Tombstone.Kind.COMMUNITY

    def get_queryset(self):
        return public_communities()


def _serialized(serializer_class, queryset, chunk=1000):
    """Rows as the JSON endpoints give them, in id order, a chunk at a time (one serializer
    per chunk; each chunk starts after the last id, so no chunk rereads the earlier ones)."""
    last = 0
    while rows := list(queryset.filter(pk__gt=last).order_by("pk")[:chunk]):
        yield from serializer_class(rows, many=True).data
        last = rows[-1].pk


def csv_download(name: str, serializer_class, rows):
    """A view: every row of ``rows()`` as CSV (UTF-8 with BOM: Excel reads the Thai), the
    columns of the JSON endpoint, kept rendered in the cache like the public pages (a new
    generation on every change), CC BY 4.0."""

    @cached_page
    def body(request):
        fields = list(serializer_class().fields)
        data = _serialized(serializer_class, rows())
        content = csv_bytes([fields, *([row[field] for field in fields] for row in data)])
        return HttpResponse(content, content_type="text/csv; charset=utf-8")

    @require_safe
    def view(request):
        response = body(request)
        stamp = timezone.localdate().isoformat()
        response["Content-Disposition"] = f'attachment; filename="civ-{name}-{stamp}.csv"'
        return as_open_data(response)

    return view


products_csv = csv_download("products", s.OpenProductSerializer, published_products)
communities_csv = csv_download("communities", s.OpenCommunitySerializer, public_communities)
