from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civportal.access import require

from . import services
from .permissions import can_manage_deliveries
from .selectors import get_delivery_for, undelivered_for

PAGE_SIZE = 50


@login_required
def undelivered(request):
    """Programme staff: messages given up after a day of retries, to send again."""
    require(can_manage_deliveries(request.user))
    page = Paginator(undelivered_for(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "outbox/undelivered.html", {"page": page})


@login_required
@require_POST
def send_again(request, pk):
    delivery = get_delivery_for(request.user, pk)
    try:
        services.send_again(request.user, delivery)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The message is queued to be sent again."))
    return redirect("outbox_undelivered")
