from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from . import services
from .forms import PreferencesForm
from .selectors import get_notification_for, inbox_for, line_ids, preferences_for

PAGE_SIZE = 30


@login_required
def notification_list(request):
    page = Paginator(inbox_for(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page})


@login_required
@require_POST
def notification_read(request, pk):
    """Mark one read; htmx swaps the row, a plain form post goes on to the link or the inbox."""
    notification = get_notification_for(request.user, pk)
    services.mark_read(request.user, notification.pk)
    if request.headers.get("HX-Request"):
        notification.refresh_from_db()
        return render(request, "notifications/_item.html", {"notification": notification})
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("notification_list")


@login_required
@require_POST
def notification_read_all(request):
    count = services.mark_all_read(request.user)
    messages.success(
        request,
        ngettext(
            "%(count)d notification marked read.", "%(count)d notifications marked read.", count
        )
        % {"count": count},
    )
    return redirect("notification_list")


@login_required
def notification_preferences(request):
    # LINE is offered only when the portal has a Messaging API channel; it can be chosen
    # only by someone who connected LINE, since the push goes to that LINE user id.
    line = bool(line_ids([request.user])) if settings.LINE_MESSAGING_ENABLED else None
    form = PreferencesForm(preferences_for(request.user), request.POST or None, line=line)
    if request.method == "POST" and form.is_valid():
        services.set_preferences(request.user, form.choices())
        messages.success(request, _("Notification preferences saved."))
        return redirect("notification_preferences")
    return render(
        request,
        "notifications/preferences.html",
        {"form": form, "line_add_friend_url": settings.LINE_ADD_FRIEND_URL},
    )
