from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .versioning import StaleEdit

VERSION_FIELD = "version"


def save_through_service(form, service, *args, **kwargs):
    """Call a service with the form's data; its ValidationError lands on the form, nothing saved.

    Returns the service's result, or None when the form now carries errors. A stale edit
    also moves the form's hidden version to the current one, so saving the kept input
    again is a deliberate overwrite that goes through.
    """
    try:
        return service(*args, **kwargs)
    except ValidationError as error:
        if isinstance(error, StaleEdit) and VERSION_FIELD in form.fields:
            form.data = form.data.copy()
            form.data[form.add_prefix(VERSION_FIELD)] = error.current_version
        if hasattr(error, "error_dict"):
            for field, messages in error.message_dict.items():
                form.add_error(field if field in form.fields else None, messages)
        else:
            form.add_error(None, error.messages)
        return None


class VersionedFormMixin:
    """An edit form of a shared record carries the version it was read at (hidden).

    Only for a saved instance: the same form class may also create. The update service
    compares it under the row lock (civportal.versioning); ``version_attribute`` names
    the model's counter (``revision`` for training sessions).
    """

    version_attribute = VERSION_FIELD

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields[VERSION_FIELD] = forms.IntegerField(
                widget=forms.HiddenInput,
                min_value=0,
                error_messages={
                    "required": _(
                        "This form is missing the version it was opened at. Please open the "
                        "page again; what you typed is still shown below."
                    )
                },
            )
            self.initial[VERSION_FIELD] = getattr(self.instance, self.version_attribute)

    def full_clean(self):
        super().full_clean()
        # Errors of a hidden field would not be seen: show them above the form.
        missing = self._errors.pop(VERSION_FIELD, None) if self._errors else None
        if missing:
            self.add_error(None, list(missing))

    @property
    def read_version(self) -> int | None:
        """The version the form was read at (None on a create form)."""
        return self.cleaned_data.get(VERSION_FIELD)
