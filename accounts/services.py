from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from outbox.models import Channel, Delivery
from outbox.services import record_deliveries

from .models import COMMUNITY_ROLES, COMPANY_ROLES, Invitation, Role, User
from .permissions import can_invite


# Not durable: its create form runs it inside save_once's transaction (civportal.forms).
@transaction.atomic
def invite_user(
    actor, *, email, role, full_name="", organisation=None, community=None, provinces=()
) -> Invitation:
    """Invite someone into a role with its scope; the welcome e-mail goes through the outbox."""
    email = email.strip().lower()
    if not can_invite(actor, role, organisation=organisation, community=community):
        raise PermissionDenied
    if role in COMPANY_ROLES and organisation is None:
        raise ValidationError(_("A company role needs its company."))
    if role in COMMUNITY_ROLES and community is None:
        raise ValidationError(_("A community role needs its community."))
    if role == Role.OFFICER and not provinces:
        raise ValidationError(_("An officer needs at least one province."))
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError(_("This e-mail address already has an account."))
    if Invitation.objects.filter(email__iexact=email, accepted_at__isnull=True).exists():
        raise ValidationError(_("This e-mail address already has an open invitation."))
    invitation = Invitation.objects.create(
        email=email,
        full_name=full_name,
        role=role,
        organisation=organisation,
        community=community,
        invited_by=actor,
    )
    if provinces:
        invitation.provinces.set(provinces)
    record_deliveries([invitation_email(invitation)])
    return invitation


def invitation_email(invitation: Invitation) -> Delivery:
    """The welcome e-mail with the one-time link, in Thai (the invitee has no settings yet)."""
    link = settings.CIV_SITE_URL.rstrip("/") + reverse("accept_invitation", args=[invitation.token])
    context = {"invitation": invitation, "link": link}
    with translation.override("th"):
        subject = render_to_string("accounts/email/invitation_subject.txt", context).strip()
        body = render_to_string("accounts/email/invitation_message.txt", context)
    return Delivery(
        channel=Channel.EMAIL,
        key=f"invitation:{invitation.pk}",
        to=invitation.email,
        subject=subject[:300],
        body=body,
    )


@transaction.atomic(durable=True)
def accept_invitation(token: str, *, full_name: str, password: str) -> User:
    """Create the invited account with its role and scope; the address counts as verified."""
    invitation = (
        Invitation.objects.select_for_update().filter(token=token, accepted_at__isnull=True).first()
    )
    if invitation is None or not invitation.is_open:
        raise ValidationError(_("This invitation link is no longer valid."))
    user = User.objects.create_user(
        email=invitation.email,
        password=password,
        full_name=full_name or invitation.full_name,
        role=invitation.role,
        organisation=invitation.organisation,
        community=invitation.community,
    )
    user.provinces.set(invitation.provinces.all())
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    invitation.accepted_at = timezone.now()
    invitation.accepted_user = user
    invitation.save(update_fields=["accepted_at", "accepted_user"])
    return user
