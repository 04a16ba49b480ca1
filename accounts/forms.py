from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from civportal.forms import OneTimeTokenMixin, PortalForm

from .models import Role


class PasswordPairMixin:
    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password1") != cleaned.get("password2"):
            self.add_error("password2", _("The two passwords do not match."))
        elif cleaned.get("password1"):
            try:
                password_validation.validate_password(cleaned["password1"])
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class AcceptInvitationForm(PasswordPairMixin, PortalForm):
    """Accepting an e-mailed invitation: the address is the sign-in."""

    full_name = forms.CharField(label=_("Full name"), max_length=200)
    password1 = forms.CharField(label=_("Password"), widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(
        label=_("Password (again)"), widget=forms.PasswordInput, strip=False
    )


class AcceptLinkInvitationForm(PasswordPairMixin, PortalForm):
    """Accepting a shared link (community members): a sign-in name of one's own — a phone
    number will do — and, if one reads e-mail, an address."""

    full_name = forms.CharField(label=_("Full name"), max_length=200)
    login_name = forms.CharField(
        label=_("Sign-in name"),
        max_length=40,
        help_text=_("Letters, digits, dots, dashes or underscores, e.g. a phone number."),
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    email = forms.EmailField(
        label=_("E-mail (optional)"),
        required=False,
        help_text=_("Only if you read e-mail: it lets you reset a forgotten password."),
    )
    password1 = forms.CharField(
        label=_("Password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
    )
    password2 = forms.CharField(
        label=_("Password (again)"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
    )


class InviteMemberForm(OneTimeTokenMixin, PortalForm):
    """Invite someone into a community: a link to share (no address needed) or an e-mail."""

    LINK, EMAIL = "link", "email"
    how = forms.ChoiceField(
        label=_("How to invite"),
        choices=[
            (LINK, _("A link or QR code I share (LINE, or shown on my phone)")),
            (EMAIL, _("An e-mail to their address")),
        ],
        initial=LINK,
        widget=forms.RadioSelect,
    )
    full_name = forms.CharField(label=_("Full name"), max_length=200, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    role = forms.ChoiceField(label=_("Role"), choices=[(Role.MEMBER, Role.MEMBER.label)])

    def __init__(self, *args, may_invite_leaders=False, **kwargs):
        super().__init__(*args, **kwargs)
        if may_invite_leaders:
            self.fields["role"].choices = [
                (Role.MEMBER, Role.MEMBER.label),
                (Role.LEADER, Role.LEADER.label),
            ]
        else:
            self.fields["role"].widget = forms.HiddenInput()
            self.fields["role"].initial = Role.MEMBER

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("how") == self.EMAIL and not cleaned.get("email"):
            self.add_error("email", _("Enter the address the invitation goes to."))
        if cleaned.get("how") == self.LINK:
            cleaned["email"] = ""
        return cleaned


class ProfileForm(PortalForm):
    """The profile page: one's own name and language."""

    full_name = forms.CharField(label=_("Full name"), max_length=200)
    preferred_language = forms.ChoiceField(
        label=_("Language"), choices=[("th", "ไทย"), ("en", "English")]
    )
