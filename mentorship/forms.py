from django import forms

from .models import MOU
from .services import MOU_FIELDS


class MOUForm(forms.ModelForm):
    class Meta:
        model = MOU
        fields = list(MOU_FIELDS)
        widgets = {
            "framework": forms.Textarea(attrs={"rows": 4}),
            "signed_on": forms.DateInput(attrs={"type": "date"}),
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
        }
