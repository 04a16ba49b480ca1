from django import forms
from django.utils.translation import gettext_lazy as _

from civportal.forms import OneTimeTokenMixin, PortalForm
from mentorship.selectors import mous_for

from .models import ReportJob
from .permissions import kinds_for
from .selectors import report_provinces_for


class ReportRequestForm(OneTimeTokenMixin, PortalForm):
    kind = forms.ChoiceField(label=_("Report"))
    province = forms.ModelChoiceField(
        label=_("Province"),
        queryset=None,
        required=False,
        help_text=_("For the province report and the workbook."),
    )
    mou = forms.ModelChoiceField(
        label=_("MOU"),
        queryset=None,
        required=False,
        help_text=_("For the attendance register."),
    )

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = set(kinds_for(user))
        self.fields["kind"].choices = [
            (value, label) for value, label in ReportJob.Kind.choices if value in allowed
        ]
        self.fields["province"].queryset = report_provinces_for(user).order_by("name_th")
        self.fields["mou"].queryset = mous_for(user).order_by("title_th")
        if user.is_programme_staff:
            self.fields["province"].empty_label = _("Whole programme (workbook only)")
