"""One date field for the portal: typed and shown in the reader's calendar (BE in Thai,
CE in English), a format hint, no browser date input; the MOU edit form round-trips its
dates and database rules become messages on the field."""

from datetime import date, datetime

import pytest
from django import forms
from django.urls import reverse
from django.utils import timezone, translation

from civportal.dates import (
    ReaderDateField,
    ReaderDateInput,
    ReaderDateTimeField,
    parse_reader_date,
)
from civportal.forms import PortalForm
from mentorship.models import MOU, MentorAssignment
from tests.formdata import page_form_data
from tests.mentorship.conftest import maejaem, person, scg_mou

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("01/06/2561", date(2018, 6, 1)),  # Buddhist Era, as Thai officers type it
        ("01/06/2018", date(2018, 6, 1)),  # Common Era
        ("1/6/2561", date(2018, 6, 1)),
        ("01-06-2561", date(2018, 6, 1)),
        ("01.06.2561", date(2018, 6, 1)),
        ("๐๑/๐๖/๒๕๖๑", date(2018, 6, 1)),  # Thai digits
        ("01/06/2561 พ.ศ.", date(2018, 6, 1)),
        ("2018-06-01", date(2018, 6, 1)),  # ISO, what scripts send
        ("29/02/2567", date(2024, 2, 29)),
        ("31/02/2561", None),
        ("01/13/2561", None),
        ("1/6/61", None),
        ("01/06/1500", None),
        ("มิถุนายน", None),
    ],
)
def test_dates_are_read_in_either_calendar(typed, expected):
    assert parse_reader_date(typed) == expected


def test_the_widget_shows_be_in_thai_and_ce_in_english_with_a_hint():
    widget = ReaderDateInput()
    with translation.override("th"):
        thai = widget.render("signed_on", date(2018, 6, 1), {"id": "id_signed_on"})
    with translation.override("en"):
        english = widget.render("signed_on", date(2018, 6, 1), {"id": "id_signed_on"})
    assert 'value="01/06/2561"' in thai and 'type="text"' in thai
    assert "วว/ดด/ปปปป พ.ศ." in thai and 'aria-describedby="id_signed_on_hint"' in thai
    assert 'value="01/06/2018"' in english and "dd/mm/yyyy" in english
    assert 'type="date"' not in thai + english


def test_a_bad_date_is_a_clear_message_in_the_readers_language():
    field = ReaderDateField()
    with translation.override("th"), pytest.raises(forms.ValidationError) as caught:
        field.clean("31/02/2561")
    assert caught.value.messages == ["โปรดกรอกวันที่เป็น วว/ดด/ปปปป พ.ศ. เช่น 01/06/2561"]


def test_a_date_time_is_a_bangkok_time_from_a_date_and_a_time():
    field = ReaderDateTimeField()
    with translation.override("th"):
        moment = field.clean(["05/12/2569", "13.30"])
        with pytest.raises(forms.ValidationError) as missing:
            field.clean(["05/12/2569", ""])
    assert moment == datetime(2026, 12, 5, 13, 30, tzinfo=timezone.get_current_timezone())
    assert "เวลา" in missing.value.messages[0]


def test_no_portal_form_keeps_a_browser_date_field():
    class Plain(PortalForm):
        day = forms.DateField()
        moment = forms.DateTimeField(required=False)

    form = Plain()
    assert type(form.fields["day"]) is ReaderDateField
    assert type(form.fields["moment"]) is ReaderDateTimeField
    # And the forms that take dates: visits, MOUs, assignments, sessions.
    from communities.forms import VisitForm
    from mentorship.forms import AssignmentForm, MOUForm, SessionForm

    mou = scg_mou()
    user = person("mentor@civ.example")
    for form in (
        VisitForm(user=user),
        MOUForm(instance=mou),
        AssignmentForm(mou=mou),
        SessionForm(mou=mou, user=user),
    ):
        for field in form.fields.values():
            assert type(field) not in (forms.DateField, forms.DateTimeField), form
            assert not isinstance(field.widget, forms.DateInput | forms.DateTimeInput)


def test_the_mou_edit_form_round_trips_its_dates(client):
    mou = scg_mou()
    before = (mou.signed_on, mou.starts_on, mou.ends_on)
    assert mou.status == MOU.Status.ACTIVE and mou.signed_on == date(2018, 6, 1)
    client.force_login(person("coordinator@civ.example"))
    url = reverse("mou_edit", args=[mou.pk])

    page = client.get(url).content.decode()
    data = page_form_data(page, framework="ปรับข้อความกรอบความร่วมมือ")
    assert data["signed_on"] == "01/06/2561"
    response = client.post(url, data)

    assert response.status_code == 302, response.content.decode()[-3000:]
    mou.refresh_from_db()
    assert (mou.signed_on, mou.starts_on, mou.ends_on) == before
    assert mou.framework == "ปรับข้อความกรอบความร่วมมือ"


def test_clearing_a_signed_mous_date_is_a_thai_message_on_that_field(client):
    mou = scg_mou()
    client.force_login(person("coordinator@civ.example"))
    url = reverse("mou_edit", args=[mou.pk])
    data = page_form_data(client.get(url).content.decode(), signed_on="")

    response = client.post(url, data)

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["signed_on"] == ["บันทึกข้อตกลงที่ลงนามแล้วต้องมีวันที่ลงนาม โปรดกรอกวันที่ลงนาม"]
    assert "Constraint" not in response.content.decode()
    mou.refresh_from_db()
    assert mou.signed_on == date(2018, 6, 1)


def test_a_term_ending_before_it_starts_is_a_message_on_the_end_date(client):
    mou = scg_mou()
    client.force_login(person("coordinator@civ.example"))
    url = reverse("mou_edit", args=[mou.pk])
    data = page_form_data(
        client.get(url).content.decode(), starts_on="01/06/2561", ends_on="31/05/2561"
    )

    response = client.post(url, data)

    assert response.context["form"].errors["ends_on"] == ["ระยะเวลาสิ้นสุดก่อนวันเริ่มต้นไม่ได้"]


def test_an_assignment_ending_before_it_starts_is_a_form_error_not_a_crash(client):
    from accounts.models import Role
    from tests.factories import make_user

    mou = scg_mou()
    mentor = make_user(Role.MENTOR, organisation=mou.company)
    client.force_login(person("coordinator@civ.example"))
    response = client.post(
        reverse("mou_assign", args=[mou.pk]),
        {
            "mentor": mentor.pk,
            "community": maejaem().pk,
            "areas": [mou.areas.first().pk],
            "starts_on": "05/01/2569",
            "ends_on": "04/01/2569",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["ends_on"]
    assert not MentorAssignment.objects.filter(mentor=mentor).exists()
