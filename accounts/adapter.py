from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.stages import EmailVerificationStage
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import render

from .mfa import SECOND_FACTOR_TYPES, needs_second_factor
from .models import COMMUNITY_ROLES
from .services import accept_invitation_with_line, open_invitation

_EMAIL_STAGE = "allauth.account.stages.EmailVerificationStage"


class InvitationOnlyAdapter(DefaultAccountAdapter):
    """Accounts come from invitations (accounts.services.accept_invitation), never open sign-up."""

    def is_open_for_signup(self, request):
        return False

    def get_login_stages(self):
        return [
            "accounts.adapter.AddressVerificationStage" if stage == _EMAIL_STAGE else stage
            for stage in super().get_login_stages()
        ]


class AddressVerificationStage(EmailVerificationStage):
    """An account's address must be verified before it signs in — but a member invited by
    link may have no address at all (they sign in with a sign-in name or LINE): there is
    nothing to verify then. Invitations mark the address they were sent to as verified."""

    def handle(self):
        user = self.login.user
        if user is not None and not user.email:
            return None, True
        return super().handle()


# The invitation a visitor opened, kept in their session while they go to LINE and back.
INVITATION_SESSION_KEY = "civ_invitation_token"


def _refusal(request, status=403):
    return render(request, "account/signup_closed.html", status=status)


class InvitationSocialAdapter(DefaultSocialAccountAdapter):
    """LINE Login for community members and leaders, without self-registration.

    A LINE account already connected to a portal account signs in. An unknown LINE account
    becomes an account only while an open invitation (opened on this device: its token is in
    the session) is being accepted — that accepts it, once. Anything else is refused."""

    def pre_social_login(self, request, sociallogin):
        # LINE is the community roles' door; staff, officers and company people keep theirs.
        person = sociallogin.user if sociallogin.is_existing else request.user
        if person is not None and person.is_authenticated and person.role not in COMMUNITY_ROLES:
            raise ImmediateHttpResponse(_refusal(request))

    def is_open_for_signup(self, request, sociallogin):
        invitation = open_invitation(request.session.get(INVITATION_SESSION_KEY, ""))
        return invitation is not None and invitation.role in COMMUNITY_ROLES

    def save_user(self, request, sociallogin, form=None):
        token = request.session.get(INVITATION_SESSION_KEY, "")
        profile = sociallogin.account.extra_data or {}
        full_name = (profile.get("displayName") or profile.get("name") or "")[:200]
        try:
            with transaction.atomic():
                user = accept_invitation_with_line(token, full_name=full_name)
                sociallogin.user = user
                # The account and its addresses are set up already: only link LINE to it.
                sociallogin.save(request, connect=True)
        except ValidationError:
            raise ImmediateHttpResponse(
                render(request, "accounts/invitation_invalid.html", status=410)
            ) from None
        request.session.pop(INVITATION_SESSION_KEY, None)
        return user


class PortalMFAAdapter(DefaultMFAAdapter):
    """allauth.mfa for the portal: an account that must have a second factor
    (accounts.mfa.needs_second_factor) cannot remove its last one."""

    def can_delete_authenticator(self, authenticator):
        user = authenticator.user
        if authenticator.type not in SECOND_FACTOR_TYPES or not needs_second_factor(user):
            return True
        return (
            Authenticator.objects.filter(user_id=user.pk, type__in=SECOND_FACTOR_TYPES)
            .exclude(pk=authenticator.pk)
            .exists()
        )
