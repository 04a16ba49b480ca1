from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from civportal.forms import OneTimeTokenMixin, PortalForm

from .models import ApiToken

LIFETIMES = [
    (30, _("30 days")),
    (90, _("90 days")),
    (180, _("180 days")),
    (365, _("1 year")),
]


class TokenForm(OneTimeTokenMixin, PortalForm):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What uses it, e.g. “province dashboard” or “head-office CSR report”."),
    )
    scope = forms.ChoiceField(
        label=_("Access"),
        choices=ApiToken.Scope.choices,
        initial=ApiToken.Scope.READ,
        widget=forms.RadioSelect,
        help_text=_("Read only is enough for reports and dashboards."),
    )
    days = forms.TypedChoiceField(
        label=_("Expires after"), coerce=int, choices=LIFETIMES, initial=90
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        longest = getattr(settings, "API_TOKEN_MAX_DAYS", 365)
        self.fields["days"].choices = [c for c in LIFETIMES if c[0] <= longest] or [
            (longest, str(longest))
        ]
