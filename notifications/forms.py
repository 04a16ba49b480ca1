from django import forms
from django.utils.translation import gettext_lazy as _

from civportal.forms import PortalForm


class PreferencesForm(PortalForm):
    """Two switches per kind: e-mail, and inclusion in the weekly digest."""

    def __init__(self, rows: list[dict], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            kind = row["kind"]
            self.fields[f"email_{kind}"] = forms.BooleanField(
                label=_("E-mail"), required=False, initial=row["email"]
            )
            self.fields[f"digest_{kind}"] = forms.BooleanField(
                label=_("Weekly digest"), required=False, initial=row["in_digest"]
            )

    def table(self):
        """(label, e-mail field, digest field) per kind, for the template's table."""
        return [
            (row["label"], self[f"email_{row['kind']}"], self[f"digest_{row['kind']}"])
            for row in self.rows
        ]

    def choices(self) -> dict[str, dict[str, bool]]:
        return {
            row["kind"]: {
                "email": self.cleaned_data[f"email_{row['kind']}"],
                "in_digest": self.cleaned_data[f"digest_{row['kind']}"],
            }
            for row in self.rows
        }
