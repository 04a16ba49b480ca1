from django import forms

from .models import Community
from .services import EDITABLE_FIELDS


class CommunityForm(forms.ModelForm):
    class Meta:
        model = Community
        fields = [f for f in EDITABLE_FIELDS if f not in ("subdistrict", "enterprise", "cohort")]
        widgets = {
            "identity_story": forms.Textarea(attrs={"rows": 4}),
            "main_activities": forms.Textarea(attrs={"rows": 3}),
        }
