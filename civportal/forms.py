from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .text import has_control_characters, without_control_characters

CONTROL_CHARACTERS_MESSAGE = _(
    "This field held invisible control characters (such as ESC or NUL), which cannot be "
    "saved. They have been removed: please check the text and save again."
)


class RefuseControlCharacters:
    """Every form of the portal refuses control characters in what was typed.

    They are invisible, PostgreSQL cannot store NUL (the query fails: a 500), and an ESC
    in a name broke the XLSX export. Tabs and line breaks stay allowed where text may
    span lines (a textarea). The refused characters are taken out of the redisplayed
    form, so the person sees their text as typed and only has to save again.

    The submitted data is cleaned as soon as the form is built: forms read it in their
    constructors (the geography selects look the chosen province up) and choice fields
    look values up in the database, where a NUL would already fail.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._keys_with_control_characters = set()
        if self.is_bound:
            self.data = self._without_control_characters(self.data, multiline=True)

    def full_clean(self):
        if self.is_bound:
            # Tabs and line breaks were kept above; a one-line field takes none of them.
            single_line = {key for _name, key, multiline in self._typed_keys() if not multiline}
            self.data = self._without_control_characters(
                self.data, multiline=False, keys=single_line
            )
        super().full_clean()
        refused = self._keys_with_control_characters
        names = [name for name, key, _multiline in self._typed_keys() if key in refused]
        for name in dict.fromkeys(names):
            self.add_error(name, ValidationError(CONTROL_CHARACTERS_MESSAGE, code="control"))

    def _typed_keys(self):
        """(field name, key in the submitted data, multi-line?) for every typed-in value."""
        for name, field in self.fields.items():
            if field.disabled or isinstance(field, forms.FileField):
                continue
            key = self.add_prefix(name)
            widget = field.widget
            multiline = isinstance(widget, forms.Textarea)
            if isinstance(widget, forms.MultiWidget):
                for suffix in widget.widgets_names:
                    yield name, key + suffix, multiline
            else:
                yield name, key, multiline

    def _without_control_characters(self, data, *, multiline: bool, keys=None):
        """A copy of ``data`` without them, noting which keys held any."""
        cleaned = data.copy()
        many = hasattr(data, "getlist")  # a QueryDict from a request, or a plain dict
        for key in data if keys is None else keys & set(data):
            values = data.getlist(key) if many else data[key]
            as_list = values if isinstance(values, list | tuple) else [values]
            if not any(
                isinstance(value, str) and has_control_characters(value, multiline=multiline)
                for value in as_list
            ):
                continue
            self._keys_with_control_characters.add(key)
            kept = [
                without_control_characters(value, multiline=multiline)
                if isinstance(value, str)
                else value
                for value in as_list
            ]
            if many:
                cleaned.setlist(key, kept)
            else:
                cleaned[key] = kept if isinstance(values, list | tuple) else kept[0]
        return cleaned


class PortalForm(RefuseControlCharacters, forms.Form):
    """The base of every plain form in the portal."""


class PortalModelForm(RefuseControlCharacters, forms.ModelForm):
    """The base of every model form in the portal."""


def save_through_service(form, service, *args, **kwargs):
    """Call a service with the form's data; its ValidationError lands on the form, nothing saved.

    Returns the service's result, or None when the form now carries errors.
    """
    try:
        return service(*args, **kwargs)
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, messages in error.message_dict.items():
                form.add_error(field if field in form.fields else None, messages)
        else:
            form.add_error(None, error.messages)
        return None
