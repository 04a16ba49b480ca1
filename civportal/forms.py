from django.core.exceptions import ValidationError


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
