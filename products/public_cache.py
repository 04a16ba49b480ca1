"""The public pages, kept rendered in the cache (Redis) for anonymous visitors.

What is cached: the public pages a visitor only reads (home with the programme figures,
the catalogue, the communities list, a community's page, a product's page), in each
language, with their searches and filters: an address whose query holds only the
parameters of ``CACHED_PARAMETERS``, each once and at most ``CACHED_VALUE_LENGTH``
characters (the search box's own limit), is one page; anything else is rendered for
its visitor. Buyers repeat the same words and filters (a province, a category, กาแฟ),
so a search is counted and ranked once per generation, not per visitor. For how long:
``PUBLIC_CACHE_SECONDS`` (5 minutes), the ``max-age`` the pages already give browsers
and shared caches; keys are hashed, and Redis drops the old ones as they expire.

Invalidation: every save or delete of what these pages show (products and their photos,
communities and their photos, cohorts, training sessions and their bookings) starts a
new generation, so the next request renders afresh; keys of older generations expire
on their own. The catalogue's province choices (read from every published product) are
kept the same way, for the filtered and searched pages too, and so is the catalogue's
block of filters (the same for every search with the same filter values). Bulk writes
that send no signals (``seed_scale``, ``QuerySet.update``) are seen within
``PUBLIC_CACHE_SECONDS``.
"""

import hashlib
from contextvars import ContextVar
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.utils.translation import get_language

from civportal.cache import Generation

generation = Generation("public-pages")
# The generation a public page's request started with: read from Redis once per request,
# for its key and for what the page shares with others (``remembered``, fragments).
_request_generation: ContextVar[str | None] = ContextVar("public_pages_generation", default=None)
# The catalogue's and the communities list's search and filters, and the page number.
CACHED_PARAMETERS = {
    "page",
    "q",
    "province",
    "category",
    "certification",
    "price_min",
    "price_max",
    "stage",
    "activity",
    "cohort",
}
CACHED_VALUE_LENGTH = 100


def seconds() -> int:
    return getattr(settings, "PUBLIC_CACHE_SECONDS", 300)


def _key(request, generation: str) -> str | None:
    if request.method != "GET" or request.user.is_authenticated:
        return None
    # A pending message (or any session) may show on the page: render it for this visitor.
    if set(request.COOKIES) - {settings.LANGUAGE_COOKIE_NAME, settings.CSRF_COOKIE_NAME}:
        return None
    if set(request.GET) - CACHED_PARAMETERS:
        return None
    parameters = []
    for name in sorted(request.GET):
        values = request.GET.getlist(name)
        if len(values) > 1 or len(values[0]) > CACHED_VALUE_LENGTH:
            return None
        parameters.append((name, values[0]))
    query = hashlib.sha256(urlencode(parameters).encode()).hexdigest()[:32] if parameters else ""
    return f"public-pages:{generation}:{get_language()}:{request.path}:{query}"


def current_generation() -> str:
    return _request_generation.get() or generation.current()


def cached_page(view):
    """Wrap a public view: answer from the cache when the page is there, else keep it."""

    def wrapped(request, *args, **kwargs):
        now = generation.current()
        token = _request_generation.set(now)
        try:
            return _answer(view, _key(request, now), request, *args, **kwargs)
        finally:
            _request_generation.reset(token)

    return wrapped


def _answer(view, key, request, *args, **kwargs):
    if key is not None:
        hit = cache.get(key)
        if hit is not None:
            content, content_type = hit
            return HttpResponse(content, content_type=content_type)
    response = view(request, *args, **kwargs)
    if key is not None and response.status_code == 200 and not response.streaming:
        cache.set(key, (response.content, response["Content-Type"]), seconds())
    return response


def remembered(name: str, compute):
    """A value every visitor's page shares (e.g. the catalogue's province choices), kept
    like the pages: for the current generation, at most ``PUBLIC_CACHE_SECONDS``."""
    key = f"public-pages:{current_generation()}:{name}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, seconds())
    return value


def forget_public_pages(**_kwargs) -> None:
    """Start a new generation: every public page is rendered afresh from now on."""
    generation.renew()


def _changed(sender, **kwargs):
    transaction.on_commit(forget_public_pages)


def connect() -> None:
    from communities.models import Cohort, Community, CommunityPhoto
    from mentorship.models import SessionCommunity, TrainingSession

    from .models import Product, ProductImage

    generation.watch(
        Product,
        ProductImage,
        Community,
        CommunityPhoto,
        Cohort,
        TrainingSession,
        SessionCommunity,
        receiver=_changed,
    )
