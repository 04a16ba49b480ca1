from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from civportal.forms import PortalForm


class AcceptInvitationForm(PortalForm):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    password1 = forms.CharField(label=_("Password"), widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(
        label=_("Password (again)"), widget=forms.PasswordInput, strip=False
    )

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
