import re

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from outbox.models import Channel, Delivery
from outbox.services import record_deliveries

from .models import COMMUNITY_ROLES, COMPANY_ROLES, Invitation, Role, User
from .permissions import can_deactivate, can_invite, can_revoke_invitation

LOGIN_NAME = re.compile(r"[a-z0-9][a-z0-9._-]{2,39}")


# Not durable: its create form runs it inside save_once's transaction (civportal.forms).
@transaction.atomic
def invite_user(
    actor, *, email="", role, full_name="", organisation=None, community=None, provinces=()
) -> Invitation:
    """Invite someone into a role with its scope. With an address the welcome e-mail goes
    through the outbox; without one (community members only) the invitation is a one-time
    link the inviter shares — over LINE, or as a QR code shown on their phone."""
    email = (email or "").strip().lower()
    if not can_invite(actor, role, organisation=organisation, community=community):
        raise PermissionDenied
    if not email and role not in COMMUNITY_ROLES:
        raise ValidationError(
            _("Staff, officers, coordinators and mentors need an e-mail address.")
        )
    if role in COMPANY_ROLES and organisation is None:
        raise ValidationError(_("A company role needs its company."))
    if role in COMMUNITY_ROLES and community is None:
        raise ValidationError(_("A community role needs its community."))
    if role == Role.OFFICER and not provinces:
        raise ValidationError(_("An officer needs at least one province."))
    if email and User.objects.filter(email__iexact=email).exists():
        raise ValidationError(_("This e-mail address already has an account."))
    if (
        email
        and Invitation.objects.filter(
            email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True
        ).exists()
    ):
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
    if email:
        record_deliveries([invitation_email(invitation)])
    return invitation


def invitation_link(invitation: Invitation) -> str:
    """The full address of the one-time link (in e-mails, the QR code, the LINE share)."""
    return settings.CIV_SITE_URL.rstrip("/") + reverse("accept_invitation", args=[invitation.token])


def invitation_email(invitation: Invitation) -> Delivery:
    """The welcome e-mail with the one-time link, in Thai (the invitee has no settings yet)."""
    context = {"invitation": invitation, "link": invitation_link(invitation)}
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


def open_invitation(token: str, *, lock=False) -> Invitation | None:
    """The invitation a link names, if it can still be accepted (not used, revoked or expired)."""
    queryset = Invitation.objects.select_related("community", "organisation")
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    invitation = queryset.filter(token=token).first()
    return invitation if invitation is not None and invitation.is_open else None


def validate_login_name(login_name: str) -> str:
    """A sign-in name: lower-case letters, digits, dots, dashes, underscores (a phone number
    with dashes is fine); never an address, which would be read as one at sign-in."""
    login_name = (login_name or "").strip().lower()
    if not LOGIN_NAME.fullmatch(login_name):
        raise ValidationError(
            _("Use 3–40 letters, digits, dots, dashes or underscores (for example 0812345678)."),
            code="login_name",
        )
    if User.objects.filter(login_name=login_name).exists():
        raise ValidationError(_("This sign-in name is taken. Please choose another."), code="taken")
    return login_name


@transaction.atomic(durable=True)
def accept_invitation(
    token: str, *, full_name: str, password: str | None, login_name: str = "", email: str = ""
) -> User:
    """Create the invited account with its role and scope, consuming the invitation once.

    An e-mailed invitation's address counts as verified. A link invitation (community
    members) brings a sign-in name and, optionally, an address the member types — that one
    is not verified, so it becomes a sign-in address only after allauth confirms it.
    ``password`` None leaves the account without one (it signs in with LINE)."""
    invitation = open_invitation(token, lock=True)
    if invitation is None:
        raise ValidationError(_("This invitation link is no longer valid."))
    email = (invitation.email or email or "").strip().lower()
    login_name = validate_login_name(login_name) if login_name else None
    if not email and login_name is None:
        raise ValidationError(_("Choose a sign-in name."))
    return _account_from(
        invitation, full_name=full_name, password=password, login_name=login_name, email=email
    )


@transaction.atomic
def accept_invitation_with_line(token: str, *, full_name: str) -> User:
    """The invited member signs in with LINE instead of choosing a password: the account has
    no password and no sign-in name (LINE is how it signs in; allauth links the LINE
    account in the same transaction, accounts.adapter). Community roles only."""
    invitation = open_invitation(token, lock=True)
    if invitation is None or invitation.role not in COMMUNITY_ROLES:
        raise ValidationError(_("This invitation link is no longer valid."))
    return _account_from(
        invitation, full_name=full_name, password=None, login_name=None, email=invitation.email
    )


def _account_from(invitation, *, full_name, password, login_name, email) -> User:
    """Create the account an open (locked) invitation describes, and consume it."""
    verified = bool(invitation.email)
    if email and User.objects.filter(email__iexact=email).exists():
        raise ValidationError(_("This e-mail address already has an account."))
    user = User.objects.create_user(
        email=email or None,
        password=password,
        login_name=login_name,
        full_name=full_name or invitation.full_name,
        role=invitation.role,
        organisation=invitation.organisation,
        community=invitation.community,
    )
    user.provinces.set(invitation.provinces.all())
    if email:
        EmailAddress.objects.create(user=user, email=email, verified=verified, primary=True)
    invitation.accepted_at = timezone.now()
    invitation.accepted_user = user
    invitation.save(update_fields=["accepted_at", "accepted_user"])
    return user


@transaction.atomic(durable=True)
def revoke_invitation(actor, invitation: Invitation) -> Invitation:
    """The link stops working at once; an accepted invitation cannot be revoked."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not can_revoke_invitation(actor, invitation):
        raise PermissionDenied
    invitation.revoked_at = timezone.now()
    invitation.revoked_by = actor
    invitation.save(update_fields=["revoked_at", "revoked_by"])
    return invitation


@transaction.atomic(durable=True)
def deactivate_user(actor, person: User) -> User:
    """The person can no longer sign in: their account is switched off, every session they
    have open ends now, and their private calendar feed address stops working."""
    from mentorship.services import revoke_feed_token

    person = User.objects.select_for_update().get(pk=person.pk)
    if not can_deactivate(actor, person):
        raise PermissionDenied
    person.is_active = False
    person.save(update_fields=["is_active"])
    end_sessions_of(person)
    revoke_feed_token(person)
    return person


def end_sessions_of(user: User) -> int:
    """Delete the user's Django sessions and their entries in the list of devices signed in
    (allauth.usersessions); returns how many sessions ended. The list names the sessions
    made by signing in; a session it missed (database sessions hold no user column) is
    found by decoding each live one."""
    from allauth.usersessions.models import UserSession

    listed = UserSession.objects.filter(user=user)
    ended = set(listed.values_list("session_key", flat=True))
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get(SESSION_KEY) == str(user.pk):
            ended.add(session.pk)
    listed.delete()
    return Session.objects.filter(pk__in=ended).delete()[0]


@transaction.atomic(durable=True)
def update_profile(actor: User, *, full_name: str, preferred_language: str) -> User:
    """The signed-in person's own name and the language the portal and its e-mails use."""
    full_name = (full_name or "").strip()
    if not full_name:
        raise ValidationError({"full_name": _("Please enter your full name.")})
    languages = {code for code, _name in settings.LANGUAGES}
    if preferred_language not in languages:
        raise ValidationError({"preferred_language": _("Choose Thai or English.")})
    person = User.objects.select_for_update().get(pk=actor.pk)
    person.full_name = full_name[:200]
    person.preferred_language = preferred_language
    person.save(update_fields=["full_name", "preferred_language"])
    return person


@transaction.atomic(durable=True)
def end_own_session(actor: User, user_session_id: int) -> bool:
    """Sign the actor out on one of their other devices; False if no such session of theirs."""
    from allauth.usersessions.models import UserSession

    user_session = UserSession.objects.filter(pk=user_session_id, user=actor).first()
    if user_session is None:
        return False
    user_session.end()
    return True
