"""What a browser would send back for a rendered form: every field as it is shown."""

from django import forms


def form_data(form, **changes) -> dict:
    """The form's current values (bound data or initial), file inputs left out.

    Hidden fields are included, so a form read earlier can be posted later exactly as a
    person who left it open would post it.
    """
    data = {}
    for field in form:
        if isinstance(field.field, forms.FileField):
            continue
        value = field.value()
        if value is None:
            continue
        if isinstance(field.field, forms.BooleanField):
            if value in (True, "on", "True", "true"):
                data[field.html_name] = "on"
            continue
        data[field.html_name] = value
    data.update(changes)
    return data
