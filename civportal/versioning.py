"""One version rule for edits of shared records (STYLE.md example 13).

A member and an officer may edit the same listing, staff and an officer the same
community: the later save from a form read before the other's save must not silently
put the old values back. So each edit form carries the version of the row it was read
at, and the update service, holding the row lock, refuses a save from an older version
with a ``StaleEdit`` that names who saved in between and what they changed, field by
field, in the reader's language.

Why a plain version column checked in the services, and not django-concurrency:

- The check belongs in the service, after ``select_for_update`` and before anything is
  written, beside the permission check: views, API and commands share it, and a stale
  save leaves nothing behind (no photos appended, no notifications queued).
  django-concurrency checks inside ``Model.save()`` (its ``VersionField`` rewrites the
  UPDATE), so every non-form save — status moves, photo actions, stage moves — would
  have to know about it or be refused, and its error carries no account of the change.
- The "what changed" comes from the django-simple-history records these models already
  keep: the version is an ordinary column, so each historical record carries it and
  the record at the version the reader saw is one query away. django-concurrency's
  default version values are timestamps-like numbers that are not meant to be looked up.
- ``TrainingSession`` already counts its changes in ``revision`` (part of its
  notification keys); the same rule reuses that column instead of adding a second
  counter, which a library field could not do.
- Nothing is monkeypatched, and no extra dependency is needed for twenty lines.

Services call ``check_version`` on the locked row, then ``bump`` before saving; every
service that saves one of these rows (status moves, stage moves, photo actions that
send a listing back to review) bumps, so a stale full-form save cannot revert them.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from civportal.templatetags.thaidate import format_date, thaidatetime

# Bookkeeping columns: they change along with what is shown (a status, a tambon) or on
# every save, and say nothing more to the reader.
NOT_SHOWN = {
    "id",
    "version",
    "revision",
    "created_at",
    "updated_at",
    "created_by",
    "province",
    "submitted_at",
    "published_at",
}


class StaleEdit(ValidationError):
    """The form was read at an older version; ``current_version`` is the row's version now."""

    def __init__(self, messages: list[str], *, current_version: int):
        super().__init__(messages)
        self.current_version = current_version


def bump(instance: models.Model, field: str = "version") -> None:
    """Count one more saved change; call on the locked row before saving it."""
    setattr(instance, field, getattr(instance, field) + 1)


def check_version(instance: models.Model, read_version, *, field: str = "version") -> None:
    """Refuse a save from a form read at ``read_version`` if the locked row has moved on.

    ``read_version`` None means the caller did not read the row through a form (a
    command, a test building data): nothing to compare.
    """
    if read_version is None:
        return
    current = getattr(instance, field)
    if int(read_version) != current:
        raise StaleEdit(
            stale_edit_messages(instance, int(read_version), field),
            current_version=current,
        )


def stale_edit_messages(instance: models.Model, read_version: int, field: str) -> list[str]:
    """Who saved since ``read_version``, when, and each changed field as "label: old → new"."""
    records = instance.history.select_related("history_user").order_by("history_date", "history_id")
    read = records.filter(**{field: read_version}).last()
    later = list(records.filter(**{f"{field}__gt": read_version}))
    names = []
    for record in later:
        name = str(record.history_user) if record.history_user else _("someone")
        if name not in names:
            names.append(name)
    lines = [
        _("%(who)s saved this record on %(when)s, after you opened this form.")
        % {
            "who": ", ".join(names) or _("someone"),
            "when": thaidatetime(later[-1].history_date) if later else "—",
        }
    ]
    if read is None or not later:
        lines.append(
            _("The earlier version is not in the history, so the changes cannot be listed.")
        )
    else:
        changes = _changes(read, later[-1])
        if changes:
            lines.append(_("What changed since you opened the form:"))
            lines += changes
        else:
            lines.append(_("None of the fields shown here changed (for example, photos moved)."))
    lines.append(
        _(
            "Your entries are kept below and have not been saved. Check them against these "
            "changes, then press Save again to keep yours."
        )
    )
    return lines


def _changes(old, new) -> list[str]:
    """The fields that differ between two historical records of one row, labelled and shown."""
    model = new.instance_type
    changes = [
        (field, getattr(old, field.attname), getattr(new, field.attname))
        for field in model._meta.concrete_fields
        if field.name not in NOT_SHOWN
        and getattr(old, field.attname) != getattr(new, field.attname)
    ]
    m2m = [field.name for field in new._history_m2m_fields]
    if m2m:
        delta = new.diff_against(old, included_fields=m2m, foreign_keys_are_objs=True)
        changes += [
            (model._meta.get_field(change.field), change.old, change.new)
            for change in delta.changes
        ]
    return [
        _("%(field)s: %(old)s → %(new)s")
        % {
            "field": capfirst(field.verbose_name),
            "old": _shown(field, before),
            "new": _shown(field, after),
        }
        for field, before, after in changes
    ]


def _shown(field, value) -> str:
    if field.many_to_many:
        # Rows of the through table: the other side of each is what the reader knows.
        target = field.m2m_reverse_field_name()
        return ", ".join(str(row[target]) for row in value) or "—"
    if value is None or value == "":
        return "—"
    if field.is_relation:
        related = field.related_model._base_manager.filter(pk=value).first()
        return str(related) if related else str(value)
    if isinstance(field, models.FileField):
        return _("a file")  # its storage path means nothing to the reader
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return pgettext("field value", "yes") if value else pgettext("field value", "no")
    if isinstance(field, models.DateTimeField):
        return thaidatetime(value)
    if isinstance(field, models.DateField):
        return format_date(value, "long")
    return str(value)
