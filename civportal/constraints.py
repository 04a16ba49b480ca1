"""Database rules that speak to the person filling in the form."""

from django.core.exceptions import ValidationError
from django.db import models


class FieldCheckConstraint(models.CheckConstraint):
    """A check constraint whose violation is a message on one form field.

    Django reports a broken check constraint as "Constraint “name” is violated.", above the
    form. With a ``violation_error_message`` in both languages and the ``field`` it is
    about, model forms and services (``full_clean``) put a clear message where the
    person can fix it; the database still holds the rule.
    """

    non_db_attrs = (*models.CheckConstraint.non_db_attrs, "field")

    def __init__(self, *, field: str, **kwargs):
        self.field = field
        super().__init__(**kwargs)

    def validate(self, model, instance, exclude=None, using=None):
        kwargs = {} if using is None else {"using": using}
        try:
            super().validate(model, instance, exclude=exclude, **kwargs)
        except ValidationError as error:
            raise ValidationError({self.field: error.error_list}) from None

    def deconstruct(self):
        path, args, kwargs = super().deconstruct()
        kwargs["field"] = self.field
        return path, args, kwargs

    def __eq__(self, other):
        return super().__eq__(other) and getattr(other, "field", None) == self.field
