"""The public pages, kept rendered in the cache (Redis) for anonymous visitors.

What is cached: the public pages a visitor only reads (home with the programme figures,
the catalogue, the communities list, a community's page, a product's page), in each
language, when their address has no query other than ``page`` (searches and filters
are free text and numbers: caching every combination would only fill Redis). For how
long: ``PUBLIC_CACHE_SECONDS`` (5 minutes), the ``max-age`` the pages already give
browsers and shared caches.

Invalidation: every save or delete of what these pages show (products and their photos,
communities and their photos, cohorts, training sessions and their bookings) starts a
new generation, so the next request renders afresh; keys of older generations expire
on their own. The catalogue's province choices (read from every published product) are
kept the same way, for the filtered and searched pages too. Bulk writes that send no
signals (``seed_scale``, ``QuerySet.update``) are seen within ``PUBLIC_CACHE_SECONDS``.
"""

import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse
from django.utils.translation import get_language

GENERATION_KEY = "public-pages:generation"


def seconds() -> int:
    return getattr(settings, "PUBLIC_CACHE_SECONDS", 300)


def _key(request, generation: str) -> str | None:
    if request.method != "GET" or request.user.is_authenticated:
        return None
    # A pending message (or any session) may show on the page: render it for this visitor.
    if set(request.COOKIES) - {settings.LANGUAGE_COOKIE_NAME, settings.CSRF_COOKIE_NAME}:
        return None
    if set(request.GET) - {"page"} or len(request.GET.getlist("page")) > 1:
        return None
    page = request.GET.get("page", "")
    if page and not page.isdigit():
        return None
    return f"public-pages:{generation}:{get_language()}:{request.path}:{page}"


def cached_page(view):
    """Wrap a public view: answer from the cache when the page is there, else keep it."""

    def wrapped(request, *args, **kwargs):
        generation = cache.get(GENERATION_KEY) or "0"
        key = _key(request, generation)
        if key is not None:
            hit = cache.get(key)
            if hit is not None:
                content, content_type = hit
                return HttpResponse(content, content_type=content_type)
        response = view(request, *args, **kwargs)
        if key is not None and response.status_code == 200 and not response.streaming:
            cache.set(key, (response.content, response["Content-Type"]), seconds())
        return response

    return wrapped


def remembered(name: str, compute):
    """A value every visitor's page shares (e.g. the catalogue's province choices), kept
    like the pages: for the current generation, at most ``PUBLIC_CACHE_SECONDS``."""
    generation = cache.get(GENERATION_KEY) or "0"
    key = f"public-pages:{generation}:{name}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, seconds())
    return value


def forget_public_pages(**_kwargs) -> None:
    """Start a new generation: every public page is rendered afresh from now on."""
    cache.set(GENERATION_KEY, uuid.uuid4().hex, None)


def _changed(sender, **kwargs):
    transaction.on_commit(forget_public_pages)


def connect() -> None:
    from communities.models import Cohort, Community, CommunityPhoto
    from mentorship.models import SessionCommunity, TrainingSession

    from .models import Product, ProductImage

    for model in (
        Product,
        ProductImage,
        Community,
        CommunityPhoto,
        Cohort,
        TrainingSession,
        SessionCommunity,
    ):
        uid = f"public-pages:{model._meta.label}"
        post_save.connect(_changed, sender=model, dispatch_uid=f"{uid}:save")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"{uid}:delete")
