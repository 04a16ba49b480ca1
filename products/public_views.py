"""The public site (no sign-in): programme home, communities, catalogue, product pages, enquiries.

Pages a visitor only reads are cache-friendly: ``Cache-Control: public, max-age`` for
anonymous visitors (``private`` for signed-in ones, whose header shows their name), and
no cookie is set on them — the language switch here is a plain link, not a CSRF form.
The enquiry form is the one page with a CSRF token, and is never cached.
"""

from functools import wraps

from django.conf import settings
from django.db.models import Count, Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache

from civportal.files import serve_file
from civportal.forms import save_once
from communities.models import Community, Stage
from communities.selectors import cohort_figures, search_communities
from communities.views import map_settings
from search.query import CountedPaginator, suggestion_query

from . import services
from .forms import CatalogueForm, EnquiryForm
from .models import Product
from .public_cache import cached_page, current_generation
from .public_cache import seconds as public_cache_seconds
from .selectors import (
    catalogue_provinces,
    catalogue_search,
    for_cards,
    get_community_photo,
    get_photo_for,
    get_public_community,
    get_published_photo,
    get_published_product,
    public_communities,
    public_community_page,
    public_photos,
    published_products,
    upcoming_public_sessions,
)

PAGE_SIZE = 24
# The public communities list (and its map) shows this many communities a page.
COMMUNITY_PAGE_SIZE = 48


def public_page(view):
    """Mark a read-only public page as cacheable by browsers and shared caches."""

    rendered = cached_page(view)

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = rendered(request, *args, **kwargs)
        if request.user.is_authenticated:
            patch_cache_control(response, private=True, max_age=0)
        else:
            patch_cache_control(
                response, public=True, max_age=getattr(settings, "PUBLIC_CACHE_SECONDS", 300)
            )
        # The language cookie and the session cookie change the page.
        patch_vary_headers(response, ["Cookie"])
        return response

    return wrapped


def set_language(request, code):
    """The public pages' language switch: a link, so those pages need no CSRF cookie."""
    if code not in dict(settings.LANGUAGES):
        raise Http404
    target = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = HttpResponseRedirect(target)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        secure=request.is_secure(),
    )
    return response


@public_page
def home(request):
    communities = Community.objects.aggregate(
        total=Count("pk"),
        civ=Count("pk", filter=Q(stage__in=[Stage.CIV, Stage.SELF_SUSTAINING])),
        provinces=Count("province", distinct=True),
    )
    products = published_products()
    return render(
        request,
        "public/home.html",
        {
            "cohorts": cohort_figures(),
            "communities": communities,
            "product_count": products.count(),
            "latest": for_cards(products.order_by("-published_at"))[:8],
        },
    )


@public_page
def community_list(request):
    q = request.GET.get("q", "")[:100]
    found = search_communities(public_communities(), q)
    if found.query:
        page = CountedPaginator(found.queryset, COMMUNITY_PAGE_SIZE, count=found.count).get_page(
            request.GET.get("page")
        )
    else:
        page = public_community_page(request.GET.get("page"), COMMUNITY_PAGE_SIZE)
    communities = list(page.object_list)
    points = [
        {
            "name": community.name,
            "note": community.province.name,
            "lat": float(community.latitude),
            "lon": float(community.longitude),
            "url": reverse("public_community", args=[community.pk]),
        }
        for community in communities
        if community.latitude is not None
    ]
    return render(
        request,
        "public/communities.html",
        {
            "communities": communities,
            "page": page,
            "points": points,
            "map": map_settings(),
            "q": q,
            "found": found,
            "suggestion_query": suggestion_query(request.GET, found),
        },
    )


@public_page
def community_detail(request, pk):
    community = get_public_community(pk)
    return render(
        request,
        "public/community.html",
        {
            "community": community,
            "photos": community.photos.all()[:6],
            "products": for_cards(
                published_products().filter(community=community).order_by("name_th")
            ),
            "sessions": upcoming_public_sessions(community),
        },
    )


@public_page
def catalogue_page(request):
    form = CatalogueForm(request.GET or None, provinces=catalogue_provinces())
    filters = form.filters()
    found = catalogue_search(filters)
    paginator_page = CountedPaginator(
        for_cards(found.queryset), PAGE_SIZE, count=found.count
    ).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": paginator_page,
        "query": query.urlencode(),
        "filters": filters,
        "found": found,
        "suggestion_query": suggestion_query(request.GET, found),
        # The filters below the search box are the same for every search with the same
        # filter values: rendered once per generation and language (the template).
        "public_generation": current_generation(),
        "public_cache_seconds": public_cache_seconds(),
    }
    if not paginator_page.paginator.count:
        # Instead of an empty page: what there is to browse.
        context["suggested_categories"] = Product.Category.choices
        context["suggested_provinces"] = catalogue_provinces()
    return render(request, "public/catalogue.html", context)


@public_page
def product_detail(request, pk):
    product = get_published_product(pk)
    photos = list(public_photos(product))
    cover = next((photo for photo in photos if photo.is_cover), photos[0] if photos else None)
    return render(
        request,
        "public/product.html",
        {
            "product": product,
            "photos": photos,
            "cover": cover,
            "channels": product.sales_channels.all(),
            "og_image": (
                request.build_absolute_uri(reverse("product_photo", args=[cover.pk, "large"]))
                if cover
                else ""
            ),
            "canonical": request.build_absolute_uri(reverse("public_product", args=[pk])),
        },
    )


PHOTO_SIZES = ("large", "thumb")


def product_photo(request, pk, size):
    """A product photo by its row: public and cacheable once the listing is published;
    before that (draft, in review) or after (archived) only for people in the product's
    scope, never cached. ``thumb`` falls back to the large photo where none was made."""
    if size not in PHOTO_SIZES:
        raise Http404
    photo = get_published_photo(pk)
    public = photo is not None
    if not public:
        photo = get_photo_for(request.user, pk)
    file = photo.thumb if size == "thumb" and photo.thumb else photo.image
    return serve_file(request, file, public=public)


def community_photo(request, pk):
    """A community's photo by its row; communities are public, so anyone may cache it."""
    return serve_file(request, get_community_photo(pk).image, public=True)


def client_address(request) -> str:
    """The buyer's address for the rate limit; behind a proxy, the header it sets."""
    header = getattr(settings, "CLIENT_IP_HEADER", "REMOTE_ADDR")
    value = request.META.get(header) or request.META.get("REMOTE_ADDR", "")
    return value.split(",")[0].strip()


@never_cache
def enquiry(request, pk):
    product = get_published_product(pk)
    form = EnquiryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if form.is_spam:
            # Look like success, so a bot learns nothing; nothing is stored or sent.
            return redirect("public_enquiry_sent", pk=pk)
        sent = save_once(
            request,
            form,
            services.send_enquiry,
            product,
            client_address=client_address(request),
            **{name: form.cleaned_data[name] for name in EnquiryForm.Meta.fields},
            result_url=reverse("public_enquiry_sent", args=[pk]),
        )
        if sent:
            return redirect("public_enquiry_sent", pk=pk)
    return render(request, "public/enquiry.html", {"form": form, "product": product})


@never_cache
def enquiry_sent(request, pk):
    return render(request, "public/enquiry_sent.html", {"product": get_published_product(pk)})
