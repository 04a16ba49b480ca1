from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from civportal.fiscal import (
    Frequency,
    fiscal_year,
    fy_bounds,
    fy_label,
    period_containing,
    periods_between,
)
from civportal.forms import OneTimeTokenMixin, PortalForm, PortalModelForm, VersionedFormMixin
from civportal.images import clean_photo
from civportal.pending import KeepUploadsMixin
from civportal.templatetags.thaidate import ce_year, display_year

from .contacts import CHANNEL_FIELDS, WEB_ADDRESS_MESSAGE
from .imports import MAX_ROWS
from .models import (
    READINESS_CRITERIA,
    Activity,
    Cohort,
    Community,
    District,
    Indicator,
    ProgressVisit,
    Province,
    ReadinessAssessment,
    Stage,
    Subdistrict,
)
from .selectors import districts_of, provinces_for, subdistricts_of
from .services import EDITABLE_FIELDS

PHOTO_MAX_SIDE = 2000
MAX_IMPORT_BYTES = 5 * 1024 * 1024


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos in one input; each is checked and cleaned (EXIF/GPS gone, resized)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*"}))
        kwargs.setdefault(
            "help_text", _("JPEG, PNG or WebP, up to 15 MB each. Location data is removed.")
        )
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        uploads = data if isinstance(data, list | tuple) else [data]
        cleaned = []
        for upload in (u for u in uploads if u):
            super().clean(upload, initial)
            try:
                cleaned.append(clean_photo(upload, max_side=PHOTO_MAX_SIDE))
            except ValidationError as error:
                # A browser cannot refill a file input, so say plainly what to do next.
                raise ValidationError(
                    gettext(
                        "“%(name)s”: %(problem)s Your other entries are kept; please choose "
                        "the photos again (a browser cannot keep chosen files)."
                    )
                    % {"name": upload.name, "problem": " ".join(error.messages)},
                    code=error.error_list[0].code,
                ) from error
        return cleaned


class GeographyMixin(PortalForm):
    """Province → amphoe → tambon selects; htmx refills the next one on change."""

    province = forms.ModelChoiceField(queryset=Province.objects.none(), label=_("Province"))
    district = forms.ModelChoiceField(
        queryset=District.objects.none(), label=_("Amphoe (district)")
    )

    def setup_geography(self, user, subdistrict=None):
        self.fields["province"].queryset = provinces_for(user)
        self.fields["province"].widget.attrs.update(
            {
                "hx-get": reverse_lazy("geo_districts"),
                "hx-target": "#id_district",
                "hx-trigger": "change",
            }
        )
        self.fields["district"].widget.attrs.update(
            {
                "hx-get": reverse_lazy("geo_subdistricts"),
                "hx-target": "#id_subdistrict",
                "hx-trigger": "change",
            }
        )
        self.fields["subdistrict"].label = _("Tambon (subdistrict)")
        if self.is_bound:
            province_code = self.data.get("province")
            district_code = self.data.get("district")
        else:
            district = subdistrict.district if subdistrict else None
            single = list(self.fields["province"].queryset[:2])
            province_code = district.province_id if district else None
            if province_code is None and len(single) == 1:
                province_code = single[0].pk  # an officer of one province: start there
            district_code = district.pk if district else None
            self.initial.setdefault("province", province_code)
            self.initial.setdefault("district", district_code)
        self.fields["district"].queryset = (
            districts_of(province_code) if province_code else District.objects.none()
        )
        self.fields["subdistrict"].queryset = (
            subdistricts_of(district_code) if district_code else Subdistrict.objects.none()
        )

    def clean(self):
        cleaned = super().clean()
        province, district = cleaned.get("province"), cleaned.get("district")
        subdistrict = cleaned.get("subdistrict")
        if district and province and district.province_id != province.pk:
            self.add_error("district", _("This amphoe is not in the chosen province."))
        elif subdistrict and district and subdistrict.district_id != district.pk:
            self.add_error("subdistrict", _("This tambon is not in the chosen amphoe."))
        return cleaned


class CohortYearField(forms.IntegerField):
    """Typed in the reader's calendar: a Buddhist Era year (> 2400) is turned into CE."""

    def clean(self, value):
        year = super().clean(value)
        if year is not None:
            year = ce_year(year)
        if year is not None and not 1990 <= year <= 2100:
            raise ValidationError(_("Please give a year such as 2561 (BE) or 2018 (CE)."))
        return year


class CommunityForm(VersionedFormMixin, OneTimeTokenMixin, GeographyMixin, PortalModelForm):
    cohort_year = CohortYearField(
        label=_("Cohort year"),
        required=False,
        help_text=_("Buddhist Era (e.g. 2561) or Common Era (e.g. 2018)."),
    )
    photos = PhotosField(label=_("Add photos"))

    class Meta:
        model = Community
        fields = [f for f in EDITABLE_FIELDS if f != "enterprise"]
        widgets = {
            "identity_story": forms.Textarea(attrs={"rows": 4}),
            "main_activities": forms.Textarea(attrs={"rows": 3}),
            "latitude": forms.NumberInput(attrs={"step": "0.000001"}),
            "longitude": forms.NumberInput(attrs={"step": "0.000001"}),
        }
        # The same words as the model's own check (communities.contacts), for an address
        # the browser-side URL field already refuses.
        error_messages = {
            name: {"invalid": WEB_ADDRESS_MESSAGE}
            for name in ("shopee_url", "lazada_url", "facebook_url", "line_oa_url", "website_url")
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cohort"].queryset = Cohort.objects.all()
        if self.instance.pk and self.instance.cohort_year and not self.is_bound:
            self.initial["cohort_year"] = display_year(self.instance.cohort_year)
        # Leaders edit their profile but do not move the community to another tambon.
        self.with_geography = provinces_for(user).exists()
        if self.with_geography:
            self.setup_geography(
                user, self.instance.subdistrict if self.instance.subdistrict_id else None
            )
        else:
            for name in ("province", "district", "subdistrict"):
                del self.fields[name]
        self.order_fields(["name_th", "name_en", "province", "district", "subdistrict"])

    def clean(self):
        if not self.with_geography:
            return forms.ModelForm.clean(self)
        return super().clean()

    def contact_fields(self):
        """The buyer contact channels, shown together under their own heading."""
        return [self[name] for pair in CHANNEL_FIELDS for name in pair]

    def profile_fields(self):
        contacts = {name for pair in CHANNEL_FIELDS for name in pair}
        return [field for field in self.visible_fields() if field.name not in contacts]

    def service_fields(self) -> dict:
        """What the service takes: the model fields this form shows, photos apart."""
        return {
            name: self.cleaned_data[name]
            for name in self.Meta.fields
            if name in self.fields and name in self.cleaned_data
        }


class ScoreField(forms.TypedChoiceField):
    def __init__(self, **kwargs):
        super().__init__(
            choices=[("", "—")] + [(n, str(n)) for n in range(1, 6)],
            coerce=int,
            empty_value=None,
            required=False,
            **kwargs,
        )


def fy_target_label(fy: int) -> str:
    return gettext("Target for %(year)s") % {"year": fy_label(fy)}


# How far back an officer may file a value: the fiscal year before this one, then on.
PERIOD_CHOICES_BACK_YEARS = 1


def period_choice_field(indicator, default_day) -> forms.ChoiceField:
    """The reporting periods a value of ``indicator`` may be for, newest first, the one
    containing ``default_day`` preselected."""
    today = timezone.localdate()
    first, _last = fy_bounds(fiscal_year(today) - PERIOD_CHOICES_BACK_YEARS)
    periods = list(periods_between(first, today, indicator.frequency))
    return forms.ChoiceField(
        label=gettext("Reporting period for %(indicator)s") % {"indicator": indicator.name},
        choices=[(p.start.isoformat(), p.label()) for p in reversed(periods)],
        initial=period_containing(default_day, indicator.frequency).start.isoformat(),
        # Left out (a script, an old form): the period of the visit date.
        required=False,
        error_messages={
            "invalid_choice": _("Choose one of the listed reporting periods."),
        },
    )


class VisitForm(KeepUploadsMixin, OneTimeTokenMixin, PortalModelForm):
    """A visit with photos, one field per active indicator and the six readiness scores.

    Photos that passed their checks are kept if the form comes back with an error
    (civportal.pending), so the officer never picks them again.
    """

    photos = PhotosField(label=_("Photos"))
    readiness_note = forms.CharField(
        label=_("Readiness note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    class Meta:
        model = ProgressVisit
        fields = ["visited_on", "summary", "next_steps"]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 4}),
            "next_steps": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("visited_on", timezone.localdate())
        self.indicators = list(Indicator.objects.filter(active=True))
        for indicator in self.indicators:
            self.fields[f"indicator_{indicator.code}"] = forms.DecimalField(
                label=f"{indicator.name} ({indicator.unit_name})",
                required=False,
                max_digits=14,
                decimal_places=2,
            )
            if indicator.frequency != Frequency.VISIT:
                self.fields[f"period_{indicator.code}"] = period_choice_field(
                    indicator, self.initial["visited_on"]
                )
        for criterion in READINESS_CRITERIA:
            self.fields[f"readiness_{criterion}"] = ScoreField(
                label=ReadinessAssessment._meta.get_field(criterion).verbose_name
            )

    def indicator_rows(self):
        """(value field, period field or None) per indicator, for the template."""
        return [
            (
                self[f"indicator_{i.code}"],
                self[f"period_{i.code}"] if i.frequency != Frequency.VISIT else None,
            )
            for i in self.indicators
        ]

    def chosen_periods(self) -> dict:
        """The period start each value is for; None (the visit date's period) where the
        officer left the preselected choice, so a changed visit date moves it along."""
        chosen = {}
        for indicator in self.indicators:
            name = f"period_{indicator.code}"
            if (
                name in self.fields
                and self.cleaned_data.get(name)
                and self[name].field.has_changed(self[name].initial, self[name].data)
            ):
                chosen[indicator] = date.fromisoformat(self.cleaned_data[name])
            else:
                chosen[indicator] = None
        return chosen

    def readiness_fields(self):
        return [self[f"readiness_{c}"] for c in READINESS_CRITERIA] + [self["readiness_note"]]

    def clean(self):
        cleaned = super().clean()
        names = [f"readiness_{c}" for c in READINESS_CRITERIA]
        missing = [name for name in names if cleaned.get(name) is None]
        # A readiness assessment is all six scores or none: say so where one is missing.
        if 0 < len(missing) < len(names):
            for name in missing:
                if name not in self.errors:
                    self.add_error(
                        name,
                        ValidationError(
                            _("Score this criterion too: all six, or leave all six empty."),
                            code="readiness_incomplete",
                        ),
                    )
        return cleaned

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        scores = {c: data[f"readiness_{c}"] for c in READINESS_CRITERIA}
        readiness = None
        if all(v is not None for v in scores.values()):
            readiness = {**scores, "note": data["readiness_note"]}
        return {
            "visited_on": data["visited_on"],
            "summary": data["summary"],
            "next_steps": data["next_steps"],
            "photos": self.uploads_to_save(),
            "values": {i: data[f"indicator_{i.code}"] for i in self.indicators},
            "periods": self.chosen_periods(),
            "readiness": readiness,
        }


class StageForm(PortalForm):
    to_stage = forms.ChoiceField(label=_("Move to stage"), choices=Stage.choices)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_stage"].choices = [
            (value, label) for value, label in Stage.choices if value != community.stage
        ]


def target_years(today=None) -> list[int]:
    """Fiscal years a target may be set for: last year (late paperwork), this one, next."""
    this_year = fiscal_year(today or timezone.localdate())
    return [this_year - 1, this_year, this_year + 1]


class TargetsForm(PortalForm):
    """Baseline and the target of one fiscal year per active indicator; both or neither."""

    def __init__(self, *args, community, fiscal_year, **kwargs):
        super().__init__(*args, **kwargs)
        self.fiscal_year = fiscal_year
        self.indicators = list(Indicator.objects.filter(active=True))
        baselines = {t.indicator_id: t.baseline for t in community.indicator_targets.all()}
        targets = {
            t.indicator_id: t.target for t in community.targets.filter(fiscal_year=fiscal_year)
        }
        for indicator in self.indicators:
            for part, label, current in (
                ("baseline", _("Baseline"), baselines.get(indicator.pk)),
                ("target", fy_target_label(fiscal_year), targets.get(indicator.pk)),
            ):
                self.fields[f"{part}_{indicator.code}"] = forms.DecimalField(
                    label=f"{indicator.name} — {label} ({indicator.unit_name})",
                    required=False,
                    max_digits=14,
                    decimal_places=2,
                    # A target of another year is not this year's: only the baseline carries.
                    initial=current if part == "baseline" or indicator.pk in targets else None,
                )

    def rows(self):
        return [(i, self[f"baseline_{i.code}"], self[f"target_{i.code}"]) for i in self.indicators]

    def clean(self):
        cleaned = super().clean()
        for indicator in self.indicators:
            baseline = cleaned.get(f"baseline_{indicator.code}")
            target = cleaned.get(f"target_{indicator.code}")
            if (baseline is None) != (target is None):
                self.add_error(
                    f"target_{indicator.code}" if target is None else f"baseline_{indicator.code}",
                    _("Give both the baseline and the target, or neither."),
                )
        return cleaned

    def targets(self) -> dict:
        data = self.cleaned_data
        return {
            i: (
                None
                if data.get(f"baseline_{i.code}") is None
                else (data[f"baseline_{i.code}"], data[f"target_{i.code}"])
            )
            for i in self.indicators
        }


class RegistryFilterForm(PortalForm):
    q = forms.CharField(label=_("Search"), required=False)
    province = forms.ModelChoiceField(
        label=_("Province"), queryset=Province.objects.none(), required=False
    )
    stage = forms.ChoiceField(
        label=_("Stage"), choices=[("", _("All stages")), *Stage.choices], required=False
    )
    cohort = forms.ModelChoiceField(
        label=_("Cohort"), queryset=Cohort.objects.all(), required=False
    )
    activity = forms.ChoiceField(
        label=_("Activity"), choices=[("", _("All activities")), *Activity.choices], required=False
    )

    def __init__(self, *args, communities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].queryset = Province.objects.filter(
            pk__in=communities.values("province_id")
        )

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v}


class ImportForm(PortalForm):
    class Kind:
        COMMUNITIES = "communities"
        VALUES = "values"

    kind = forms.ChoiceField(
        label=_("What the file holds"),
        choices=[(Kind.COMMUNITIES, _("Communities")), (Kind.VALUES, _("Indicator values"))],
    )
    file = forms.FileField(
        label=_("File (.csv or .xlsx)"),
        help_text=_("The first line names the columns. At most %(max)d rows.") % {"max": MAX_ROWS},
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise ValidationError(_("The file is too large (at most 5 MB)."))
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise ValidationError(_("Please upload a .csv or .xlsx file."))
        return upload


class ImportConfirmForm(OneTimeTokenMixin, PortalForm):
    """The "Save all rows" button after a clean check: the token naming the stashed file is
    also the form's one-time token, so a double click imports the file once."""
