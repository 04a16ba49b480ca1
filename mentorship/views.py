from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from civportal.access import require
from civportal.forms import save_through_service

from . import services
from .forms import MOUForm
from .permissions import can_edit_mou
from .selectors import get_mou_for, mous_for


@login_required
def mou_list(request):
    return render(request, "mentorship/mou_list.html", {"mous": mous_for(request.user)})


@login_required
def mou_detail(request, pk):
    mou = get_mou_for(request.user, pk)
    return render(
        request,
        "mentorship/mou_detail.html",
        {
            "mou": mou,
            "areas": mou.areas.all(),
            "communities": mou.communities.select_related("province"),
            "signatories": mou.signatories.all(),
            "assignments": mou.assignments.select_related("mentor", "community"),
            "can_edit": can_edit_mou(request.user, mou),
        },
    )


@login_required
def mou_edit(request, pk):
    mou = get_mou_for(request.user, pk)
    require(can_edit_mou(request.user, mou))
    form = MOUForm(request.POST or None, instance=mou)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        fresh = mous_for(request.user).get(pk=pk)
        if save_through_service(form, services.update_mou, request.user, fresh, **fields):
            messages.success(request, _("MOU saved."))
            return redirect("mou_detail", pk=pk)
    return render(request, "mentorship/mou_form.html", {"form": form, "mou": mou})
