from django import forms
from django.utils.translation import gettext_lazy as _

from civportal.forms import PortalForm


class PreferencesForm(PortalForm):
    """Switches per kind: e-mail, LINE (when offered), and inclusion in the weekly digest.

    ``line`` is None when the portal sends no LINE messages (the column is left out),
    False when the person has not connected LINE (the switches are shown, disabled), and
    True when they can choose it.
    """

    def __init__(self, rows: list[dict], *args, line: bool | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        self.line = line
        for row in rows:
            kind = row["kind"]
            self.fields[f"email_{kind}"] = forms.BooleanField(
                label=_("E-mail"), required=False, initial=row["email"]
            )
            if line is not None:
                self.fields[f"line_{kind}"] = forms.BooleanField(
                    label=_("LINE"),
                    required=False,
                    initial=row["line"],
                    disabled=not line,
                    # The note above the table says how to connect LINE or add the friend.
                    widget=forms.CheckboxInput(attrs={"aria-describedby": "line-help"}),
                )
            self.fields[f"digest_{kind}"] = forms.BooleanField(
                label=_("Weekly digest"), required=False, initial=row["in_digest"]
            )

    def table(self):
        """(label, e-mail field, LINE field or None, digest field) per kind, for the template."""
        return [
            (
                row["label"],
                self[f"email_{row['kind']}"],
                self[f"line_{row['kind']}"] if self.line is not None else None,
                self[f"digest_{row['kind']}"],
            )
            for row in self.rows
        ]

    def choices(self) -> dict[str, dict[str, bool]]:
        choices = {}
        for row in self.rows:
            kind = row["kind"]
            choice = {
                "email": self.cleaned_data[f"email_{kind}"],
                "in_digest": self.cleaned_data[f"digest_{kind}"],
            }
            if self.line:
                choice["line"] = self.cleaned_data[f"line_{kind}"]
            choices[kind] = choice
        return choices
