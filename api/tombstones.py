"""Tombstones for syncing clients: every deleted community or listing, and every listing
that stops being published, leaves a row the ``…/changes/`` feeds list as removed.

Signals rather than services, so that no way of removing a row (a service, the admin, a
cascade from a deleted community) is missed: the same reason the public page cache listens
to saves and deletes (products/public_cache.py).
"""

from django.db.models.signals import post_delete, post_init, post_save

from communities.models import Community
from products.models import Product

from .models import Tombstone


def _note_published(sender, instance, **kwargs):
    # The status as loaded (no query; a deferred status reads as not published, and a row
    # loaded without it is not one whose status a service changes).
    instance._api_was_published = instance.__dict__.get("status") == Product.Status.PUBLISHED


def _product_saved(sender, instance, created, raw=False, **kwargs):
    if raw or created:
        return
    was_published = getattr(instance, "_api_was_published", False)
    instance._api_was_published = instance.status == Product.Status.PUBLISHED
    if was_published and not instance._api_was_published:
        Tombstone.objects.create(
            kind=Tombstone.Kind.PRODUCT,
            object_id=instance.pk,
            community_id=instance.community_id,
            reason=Tombstone.Reason.UNPUBLISHED,
        )


def _product_deleted(sender, instance, **kwargs):
    Tombstone.objects.create(
        kind=Tombstone.Kind.PRODUCT,
        object_id=instance.pk,
        community_id=instance.community_id,
        reason=Tombstone.Reason.DELETED,
        was_public=instance.status == Product.Status.PUBLISHED,
    )


def _community_deleted(sender, instance, **kwargs):
    # Every community has a public page: its removal is public too.
    Tombstone.objects.create(
        kind=Tombstone.Kind.COMMUNITY,
        object_id=instance.pk,
        community_id=instance.pk,
        reason=Tombstone.Reason.DELETED,
    )


def connect():
    post_init.connect(_note_published, sender=Product, dispatch_uid="api-product-was-published")
    post_save.connect(_product_saved, sender=Product, dispatch_uid="api-product-unpublished")
    post_delete.connect(_product_deleted, sender=Product, dispatch_uid="api-product-deleted")
    post_delete.connect(_community_deleted, sender=Community, dispatch_uid="api-community-deleted")
