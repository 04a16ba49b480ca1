"""One date field and widget for every form of the portal: dates typed and shown in the
reader's calendar.

Thai pages take and show วว/ดด/ปปปป in the Buddhist Era (01/06/2561), English pages
dd/mm/yyyy in the Common Era (01/06/2018): a plain text input with its format under it,
which works without JavaScript; static/js/dates.js adds a keyboard- and phone-friendly
picker that shows BE years in Thai. A year of the other calendar is understood too (2561
typed on an English page, 2018 on a Thai one): the two are 543 years apart, so they never
collide. Thai digits (๐๑๒…) and ISO dates (2018-06-01, what scripts send) are read as well.

``civportal.forms`` puts these fields in place of Django's DateField and DateTimeField in
every portal form, so no form can fall back to the browser's mm/dd/yyyy.
"""

import json
import re
from datetime import date, datetime, time

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from civportal.templatetags.thaidate import (
    EN_MONTHS,
    TH_MONTHS,
    _is_thai,
    ce_year,
    display_year,
)

THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
# Words people add around a date or a time, in either language.
NOISE = re.compile(r"\s*(พ\.\s*ศ\.|ค\.\s*ศ\.|b\.?\s*e\.?|c\.?\s*e\.?|น\.)\s*", re.IGNORECASE)
DAY_FIRST = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})$")
ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
TIME = re.compile(r"^(\d{1,2})\s*[:.]\s*(\d{2})$")
# Common-Era years a date of this programme can fall in: anything else is a typing slip.
PLAUSIBLE_YEARS = range(1900, 2201)
TH_WEEKDAYS = ("อา", "จ", "อ", "พ", "พฤ", "ศ", "ส")
EN_WEEKDAYS = ("Su", "Mo", "Tu", "We", "Th", "Fr", "Sa")


def _clean_text(text: str) -> str:
    return NOISE.sub(" ", str(text).translate(THAI_DIGITS)).strip()


def format_reader_date(value: date) -> str:
    """01/06/2561 on a Thai page, 01/06/2018 on an English one."""
    return f"{value.day:02d}/{value.month:02d}/{display_year(value.year)}"


def example_date() -> str:
    return format_reader_date(date(2018, 6, 1))


def date_format_hint() -> str:
    # The Thai catalogue says "วว/ดด/ปปปป พ.ศ.": the calendar is named where it differs.
    return gettext("Format dd/mm/yyyy, e.g. %(example)s") % {"example": example_date()}


def parse_reader_date(text: str) -> date | None:
    """The date typed in either calendar, or None when it cannot be read."""
    text = _clean_text(text)
    if match := DAY_FIRST.match(text):
        day, month, year = (int(part) for part in match.groups())
    elif match := ISO.match(text):
        year, month, day = (int(part) for part in match.groups())
    else:
        return None
    year = ce_year(year)
    if year not in PLAUSIBLE_YEARS:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_time(text: str) -> time | None:
    match = TIME.match(_clean_text(text))
    if not match:
        return None
    hour, minute = (int(part) for part in match.groups())
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


class ReaderDateInput(forms.TextInput):
    """A text input in the reader's calendar, its format written under it, and the data the
    picker (static/js/dates.js) needs; no ``type="date"``: browsers show those in CE."""

    template_name = "civportal/widgets/reader_date.html"

    def __init__(self, attrs=None):
        super().__init__(
            {"inputmode": "numeric", "autocomplete": "off", "data-date-input": "", **(attrs or {})}
        )

    def format_value(self, value):
        if isinstance(value, datetime):
            value = timezone.localdate(value) if timezone.is_aware(value) else value.date()
        if isinstance(value, date):
            return format_reader_date(value)
        return super().format_value(value)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        thai = _is_thai()
        widget = context["widget"]
        hint_id = f"{widget['attrs'].get('id') or name}_hint"
        described = widget["attrs"].get("aria-describedby", "")
        widget["attrs"]["aria-describedby"] = f"{described} {hint_id}".strip()
        widget["attrs"]["placeholder"] = gettext("dd/mm/yyyy")
        widget["attrs"]["data-picker"] = json.dumps(
            {
                "era": "be" if thai else "ce",
                "offset": display_year(2000) - 2000,
                "months": list(TH_MONTHS if thai else EN_MONTHS),
                "weekdays": list(TH_WEEKDAYS if thai else EN_WEEKDAYS),
                "choose": gettext("Choose a date"),
                "previous": gettext("Previous month"),
                "next": gettext("Next month"),
                "month": gettext("Month"),
                "year": gettext("Year"),
                "close": gettext("Close"),
            },
            ensure_ascii=False,
        )
        widget["hint"] = date_format_hint()
        widget["hint_id"] = hint_id
        return context


class ReaderDateField(forms.DateField):
    """A date in the reader's calendar (see the module)."""

    widget = ReaderDateInput
    default_error_messages = {
        "invalid": _("Please enter the date as dd/mm/yyyy, e.g. %(example)s."),
    }

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        parsed = parse_reader_date(value)
        if parsed is None:
            raise ValidationError(
                self.error_messages["invalid"], code="invalid", params={"example": example_date()}
            )
        return parsed


class TimeInput(forms.TextInput):
    def __init__(self, attrs=None):
        super().__init__(
            {"inputmode": "numeric", "autocomplete": "off", "placeholder": "13:30", **(attrs or {})}
        )

    def format_value(self, value):
        if isinstance(value, time):
            return f"{value:%H:%M}"
        return super().format_value(value)


class ReaderDateTimeWidget(forms.MultiWidget):
    """Date (reader's calendar, with the picker) and a 24-hour time, Bangkok time."""

    template_name = "civportal/widgets/reader_datetime.html"

    def __init__(self, attrs=None):
        super().__init__({"date": ReaderDateInput(), "time": TimeInput()}, attrs)

    def id_for_label(self, id_):
        # The field's label names the date input; the time input has its own label.
        return f"{id_}_0" if id_ else ""

    def decompress(self, value):
        if isinstance(value, datetime):
            local = timezone.localtime(value) if timezone.is_aware(value) else value
            return [local.date(), local.time().replace(second=0, microsecond=0)]
        return [None, None]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["time_label"] = gettext("Time (24-hour, e.g. 13:30)")
        return context


class ReaderDateTimeField(forms.MultiValueField):
    """A date in the reader's calendar and a time, made an aware Bangkok date-time."""

    widget = ReaderDateTimeWidget
    default_error_messages = {
        "invalid_time": _("Please enter the time as hours:minutes, e.g. 13:30."),
        "incomplete": _("Please enter both the date and the time."),
    }

    def __init__(self, **kwargs):
        kwargs.pop("max_length", None)
        super().__init__(
            # Not required one by one: compress says which half is missing.
            fields=(ReaderDateField(required=False), forms.CharField(required=False)),
            require_all_fields=False,
            **kwargs,
        )

    def compress(self, data_list):
        if not data_list or all(part in self.empty_values for part in data_list):
            return None
        day, typed_time = (list(data_list) + [None, None])[:2]
        if day in self.empty_values or typed_time in self.empty_values:
            raise ValidationError(self.error_messages["incomplete"], code="incomplete")
        moment = parse_time(typed_time)
        if moment is None:
            raise ValidationError(self.error_messages["invalid_time"], code="invalid_time")
        return timezone.make_aware(datetime.combine(day, moment))


def in_reader_calendar(field: forms.Field) -> forms.Field:
    """The portal's field for a Django DateField / DateTimeField (any other field as it is)."""
    if type(field) is forms.DateField:
        replacement = ReaderDateField
    elif type(field) is forms.DateTimeField:
        replacement = ReaderDateTimeField
    else:
        return field
    return replacement(
        required=field.required,
        label=field.label,
        initial=field.initial,
        help_text=field.help_text,
        disabled=field.disabled,
        validators=[v for v in field.validators if v not in type(field).default_validators],
    )
