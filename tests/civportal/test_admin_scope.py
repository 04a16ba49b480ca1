"""The admin answers through the portal's scopes, for every registered ModelAdmin.

- A registry test: every ModelAdmin is a ``ScopedAdmin`` reading through the portal selector
  named for it here, or reference data declared here — a new unscoped admin fails CI.
- A matrix over every ModelAdmin × role (two officers of different provinces, a company
  coordinator, programme staff, each with admin access and every model permission, and a
  superuser): the changelist shows exactly the selector's rows; an out-of-scope row's
  change, history and delete pages answer 404 or a redirect, never its data; POSTing a
  valid change, a delete or a revert to it changes nothing.
"""

from datetime import date, timedelta

import pytest
from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from accounts.mfa import enrol_totp
from accounts.models import Role, User
from accounts.selectors import email_addresses_for, groups_for, invitations_for, users_for
from accounts.services import invite_user
from civportal.admin import ReferenceAdmin, ScopedAdmin
from communities.models import Community, Province, Subdistrict
from communities.permissions import can_assign_reporting_officers, can_manage_indicators
from communities.selectors import communities_for, stage_changes_for, visits_for
from communities.services import log_visit, move_stage, register_community
from mentorship.models import MOU
from mentorship.selectors import assignments_for, mous_for, sessions_for
from notifications.selectors import inbox_for, saved_preferences_for
from notifications.services import set_preferences
from outbox.selectors import deliveries_for
from products.models import Product
from products.selectors import enquiries_for, products_for
from products.services import send_enquiry
from reports.models import ReportJob
from reports.selectors import reports_for
from reports.services import request_report
from tests.mentorship.conftest import book

pytestmark = pytest.mark.django_db

# What each admin must list for a non-superuser: the portal's own selector…
SCOPED = {
    "account.EmailAddress": email_addresses_for,
    "accounts.Invitation": invitations_for,
    "accounts.User": users_for,
    "auth.Group": groups_for,
    "communities.Community": communities_for,
    "communities.ProgressVisit": visits_for,
    "communities.StageChange": stage_changes_for,
    "mentorship.MOU": mous_for,
    "mentorship.MentorAssignment": assignments_for,
    "mentorship.TrainingSession": sessions_for,
    "notifications.Notification": inbox_for,
    "notifications.Preference": saved_preferences_for,
    "outbox.Delivery": deliveries_for,
    "products.Enquiry": enquiries_for,
    "products.Product": products_for,
    "reports.ReportJob": reports_for,
}
# …or, for reference data shared by the whole programme, every row, changed only by
# superusers and whoever the rule named here allows.
REFERENCE_DATA = {
    "communities.Province": can_assign_reporting_officers,  # the head of each office only
    "communities.District": None,
    "communities.Subdistrict": None,
    "communities.Organisation": None,
    "communities.Cohort": None,
    "communities.Indicator": can_manage_indicators,  # and only they read it
    "mentorship.MentoringArea": None,
    "products.SalesChannel": None,
}

REGISTRY = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)
ROLES = ["officer_lampang", "officer_saraburi", "coordinator", "programme_staff", "superuser"]


def _label(value):
    return value._meta.label if hasattr(value, "_meta") else None


@pytest.mark.parametrize(("model", "model_admin"), REGISTRY, ids=_label)
def test_every_admin_is_scoped_or_declared_reference_data(model, model_admin):
    label = model._meta.label
    if label in REFERENCE_DATA:
        assert isinstance(model_admin, ReferenceAdmin), f"{label}: reference data must be read-only"
        assert type(model_admin).can_manage is REFERENCE_DATA[label], label
        return
    assert label in SCOPED, f"{label}: neither scoped (SCOPED) nor reference data"
    assert isinstance(model_admin, ScopedAdmin), f"{label}: not a ScopedAdmin"
    # The portal's own "for this user" read, not an admin-only twin of it.
    assert type(model_admin).selector is SCOPED[label], label


# --- The matrix -----------------------------------------------------------------------------


@pytest.fixture
def world():
    """The seeded programme plus a Saraburi community with its own visit, stage move,
    invitation and report, and Lampang rows of every kind (visit, session, enquiry…)."""
    lampang_officer = User.objects.get(email="officer.lampang@civ.example")
    saraburi_officer = User.objects.get(email="officer.saraburi@civ.example")
    saraburi = register_community(
        saraburi_officer,
        name_th="ชุมชนทดสอบสระบุรี",
        subdistrict=Subdistrict.objects.filter(district__province_id="19").first(),
    )
    mae_jaem = Community.objects.get(subdistrict__code="521304")
    today = timezone.localdate()
    for officer, community in ((saraburi_officer, saraburi), (lampang_officer, mae_jaem)):
        log_visit(officer, community, visited_on=today - timedelta(days=1), summary="ลงพื้นที่")
    move_stage(saraburi_officer, saraburi, "developing", "เริ่มพัฒนาผลิตภัณฑ์")
    for officer, community in ((saraburi_officer, saraburi), (lampang_officer, mae_jaem)):
        invite_user(
            officer,
            email=f"invitee.{community.pk}@civ.example",
            role=Role.MEMBER,
            community=community,
        )
        set_preferences(officer, {"progress_logged": {"email": False, "in_digest": True}})
    request_report(
        saraburi_officer, kind=ReportJob.Kind.PROVINCE_PDF, province=Province.objects.get(pk="19")
    )
    request_report(
        lampang_officer, kind=ReportJob.Kind.PROVINCE_PDF, province=Province.objects.get(pk="52")
    )
    book()
    cache.delete("enquiry-rate:192.0.2.10")  # the enquiry limit counts across tests
    send_enquiry(
        Product.objects.filter(status=Product.Status.PUBLISHED).first(),
        client_address="192.0.2.10",
        name="ผู้ซื้อ",
        contact="buyer@example.com",
        message="สนใจสั่งซื้อ",
    )
    Group.objects.create(name="ไม่มีใครอยู่ในกลุ่มนี้")
    return {"saraburi": saraburi}


@pytest.fixture
def people(world):
    """Each role with admin access and every model permission, so that only scope limits
    what they reach (the superuser needs none)."""
    everything = Group.objects.create(name="ผู้ดูแลระบบทุกสิทธิ์")
    everything.permissions.set(Permission.objects.all())
    found = {
        "officer_lampang": User.objects.get(email="officer.lampang@civ.example"),
        "officer_saraburi": User.objects.get(email="officer.saraburi@civ.example"),
        "coordinator": User.objects.get(email="coordinator@civ.example"),
        # Signed in with force_login: no password to hash.
        "programme_staff": User.objects.create(
            email="programme.staff@civ.example", full_name="ผู้ทดสอบ", role=Role.STAFF
        ),
    }
    for user in found.values():
        user.is_staff = True
        user.save(update_fields=["is_staff"])
        user.groups.add(everything)
    enrol_totp(found["programme_staff"])  # the role must have a second factor
    found["superuser"] = User.objects.get(email="staff@civ.example")
    assert found["superuser"].is_superuser and not found["programme_staff"].is_superuser
    return found


def _url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def expected_rows(model, user):
    """What the admin must list: the portal selector's rows (everything for a superuser),
    or all reference data; None where the page is closed (the indicator catalogue)."""
    label = model._meta.label
    everything = set(model._default_manager.values_list("pk", flat=True))
    if user.is_superuser:
        return everything
    if label in SCOPED:
        return set(SCOPED[label](user).values_list("pk", flat=True))
    if label == "communities.Indicator" and not can_manage_indicators(user):
        return None
    return everything


def _snapshot(model, pk):
    row = model._default_manager.filter(pk=pk).values().first()
    row.pop("last_login", None)  # signing the superuser in to read the form moves it
    return row


def _field_data(data, bound_field):
    field, name = bound_field.field, bound_field.html_name
    widget = (
        field.widget.widget if isinstance(field.widget, RelatedFieldWidgetWrapper) else field.widget
    )
    value = bound_field.value()
    if field.disabled or isinstance(field, forms.FileField):
        return
    if isinstance(widget, forms.MultiWidget):
        parts = value if isinstance(value, list) else widget.decompress(value)
        for index, part in enumerate(parts):
            data[f"{name}_{index}"] = "" if part is None else str(part)
    elif isinstance(widget, forms.CheckboxInput):
        if value:
            data[name] = "on"
    elif isinstance(value, list | tuple):
        data[name] = [str(item) for item in value]
    elif value is not None:
        data[name] = str(value)


def change_form_data(response) -> tuple[dict, str | None, str | None]:
    """The change page's form (and its inline formsets) as a POST body with one field
    edited, so that saving it would show: (data, that field's name, its new value), the
    last two None where the form has nothing editable."""
    data = {}
    form = response.context["adminform"].form
    for bound_field in form:
        _field_data(data, bound_field)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for bound_field in formset.management_form:
            _field_data(data, bound_field)
        data[f"{formset.prefix}-TOTAL_FORMS"] = str(len(formset.initial_forms))
        for inline_form in formset.initial_forms:
            for bound_field in inline_form:
                _field_data(data, bound_field)
    editable = {n: f for n, f in form.fields.items() if not f.disabled and n in form.initial}
    for name, field in editable.items():
        if isinstance(field, forms.EmailField) and name in data:
            data[name] = f"edited.{data[name]}"
            return data, name, data[name]
        if type(field) is forms.CharField and name in data:
            data[name] = f"{data[name]} แก้โดยผู้ไม่มีสิทธิ์"[: field.max_length]
            return data, name, data[name]
    for name, field in editable.items():  # no text: a yes/no or a date will do
        if isinstance(field, forms.BooleanField):
            flipped = name not in data
            data.pop(name, None)
            if flipped:
                data[name] = "on"
            return data, name, flipped
        if type(field) is forms.DateField:
            data[name] = "2030-01-31"
            return data, name, date(2030, 1, 31)
    return data, None, None


MATRIX = [
    pytest.param(model, model_admin, role, id=f"{model._meta.label}-{role}")
    for model, model_admin in REGISTRY
    for role in ROLES
]


REFUSED = (302, 403, 404)  # a redirect to the admin index, "forbidden" or "not found"


def _posts_change_nothing(client, people, user, model, obj):
    """POST a valid edit, a revert to the first recorded version and a delete of ``obj`` as
    ``user``: each is refused and the row stays as it was."""
    before = _snapshot(model, obj.pk)
    client.force_login(people["superuser"])
    data, _name, _value = change_form_data(client.get(_url(model, "change", obj.pk)))
    client.force_login(user)
    assert client.post(_url(model, "change", obj.pk), data).status_code in REFUSED
    if hasattr(model, "history"):
        record = model.history.filter(**{model._meta.pk.attname: obj.pk}).last()
        if record is not None:
            revert = _url(model, "simple_history", obj.pk, record.history_id)
            assert client.post(revert, data).status_code in REFUSED
    assert client.post(_url(model, "delete", obj.pk), {"post": "yes"}).status_code in REFUSED
    assert _snapshot(model, obj.pk) == before


@pytest.mark.parametrize(("model", "model_admin", "role"), MATRIX)
def test_the_admin_shows_and_changes_only_what_the_selector_allows(
    client, people, model, model_admin, role
):
    user = people[role]
    client.force_login(user)
    expected = expected_rows(model, user)

    response = client.get(_url(model, "changelist"))
    if expected is None:
        assert response.status_code == 403
    else:
        assert response.status_code == 200
        assert set(response.context["cl"].queryset.values_list("pk", flat=True)) == expected
        if expected:  # a row in scope opens (to change or to read)
            assert client.get(_url(model, "change", min(expected))).status_code == 200

    if model._meta.label in REFERENCE_DATA:
        # Readable, not changeable, except where a rule names the role (the indicator
        # catalogue for programme staff).
        obj = model._default_manager.order_by("pk").first()
        managers = REFERENCE_DATA[model._meta.label]
        if not (user.is_superuser or (managers is not None and managers(user))):
            _posts_change_nothing(client, people, user, model, obj)
        return

    outside = model._default_manager.exclude(pk__in=expected).order_by("pk").first()
    if outside is None:
        return
    for view in ("change", "history", "delete"):
        response = client.get(_url(model, view, outside.pk))
        assert response.status_code in REFUSED, view
        assert str(outside).encode() not in response.content, view
    if hasattr(model, "history"):
        record = model.history.filter(**{model._meta.pk.attname: outside.pk}).last()
        if record is not None:
            revert = _url(model, "simple_history", outside.pk, record.history_id)
            assert client.get(revert).status_code in REFUSED
    _posts_change_nothing(client, people, user, model, outside)


@pytest.mark.parametrize(("model", "model_admin"), REGISTRY, ids=_label)
def test_the_matrix_posts_a_change_that_a_superuser_could_save(client, people, model, model_admin):
    """Proof that the matrix's POSTs would change something if scope let them through."""
    obj = model._default_manager.order_by("pk").first()
    client.force_login(people["superuser"])
    response = client.get(_url(model, "change", obj.pk))
    if not response.context["has_change_permission"]:
        pytest.skip(f"{model._meta.label} is read-only in the admin, for superusers too")
    data, edited, value = change_form_data(response)
    if edited is None:
        pytest.skip(f"{model._meta.label} has no field to edit")

    response = client.post(_url(model, "change", obj.pk), data)

    assert response.status_code == 302, response.context and [
        f.errors for f in [response.context["adminform"].form]
    ]
    assert _snapshot(model, obj.pk)[model._meta.get_field(edited).attname] == value


# --- What the matrix cannot see: edits inside scope that would widen it ----------------------


def test_a_visit_in_scope_cannot_be_moved_to_another_provinces_community(client, people, world):
    visit = Community.objects.get(subdistrict__code="521304").visits.first()
    officer = people["officer_lampang"]
    client.force_login(people["superuser"])
    data, _name, _value = change_form_data(client.get(_url(visit._meta.model, "change", visit.pk)))
    data["community"] = str(world["saraburi"].pk)
    client.force_login(officer)

    response = client.post(_url(visit._meta.model, "change", visit.pk), data)

    assert response.status_code == 200 and "community" in response.context["adminform"].form.errors
    visit.refresh_from_db()
    assert visit.community.subdistrict_id == "521304"


def test_an_officer_cannot_make_themselves_superuser_in_the_admin(client, people):
    officer = people["officer_lampang"]
    client.force_login(people["superuser"])
    data, _name, _value = change_form_data(client.get(_url(User, "change", officer.pk)))
    data.update(is_superuser="on", groups=[], user_permissions=[])
    client.force_login(officer)

    response = client.post(_url(User, "change", officer.pk), data)

    assert response.status_code == 403
    officer.refresh_from_db()
    assert not officer.is_superuser


def test_an_officer_reads_the_history_of_a_community_in_scope(client, people):
    mae_jaem = Community.objects.get(subdistrict__code="521304")
    client.force_login(people["officer_lampang"])

    response = client.get(_url(Community, "history", mae_jaem.pk))

    assert response.status_code == 200 and mae_jaem.name_th in response.content.decode()


def test_the_coordinator_of_an_ended_mou_loses_its_communities_in_the_admin_too(client, people):
    from mentorship.services import change_mou_status

    scg = MOU.objects.get(company__name_th__startswith="บริษัท ปูนซิเมนต์ไทย (ลำปาง)")
    mae_jaem = Community.objects.get(subdistrict__code="521304")
    client.force_login(people["coordinator"])
    assert client.get(_url(Community, "change", mae_jaem.pk)).status_code == 200

    change_mou_status(people["superuser"], scg, MOU.Status.TERMINATED)

    assert client.get(_url(Community, "change", mae_jaem.pk)).status_code == 302
    assert client.get(_url(MOU, "change", scg.pk)).status_code == 200  # the MOU itself stays
