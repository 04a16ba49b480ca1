from django import forms
from django.utils.translation import gettext_lazy as _

from civportal.forms import OneTimeTokenMixin, PortalForm
from mentorship.selectors import mous_for

from .models import ReportJob
from .permissions import kinds_for
from .selectors import report_provinces_for


def fiscal_year_choices() -> list[tuple[int, str]]:
    """This fiscal year back to the programme's first, labelled by civportal.fiscal."""
    from django.utils import timezone

    from civportal.fiscal import fiscal_year, fy_label

    current = fiscal_year(timezone.localdate())
    return [(year, fy_label(year)) for year in range(current, FIRST_RESULTS_YEAR - 1, -1)]


def report_period_choices(today=None, years: int = 2) -> list:
    """The periods a province report may cover, grouped by fiscal year: this fiscal year and
    the ``years - 1`` before it, each as the whole year, its quarters and its months that
    have begun (labels from civportal.fiscal: Thai BE, English CE). Values are read by
    ``reports.services.report_period``."""
    from django.utils import timezone

    from civportal.fiscal import Frequency, fiscal_year, fy_bounds, fy_label, periods_between

    today = today or timezone.localdate()
    current = fiscal_year(today)
    choices: list = [("", _("This fiscal year to date"))]
    for year in range(current, max(current - years, FIRST_RESULTS_YEAR - 1), -1):
        start, end = fy_bounds(year)
        end = min(end, today)
        group = [(f"fy:{year}", fy_label(year))]
        group += [
            (f"quarter:{period.start.isoformat()}", period.label())
            for period in periods_between(start, end, Frequency.QUARTER)
        ]
        group += [
            (f"month:{period.start:%Y-%m}", period.label())
            for period in periods_between(start, end, Frequency.MONTH)
        ]
        choices.append((fy_label(year), group))
    return choices


class ReportRequestForm(OneTimeTokenMixin, PortalForm):
    kind = forms.ChoiceField(label=_("Report"))
    province = forms.ModelChoiceField(
        label=_("Province"),
        queryset=None,
        required=False,
        help_text=_("For the province report and the workbook."),
    )
    fy = forms.TypedChoiceField(
        label=_("Fiscal year"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("For the workbook's results sheets (the same figures as the results page)."),
    )
    period = forms.ChoiceField(
        label=_("Period"),
        required=False,
        help_text=_(
            "For the province report: a fiscal year, a quarter or a month (a quarter or a "
            "month comes with its fiscal year to date)."
        ),
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
        self.fields["fy"].choices = fiscal_year_choices()
        self.fields["period"].choices = report_period_choices()
        if user.is_programme_staff:
            self.fields["province"].empty_label = _("Whole programme (workbook only)")


class ResultsFilterForm(PortalForm):
    """The results page's filters (GET): a fiscal year, and optionally a province, cohort
    and Big Brother company. The years are labelled by civportal.fiscal."""

    fy = forms.TypedChoiceField(label=_("Fiscal year"), coerce=int)
    province = forms.ModelChoiceField(label=_("Province"), queryset=None, required=False)
    cohort = forms.ModelChoiceField(label=_("Cohort"), queryset=None, required=False)
    company = forms.ModelChoiceField(
        label=_("Company (Big Brother)"), queryset=None, required=False
    )

    def __init__(self, user, *args, **kwargs):
        from django.utils import timezone

        from civportal.fiscal import fiscal_year
        from communities.models import Cohort, Organisation
        from communities.selectors import provinces_for

        super().__init__(*args, **kwargs)
        self.fields["fy"].choices = fiscal_year_choices()
        self.fields["fy"].initial = fiscal_year(timezone.localdate())
        self.fields["province"].queryset = provinces_for(user)
        self.fields["cohort"].queryset = Cohort.objects.order_by("start_year")
        self.fields["company"].queryset = Organisation.objects.filter(
            kind=Organisation.Kind.COMPANY
        ).order_by("name_th")


# The programme's first round (CIV 2559–2561) opened in fiscal year 2559 (2016).
FIRST_RESULTS_YEAR = 2016
