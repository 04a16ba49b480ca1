from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from civportal.forms import OneTimeTokenMixin, PortalForm, PortalModelForm, VersionedFormMixin
from communities.models import Community, Organisation
from communities.selectors import communities_for

from .models import MOU, MentoringArea, MOUSignatory, TrainingSession
from .services import MOU_FIELDS, SESSION_FIELDS
from .validators import validate_signed_pdf


class MOUForm(VersionedFormMixin, OneTimeTokenMixin, PortalModelForm):
    class Meta:
        model = MOU
        fields = list(MOU_FIELDS)
        widgets = {"framework": forms.Textarea(attrs={"rows": 4})}


class MOUCreateForm(MOUForm):
    """A new MOU (draft) between a provincial office and a company, within the user's scope."""

    government_office = forms.ModelChoiceField(
        label=_("Government party"), queryset=Organisation.objects.none()
    )
    company = forms.ModelChoiceField(
        label=_("Company (Big Brother)"), queryset=Organisation.objects.none()
    )
    areas = forms.ModelMultipleChoiceField(
        label=_("Mentoring areas"),
        queryset=MentoringArea.objects.all(),
        widget=forms.CheckboxSelectMultiple,
    )
    communities = forms.ModelMultipleChoiceField(
        label=_("Covered communities"),
        queryset=Community.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    field_order = ["government_office", "company", *MOU_FIELDS, "areas", "communities"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        offices = Organisation.objects.filter(kind=Organisation.Kind.GOVERNMENT)
        companies = Organisation.objects.filter(kind=Organisation.Kind.COMPANY)
        if user.role == Role.OFFICER:
            offices = offices.filter(province__in=user.provinces.all())
        elif user.role == Role.COORDINATOR:
            companies = companies.filter(pk=user.organisation_id)
        self.fields["government_office"].queryset = offices
        self.fields["company"].queryset = companies
        self.fields["communities"].queryset = communities_for(user).order_by("name_th")

    def service_kwargs(self) -> dict:
        names = ["government_office", "company", *MOU_FIELDS, "areas", "communities"]
        return {name: self.cleaned_data[name] for name in names}


class SignatoryForm(OneTimeTokenMixin, PortalModelForm):
    class Meta:
        model = MOUSignatory
        fields = ["party", "name", "position"]


class SignedPDFForm(PortalForm):
    signed_pdf = forms.FileField(
        label=_("Signed MOU (PDF, up to 20 MB)"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def clean_signed_pdf(self):
        upload = self.cleaned_data["signed_pdf"]
        validate_signed_pdf(upload)
        return upload


class InviteMentorForm(OneTimeTokenMixin, PortalForm):
    email = forms.EmailField(label=_("E-mail"))
    full_name = forms.CharField(label=_("Full name"), max_length=200, required=False)


def _company_mentors(mou: MOU):
    return User.objects.filter(
        role=Role.MENTOR, organisation_id=mou.company_id, is_active=True
    ).order_by("full_name")


class AssignmentForm(OneTimeTokenMixin, PortalForm):
    mentor = forms.ModelChoiceField(label=_("Mentor"), queryset=User.objects.none())
    community = forms.ModelChoiceField(label=_("Community"), queryset=Community.objects.none())
    areas = forms.ModelMultipleChoiceField(
        label=_("Areas"), queryset=MentoringArea.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    starts_on = forms.DateField(label=_("From"))
    ends_on = forms.DateField(label=_("Until"), required=False)

    def __init__(self, *args, mou: MOU, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mentor"].queryset = _company_mentors(mou)
        self.fields["community"].queryset = mou.communities.order_by("name_th")
        self.fields["areas"].queryset = mou.areas.all()


class SessionForm(VersionedFormMixin, OneTimeTokenMixin, PortalModelForm):
    version_attribute = "revision"

    communities = forms.ModelMultipleChoiceField(
        label=_("Communities"),
        queryset=Community.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    mentors = forms.ModelMultipleChoiceField(
        label=_("Mentors"), queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = TrainingSession
        fields = list(SESSION_FIELDS)
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {"area": _("Mentoring area")}
        help_texts = {
            "starts_at": _("Bangkok time"),
            "online_url": _("A venue, an online link, or both."),
            "capacity": _("Leave empty for no limit."),
        }

    def __init__(self, *args, mou: MOU, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = mou.areas.all()
        communities = mou.communities.order_by("name_th")
        if user.role == Role.MENTOR:
            communities = communities.filter(assignments__mou=mou, assignments__mentor=user)
        self.fields["communities"].queryset = communities
        self.fields["mentors"].queryset = _company_mentors(mou)
        if self.instance.pk:
            self.initial.setdefault("communities", list(self.instance.communities.all()))
            self.initial.setdefault("mentors", list(self.instance.mentors.all()))
        elif user.role == Role.MENTOR:
            self.initial.setdefault("mentors", [user])

    def validate_constraints(self):
        """The scheduling service checks times and venue with clearer messages than these."""

    def service_kwargs(self) -> dict:
        names = [*self.Meta.fields, "communities", "mentors"]
        return {name: self.cleaned_data[name] for name in names}


class MaterialForm(OneTimeTokenMixin, PortalForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    url = forms.URLField(label=_("Link"), required=False)
    file = forms.FileField(label=_("File (up to 20 MB)"), required=False)


class AttendanceForm(OneTimeTokenMixin, PortalForm):
    """The register: one checkbox per member or walk-in, plus new walk-in names."""

    present = forms.MultipleChoiceField(
        label=_("Present"), required=False, widget=forms.CheckboxSelectMultiple
    )
    new_walk_ins = forms.CharField(
        label=_("Walk-ins (one name per line)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, members, register, **kwargs):
        super().__init__(*args, **kwargs)
        registered = {row.person_id: row for row in register if row.person_id}
        choices = []
        for member in members:
            row = registered.pop(member.pk, None)
            label = member.full_name or member.email
            choices.append((f"u{member.pk}", f"{label} · {_('registered')}" if row else label))
        # People registered earlier who have since left the community stay on the list.
        choices += [(f"u{pk}", str(row.person)) for pk, row in registered.items()]
        walk_ins = [row for row in register if not row.person_id]
        choices += [(f"w{row.pk}", f"{row.walk_in_name} · {_('walk-in')}") for row in walk_ins]
        self.fields["present"].choices = choices
        self.initial["present"] = [
            f"u{row.person_id}" for row in register if row.present and row.person_id
        ] + [f"w{row.pk}" for row in walk_ins if row.present]

    def service_kwargs(self) -> dict:
        ticked = self.cleaned_data["present"]
        return {
            "present_people": [value[1:] for value in ticked if value.startswith("u")],
            "present_walk_ins": [value[1:] for value in ticked if value.startswith("w")],
            "new_walk_ins": self.cleaned_data["new_walk_ins"].splitlines(),
        }


class FeedbackForm(OneTimeTokenMixin, PortalForm):
    rating = forms.TypedChoiceField(
        label=_("How useful was this session?"),
        choices=[(n, str(n)) for n in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_("1 = not useful, 5 = very useful"),
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
