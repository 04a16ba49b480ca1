"""The page where a person makes, sees and revokes their personal access tokens."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from civportal.confirm import confirmation_page, is_confirmed
from civportal.forms import save_once

from . import services
from .forms import TokenForm
from .selectors import get_token_for, tokens_for


@never_cache
@login_required
def token_list(request):
    """List and create; a new token's key is on this one answer only (never kept)."""
    form = TokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        made = save_once(
            request,
            form,
            services.create_token,
            request.user,
            result_url=reverse("api_tokens"),
            **form.cleaned_data,
        )
        if made is not None:
            new_key = made[1]
            form = TokenForm()
    return render(
        request,
        "api/tokens.html",
        {"form": form, "tokens": tokens_for(request.user), "new_key": new_key},
    )


@login_required
def token_revoke(request, pk):
    token = get_token_for(request.user, pk)
    if not is_confirmed(request):
        return confirmation_page(
            request,
            title=_("Revoke this token?"),
            consequences=[
                _("“%(name)s” (%(prefix)s…) stops working at once.")
                % {"name": token.name, "prefix": token.visible_prefix},
                _("Programs using it will be refused until you give them a new token."),
            ],
            button=_("Yes, revoke the token"),
            back=reverse("api_tokens"),
        )
    services.revoke_token(request.user, token)
    messages.success(request, _("The token was revoked."))
    return redirect("api_tokens")
