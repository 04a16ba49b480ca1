from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civportal.confirm import confirmation_page, is_confirmed
from civportal.forms import save_once, save_through_service

from . import services
from .adapter import INVITATION_SESSION_KEY
from .forms import AcceptInvitationForm, AcceptLinkInvitationForm, InviteMemberForm, ProfileForm
from .mfa import needs_second_factor
from .models import COMMUNITY_ROLES, Role
from .permissions import can_deactivate, can_revoke_invitation
from .selectors import (
    community_people,
    get_invitation_for,
    get_person_for,
    managed_community_for,
    pending_invitations,
    profile_of,
)


def accept_invitation_view(request, token):
    """The link from an e-mail, a LINE message or a QR code. Community members choose a
    sign-in name (an address is optional) and land on their home, signed in."""
    invitation = services.open_invitation(token)
    if invitation is None:
        return render(request, "accounts/invitation_invalid.html", status=410)
    by_link = invitation.by_link
    line_login_url = ""
    if settings.LINE_LOGIN_ENABLED and invitation.role in COMMUNITY_ROLES:
        # LINE sends the member back here; the adapter accepts this invitation then.
        request.session[INVITATION_SESSION_KEY] = token
        line_login_url = (
            reverse("line_login")
            + "?"
            + urlencode({"process": "login", "next": reverse("dashboard")})
        )
    form_class = AcceptLinkInvitationForm if by_link else AcceptInvitationForm
    form = form_class(request.POST or None, initial={"full_name": invitation.full_name})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = save_through_service(
            form,
            services.accept_invitation,
            token,
            full_name=data["full_name"],
            password=data["password1"],
            login_name=data.get("login_name", ""),
            email=data.get("email", ""),
        )
        if user:
            if user.role in COMMUNITY_ROLES:
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                messages.success(request, _("Welcome! Your account is ready."))
                return redirect("dashboard")
            messages.success(request, _("Your account is ready. Please sign in."))
            return redirect("account_login")
    return render(
        request,
        "accounts/accept_invitation.html",
        {
            "form": form,
            "invitation": invitation,
            "by_link": by_link,
            "line_login_url": line_login_url,
        },
    )


@login_required
def community_people_view(request, pk):
    """A community's people and open invitations; officers of its province and its leaders
    invite members here — by a link/QR code to share, or by e-mail."""
    community = managed_community_for(request.user, pk)
    may_invite_leaders = request.user.role != Role.LEADER
    form = InviteMemberForm(request.POST or None, may_invite_leaders=may_invite_leaders)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        invitation = save_once(
            request,
            form,
            services.invite_user,
            request.user,
            email=data["email"],
            full_name=data["full_name"],
            role=data["role"],
            community=community,
            result_url=lambda invitation: reverse("invitation_detail", args=[invitation.pk]),
        )
        if invitation is not None:
            if invitation.by_link:
                messages.success(request, _("Invitation link ready: share it or show the QR code."))
            else:
                messages.success(
                    request,
                    _("Invitation sent to %(email)s. It is valid for %(days)s days.")
                    % {"email": invitation.email, "days": settings.INVITATION_EXPIRY_DAYS},
                )
            return redirect("invitation_detail", pk=invitation.pk)
    people = list(community_people(community))
    for person in people:
        person.may_deactivate = can_deactivate(request.user, person)
    return render(
        request,
        "accounts/community_people.html",
        {
            "community": community,
            "people": people,
            "invitations": pending_invitations(community),
            "form": form,
            "expiry_days": settings.INVITATION_EXPIRY_DAYS,
        },
    )


def _qr_svg(link: str) -> str:
    """The link as an inline SVG QR code, drawn on the server (segno; no outside service)."""
    qr = segno.make(link, error="m")
    return qr.svg_inline(scale=6, border=4, light="#fff", title=_("QR code of the invitation link"))


@login_required
def invitation_detail(request, pk):
    invitation = get_invitation_for(request.user, pk)
    link = services.invitation_link(invitation)
    return render(
        request,
        "accounts/invitation_detail.html",
        {
            "invitation": invitation,
            "link": link,
            "qr_svg": mark_safe(_qr_svg(link)) if invitation.is_open else "",
            "may_revoke": can_revoke_invitation(request.user, invitation),
            "share_text": _("Join %(community)s on CIV Portal: %(link)s")
            % {
                "community": invitation.community.name if invitation.community else "",
                "link": link,
            },
        },
    )


@login_required
def invitation_revoke(request, pk):
    invitation = get_invitation_for(request.user, pk)
    back = (
        reverse("community_people", args=[invitation.community_id])
        if invitation.community_id
        else reverse("dashboard")
    )
    if not can_revoke_invitation(request.user, invitation):
        messages.error(request, _("This invitation can no longer be revoked."))
        return redirect(back)
    if not is_confirmed(request):
        return confirmation_page(
            request,
            title=_("Revoke this invitation?"),
            consequences=[
                _("The link stops working at once; nobody can join with it any more."),
                _("You can create a new invitation later."),
            ],
            button=_("Yes, revoke the invitation"),
            back=reverse("invitation_detail", args=[invitation.pk]),
        )
    services.revoke_invitation(request.user, invitation)
    messages.success(request, _("Invitation revoked."))
    return redirect(back)


@login_required
def person_deactivate(request, pk):
    person = get_person_for(request.user, pk)
    back = reverse("community_people", args=[person.community_id])
    if not can_deactivate(request.user, person):
        messages.error(request, _("You cannot deactivate this account."))
        return redirect(back)
    if not is_confirmed(request):
        return confirmation_page(
            request,
            title=_("Deactivate %(name)s?") % {"name": person},
            consequences=[
                _("They can no longer sign in, and are signed out on every device now."),
                _("Their private calendar feed address stops working."),
                _("Their listings and history stay with the community."),
            ],
            button=_("Yes, deactivate"),
            back=back,
        )
    services.deactivate_user(request.user, person)
    messages.success(request, _("%(name)s can no longer sign in.") % {"name": person})
    return redirect(back)


@login_required
def profile_view(request):
    """One's own account: name and language, password, notifications, LINE, the second
    factor and the devices signed in."""
    user = request.user
    form = ProfileForm(
        request.POST or None,
        initial={"full_name": user.full_name, "preferred_language": user.preferred_language},
    )
    if request.method == "POST" and form.is_valid():
        person = save_through_service(form, services.update_profile, user, **form.cleaned_data)
        if person is not None:
            messages.success(request, _("Your profile is saved."))
            response = redirect("profile")
            # The language switch's cookie outranks the saved preference: keep them equal.
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                person.preferred_language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
                secure=settings.LANGUAGE_COOKIE_SECURE,
            )
            return response
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            **profile_of(user, request.session.session_key),
            "second_factor_required": needs_second_factor(user),
        },
    )


@login_required
@require_POST
def profile_session_end(request, pk):
    if services.end_own_session(request.user, pk):
        messages.success(request, _("That device is signed out."))
    return redirect("profile")
