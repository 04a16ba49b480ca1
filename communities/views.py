from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from civportal.access import require
from civportal.forms import save_through_service

from . import services
from .forms import CommunityForm
from .permissions import can_edit_community, can_move_stage
from .selectors import communities_for, get_community_for


@login_required
def community_list(request):
    communities = communities_for(request.user).order_by("province__name_th", "name_th")
    return render(request, "communities/list.html", {"communities": communities[:200]})


@login_required
def community_detail(request, pk):
    community = get_community_for(request.user, pk)
    return render(
        request,
        "communities/detail.html",
        {
            "community": community,
            "stage_changes": community.stage_changes.select_related("changed_by")[:20],
            "visits": community.visits.select_related("officer")[:10],
            "products": community.products.all(),
            "can_edit": can_edit_community(request.user, community),
            "can_move_stage": can_move_stage(request.user, community),
        },
    )


@login_required
def community_edit(request, pk):
    community = get_community_for(request.user, pk)
    require(can_edit_community(request.user, community))
    form = CommunityForm(request.POST or None, instance=community)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        community = communities_for(request.user).get(pk=pk)  # fresh copy for the service
        if save_through_service(form, services.update_community, request.user, community, **fields):
            messages.success(request, _("Community saved."))
            return redirect("community_detail", pk=pk)
    return render(request, "communities/form.html", {"form": form, "community": community})
