from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from civportal.forms import save_through_service

from .forms import AcceptInvitationForm
from .models import Invitation
from .services import accept_invitation


def accept_invitation_view(request, token):
    invitation = (
        Invitation.objects.filter(token=token).select_related("organisation", "community").first()
    )
    if invitation is None or not invitation.is_open:
        raise Http404
    form = AcceptInvitationForm(request.POST or None, initial={"full_name": invitation.full_name})
    if request.method == "POST" and form.is_valid():
        user = save_through_service(
            form,
            accept_invitation,
            token,
            full_name=form.cleaned_data["full_name"],
            password=form.cleaned_data["password1"],
        )
        if user:
            messages.success(request, _("Your account is ready. Please sign in."))
            return redirect("account_login")
    return render(
        request, "accounts/accept_invitation.html", {"form": form, "invitation": invitation}
    )
