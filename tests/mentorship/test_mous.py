"""MOU lifecycle, the signed PDF, mentor invitations and assignments, and the MOU page."""

import io
import re

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from pypdf import PdfWriter

from accounts.models import Invitation, Role
from communities.models import Organisation
from mentorship import services
from mentorship.models import MOU, MentorAssignment
from mentorship.validators import MAX_PDF_BYTES
from tests.factories import make_user
from tests.samples import ACTIVE_PDFS, pdf_upload
from tests.storage import block_upload_folder, files_under

from .conftest import bangkok, book, maejaem, person, scg_mou

pytestmark = pytest.mark.django_db


def real_pdf(name="signed.pdf") -> SimpleUploadedFile:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/pdf")


def draft_mou(actor) -> MOU:
    lampang = Organisation.objects.get(kind=Organisation.Kind.GOVERNMENT, province_id="52")
    return services.create_mou(
        actor,
        government_office=lampang,
        company=person("coordinator@civ.example").organisation,
        areas=[],
        title_th="บันทึกข้อตกลงฉบับทดสอบ",
    )


def test_signed_pdf_is_stored_when_it_really_is_a_pdf(mou):
    services.attach_signed_pdf(person("officer.lampang@civ.example"), mou, real_pdf())
    mou.refresh_from_db()
    assert mou.signed_pdf.read(5) == b"%PDF-"


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"0" * 100, "not a PDF"),
        (b"%PDF-1.7\n" + b"garbage" * 50, "damaged"),
    ],
    ids=["png-named-pdf", "truncated-pdf"],
)
def test_a_file_that_is_not_a_readable_pdf_is_refused_with_a_clear_message(
    client, mou, content, words
):
    client.force_login(person("coordinator@civ.example"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the language switch's choice
    upload = SimpleUploadedFile("mou.pdf", content, content_type="application/pdf")
    response = client.post(reverse("mou_pdf_upload", args=[mou.pk]), {"signed_pdf": upload})
    assert response.status_code == 200
    assert words in response.content.decode()
    mou.refresh_from_db()
    assert not mou.signed_pdf


def test_a_pdf_over_20_mb_is_refused(english, mou):
    upload = real_pdf()
    upload.size = MAX_PDF_BYTES + 1
    with pytest.raises(ValidationError, match="at most"):
        services.attach_signed_pdf(person("officer.lampang@civ.example"), mou, upload)


def test_the_signed_pdf_is_served_only_inside_scope(client, mou):
    services.attach_signed_pdf(person("officer.lampang@civ.example"), mou, real_pdf())
    client.force_login(person("mentor@civ.example"))
    response = client.get(reverse("mou_pdf", args=[mou.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content)[:5] == b"%PDF-"
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="mou-{mou.pk}.pdf"'
    assert response["Cache-Control"] == "private, no-store"
    client.force_login(person("officer.saraburi@civ.example"))
    assert client.get(reverse("mou_pdf", args=[mou.pk])).status_code == 404


def test_mou_moves_draft_signed_active_terminated_only_through_allowed_people(english):
    officer = person("officer.lampang@civ.example")
    coordinator = person("coordinator@civ.example")
    mou = draft_mou(coordinator)
    with pytest.raises(PermissionDenied):
        services.change_mou_status(coordinator, mou, MOU.Status.SIGNED)
    with pytest.raises(ValidationError, match="signing date"):
        services.change_mou_status(officer, mou, MOU.Status.SIGNED)
    services.update_mou(officer, mou, signed_on=bangkok(0, 9).date())
    assert services.change_mou_status(officer, mou, MOU.Status.SIGNED).status == "signed"
    assert services.change_mou_status(coordinator, mou, MOU.Status.ACTIVE).status == "active"
    with pytest.raises(ValidationError):
        services.change_mou_status(officer, mou, MOU.Status.DRAFT)
    with pytest.raises(PermissionDenied):
        services.change_mou_status(person("mentor@civ.example"), mou, MOU.Status.TERMINATED)
    assert services.change_mou_status(officer, mou, MOU.Status.TERMINATED).status == "terminated"


def test_status_buttons_post_through_the_service(client):
    officer = person("officer.lampang@civ.example")
    mou = draft_mou(officer)
    services.update_mou(officer, mou, signed_on=bangkok(0, 9).date())
    client.force_login(officer)
    assert 'value="signed"' in client.get(reverse("mou_detail", args=[mou.pk])).content.decode()
    client.post(reverse("mou_status", args=[mou.pk]), {"status": "signed"})
    mou.refresh_from_db()
    assert mou.status == MOU.Status.SIGNED


def test_coordinator_invites_a_mentor_for_their_own_company(client):
    coordinator = person("coordinator@civ.example")
    client.force_login(coordinator)
    response = client.post(
        reverse("invite_mentor"), {"email": "New.Mentor@scg.example", "full_name": "ใหม่ ใจดี"}
    )
    assert response.status_code == 302
    invitation = Invitation.objects.get(email="new.mentor@scg.example")
    assert (invitation.role, invitation.organisation) == (Role.MENTOR, coordinator.organisation)


def test_inviting_an_existing_account_keeps_the_form_with_the_message(client, english):
    client.force_login(person("coordinator@civ.example"))
    response = client.post(reverse("invite_mentor"), {"email": "mentor@civ.example"})
    assert response.status_code == 200
    assert "already has an account" in response.content.decode()
    assert 'value="mentor@civ.example"' in response.content.decode()


def test_only_coordinators_reach_the_invite_page(client):
    for email in ("mentor@civ.example", "member.maejaem@civ.example"):
        client.force_login(person(email))
        assert client.get(reverse("invite_mentor")).status_code == 403


def test_coordinator_assigns_a_new_mentor_to_a_covered_community(client, mou):
    mentor = make_user(Role.MENTOR, organisation=mou.company)
    area = mou.areas.get(code="online_marketing")
    client.force_login(person("coordinator@civ.example"))
    response = client.post(
        reverse("mou_assign", args=[mou.pk]),
        {
            "mentor": mentor.pk,
            "community": maejaem().pk,
            "areas": [area.pk],
            "starts_on": "2026-01-05",
        },
    )
    assert response.status_code == 302
    assignment = MentorAssignment.objects.get(mou=mou, mentor=mentor)
    assert list(assignment.areas.all()) == [area]


def test_mou_page_shows_sessions_mentors_and_hours_delivered_per_area(client, mou, mentor, member):
    client.force_login(person("officer.lampang@civ.example"))

    def delivered_in_online_marketing() -> list[float]:
        html = client.get(reverse("mou_detail", args=[mou.pk])).content.decode()
        delivered = html.split('id="delivered"')[1].split("</section>")[0]
        for row in re.findall(r"<tr>(.*?)</tr>", delivered.split("<tbody>")[1], flags=re.S):
            if "การตลาดออนไลน์" in row:
                return [float(cell) for cell in re.findall(r"<td[^>]*>([^<]*)</td>", row)[-4:]]
        return [0.0, 0.0, 0.0, 0.0]

    # The demo's own delivered sessions in this area, if any, are already counted.
    before = delivered_in_online_marketing()
    session = book(starts_at=bangkok(-2, 9), hours=3, title="ไลฟ์สดขายกาแฟ")
    services.record_attendance(mentor, session, present_people=[member.pk], new_walk_ins=["แขก"])
    book(starts_at=bangkok(4, 9), title="ยังไม่ถึง")
    after = delivered_in_online_marketing()
    # One more delivered session of 3 hours with 2 attendees: 3.0 hours, 6.0 participant-hours;
    # the one not yet held adds nothing.
    assert [a - b for a, b in zip(after, before, strict=True)] == [1, 3.0, 2, 6.0]
    html = client.get(reverse("mou_detail", args=[mou.pk])).content.decode()
    assert "ไลฟ์สดขายกาแฟ" in html and "ยังไม่ถึง" in html and str(mentor) in html


def test_a_session_row_names_its_communities_and_mentors_in_the_readers_language(
    client, mou, mentor
):
    """The names come with the sessions' own query: Thai, English where a community has an
    English name (Thai where it has none), a mentor as the account is shown elsewhere."""
    from mentorship.selectors import register_counts, with_names

    jae_khon = mou.communities.exclude(pk=maejaem().pk).first()
    jae_khon.name_en = ""
    jae_khon.save()
    coordinator = person("coordinator@civ.example")
    session = book(coordinator, title="ขายกาแฟออนไลน์", communities=[maejaem(), jae_khon])
    client.force_login(person("officer.lampang@civ.example"))

    def row(language: str) -> str:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        html = client.get(reverse("mou_detail", args=[mou.pk])).content.decode()
        return html.split(reverse("session_detail", args=[session.pk]))[1].split("</tr>")[0]

    thai = row("th")
    assert maejaem().name_th in thai and jae_khon.name_th in thai and str(mentor) in thai
    english = row("en")
    assert maejaem().name_en in english and jae_khon.name_th in english
    with translation.override("en"):
        named = with_names(register_counts(mou.sessions.filter(pk=session.pk))).get()
    assert named.mentor_names == [str(mentor)]
    assert set(named.community_names) == {maejaem().name_en, jae_khon.name_th}


def test_officer_drafts_an_mou_for_their_office_with_areas_and_communities(client):
    officer = person("officer.lampang@civ.example")
    lampang = Organisation.objects.get(kind=Organisation.Kind.GOVERNMENT, province_id="52")
    company = person("coordinator@civ.example").organisation
    areas = list(scg_mou().areas.values_list("pk", flat=True)[:2])
    client.force_login(officer)
    response = client.post(
        reverse("mou_create"),
        {
            "government_office": lampang.pk,
            "company": company.pk,
            "title_th": "บันทึกข้อตกลงระยะที่สอง",
            "areas": areas,
            "communities": [maejaem().pk],
        },
    )
    mou = MOU.objects.get(title_th="บันทึกข้อตกลงระยะที่สอง")
    assert response.status_code == 302 and mou.status == MOU.Status.DRAFT
    assert list(mou.communities.all()) == [maejaem()] and mou.created_by == officer
    client.force_login(person("officer.saraburi@civ.example"))
    form = client.get(reverse("mou_create")).context["form"]
    assert lampang not in form.fields["government_office"].queryset


def test_sessions_outside_the_mou_term_are_refused(mou):
    services.update_mou(person("officer.lampang@civ.example"), mou, ends_on=bangkok(5, 9).date())
    with pytest.raises(ValidationError) as caught:
        book(starts_at=bangkok(6, 9))
    assert "starts_at" in caught.value.message_dict


def test_signatories_are_added_in_order(mou):
    coordinator = person("coordinator@civ.example")
    before = mou.signatories.count()
    added = services.add_signatory(
        coordinator, mou, party="witness", name="นายทดสอบ", position="พยาน"
    )
    assert added.position_order == before and list(mou.signatories.all())[-1] == added
    with pytest.raises(PermissionDenied):
        services.add_signatory(
            person("mentor@civ.example"), mou, party="witness", name="x", position="y"
        )


@pytest.mark.parametrize("content", ACTIVE_PDFS.values(), ids=ACTIVE_PDFS.keys())
def test_a_pdf_with_scripts_or_actions_is_refused_with_a_clear_message(client, mou, content):
    client.force_login(person("coordinator@civ.example"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(
        reverse("mou_pdf_upload", args=[mou.pk]), {"signed_pdf": pdf_upload(content)}
    )
    assert response.status_code == 200
    assert "contains active content" in response.content.decode()
    mou.refresh_from_db()
    assert not mou.signed_pdf


def test_a_scanners_open_action_that_only_shows_the_first_page_is_accepted(mou):
    services.attach_signed_pdf(person("officer.lampang@civ.example"), mou, pdf_upload())
    mou.refresh_from_db()
    assert mou.signed_pdf


def test_a_replaced_signed_pdf_stays_as_an_earlier_version_seen_only_in_scope(client, mou):
    officer = person("officer.lampang@civ.example")
    services.attach_signed_pdf(officer, mou, pdf_upload(real_pdf().read()))
    mou.refresh_from_db()
    first = mou.signed_pdf.name
    client.force_login(person("mentor@civ.example"))
    # Read (and kept) with one file: no earlier version yet.
    assert "pdf-versions" not in client.get(reverse("mou_detail", args=[mou.pk])).text
    services.attach_signed_pdf(officer, mou, pdf_upload())
    mou.refresh_from_db()
    assert mou.signed_pdf.name != first and mou.signed_pdf.storage.exists(first)

    version = mou.history.filter(signed_pdf=first).earliest("history_date")
    url = reverse("mou_pdf_version", args=[mou.pk, version.history_id])
    for _read_and_kept in range(2):
        page = client.get(reverse("mou_detail", args=[mou.pk])).content.decode()
        assert url in page
    response = client.get(url)
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == mou.signed_pdf.storage.open(first).read()

    client.force_login(person("officer.saraburi@civ.example"))
    assert client.get(url).status_code == 404
    # Another MOU's earlier PDF is not reached through this MOU's address either.
    other = draft_mou(officer)
    services.attach_signed_pdf(officer, other, pdf_upload())
    other = other.history.exclude(signed_pdf="").first()
    client.force_login(person("mentor@civ.example"))
    assert (
        client.get(reverse("mou_pdf_version", args=[mou.pk, other.history_id])).status_code == 404
    )

    # The earlier file is referenced by its history row, so the daily sweep keeps it.
    from civportal.files import sweep_orphans

    assert first not in sweep_orphans(older_than_hours=0)


def test_an_unwritable_mou_folder_is_a_form_error_and_nothing_is_stored(client, mou, settings):
    blocker = block_upload_folder(settings.MEDIA_ROOT, "mous")
    client.force_login(person("coordinator@civ.example"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(reverse("mou_pdf_upload", args=[mou.pk]), {"signed_pdf": pdf_upload()})
    assert response.status_code == 200
    assert "The file could not be saved" in response.content.decode()
    mou.refresh_from_db()
    assert not mou.signed_pdf
    assert files_under(settings.MEDIA_ROOT, besides=[blocker]) == []
