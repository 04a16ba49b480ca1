"""Reads of outgoing messages: the undelivered ones programme staff look after."""

from django.db.models import QuerySet

from civportal.access import get_in_scope_or_404

from .models import Delivery
from .permissions import can_manage_deliveries


def deliveries_for(user) -> QuerySet[Delivery]:
    if not can_manage_deliveries(user):
        return Delivery.objects.none()
    return Delivery.objects.select_related("recipient")


def undelivered_for(user) -> QuerySet[Delivery]:
    """Messages given up after their retries, newest first."""
    return deliveries_for(user).filter(status=Delivery.Status.DEAD).order_by("-created_at", "-pk")


def get_delivery_for(user, pk) -> Delivery:
    return get_in_scope_or_404(deliveries_for(user), pk=pk)
