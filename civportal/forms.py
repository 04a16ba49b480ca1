import secrets

from django import forms
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from .dates import in_reader_calendar
from .models import FormSubmission
from .text import has_control_characters, without_control_characters
from .versioning import StaleEdit

VERSION_FIELD = "version"
TOKEN_FIELD = "form_token"

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
        # Every date typed in the portal is in the reader's calendar (civportal.dates);
        # done before the data is read below, since a date-time becomes two inputs.
        for name, field in self.fields.items():
            self.fields[name] = in_reader_calendar(field)
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


class OneTimeTokenMixin:
    """A create form carries a one-time token, made when the form is first rendered.

    A form shown again with errors keeps its token (nothing was created with it yet).
    For a form class that also edits (a saved instance), no token: edits carry a version.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        if instance is None or instance.pk is None:
            self.fields[TOKEN_FIELD] = forms.CharField(
                widget=forms.HiddenInput,
                required=False,
                max_length=64,
                initial=secrets.token_urlsafe(24),
            )

    def full_clean(self):
        super().full_clean()
        # Kept apart: views hand ``cleaned_data`` to services, which know nothing of it.
        self.one_time_token = (
            self.cleaned_data.pop(TOKEN_FIELD, "") if hasattr(self, "cleaned_data") else ""
        )


class AlreadySubmitted(Exception):
    """This one-time token already created something; ``url`` shows it.

    civportal.middleware.AlreadySubmittedMiddleware turns it into a redirect there.
    """

    def __init__(self, url: str):
        super().__init__(url)
        self.url = url


def save_once(request, form, service, *args, result_url, **kwargs):
    """``save_through_service`` for create forms: one row per rendered form, however often
    (or however concurrently) it is posted.

    The form's one-time token is recorded in the same transaction as what the service
    creates. A second POST with the token waits for the first's transaction at the
    unique key; once the first has committed, it raises AlreadySubmitted, leading to
    the first result (``result_url``: a URL, or a function of the service's result).
    If the first failed (a ValidationError on the form), its token row rolled back
    with it, so the corrected form goes through.

    A POST without a token (a page rendered before forms had one, a script) is saved
    as before, without the once-only promise.
    """
    key = getattr(form, "one_time_token", "")
    if not key:
        return save_through_service(form, service, *args, **kwargs)
    user = request.user if request.user.is_authenticated else None
    with transaction.atomic(durable=True):
        try:
            with transaction.atomic():
                submission = FormSubmission.objects.create(key=key, user=user)
        except IntegrityError:
            first = FormSubmission.objects.filter(key=key, user=user).first()
            if first is None:  # someone else's token: never show what it made
                form.data = form.data.copy()
                form.data[form.add_prefix(TOKEN_FIELD)] = secrets.token_urlsafe(24)
                form.add_error(None, _("This form had already been used. Please send it again."))
                return None
            raise AlreadySubmitted(first.result_url) from None
        result = save_through_service(form, service, *args, **kwargs)
        if result is None:
            # The token is freed with everything else: the corrected form can be sent.
            transaction.set_rollback(True)
            return None
        submission.result_url = result_url(result) if callable(result_url) else result_url
        submission.save(update_fields=["result_url"])
    return result
