"""The visit form says the truth about readiness scores (all six or none, said before
submitting and shown on each missing score) and a failed submit keeps the chosen photos."""

import pytest
from django.urls import reverse
from django.utils import timezone

from civportal.files import sweep_orphans
from communities.models import READINESS_CRITERIA, ProgressVisit, ReadinessAssessment
from tests.formdata import page_form_data

from .helpers import officer, png, register_many

pytestmark = pytest.mark.django_db

SCORES = list(READINESS_CRITERIA)


def readiness(*given):
    return {f"readiness_{name}": "4" for name in given}


def visit_data(**extra):
    return {
        "visited_on": timezone.localdate().isoformat(),
        "summary": "ติดตามการพัฒนาบรรจุภัณฑ์",
        "next_steps": "ทดลองขายออนไลน์",
        **extra,
    }


@pytest.fixture
def community():
    return register_many(officer(), 1)[0]


def pending_files(media_root):
    folder = media_root / "pending"
    return sorted(path for path in folder.rglob("*.jpg")) if folder.exists() else []


def test_the_form_says_before_submitting_that_readiness_is_all_six_or_none(client, community):
    client.force_login(officer())
    page = client.get(reverse("visit_create", args=[community.pk])).content.decode()
    assert "ให้คะแนนครบทั้งหกเกณฑ์" in page
    assert "ไม่บังคับ" not in page.split('class="readiness"')[1]


def test_three_scores_of_six_are_refused_on_each_missing_one_and_the_photo_is_kept(
    client, community, media_root_in_tmp, django_capture_on_commit_callbacks
):
    client.force_login(officer())
    url = reverse("visit_create", args=[community.pk])
    token = page_form_data(client.get(url).content.decode())["form_token"]

    failed = client.post(
        url,
        visit_data(
            form_token=token,
            photos=[png("โอ่งคั่วกาแฟ.png")],
            **readiness(*SCORES[:3]),
        ),
    )

    assert failed.status_code == 200
    form = failed.context["form"]
    assert set(form.errors) == {f"readiness_{name}" for name in SCORES[3:]}
    assert not ProgressVisit.objects.filter(community=community).exists()
    html = failed.content.decode()
    assert "โอ่งคั่วกาแฟ" in html  # the kept photo is listed, ticked
    assert len(pending_files(media_root_in_tmp)) == 1

    # Sent again as the browser shows it: no file chosen, the kept photo ticked.
    data = page_form_data(html, **readiness(*SCORES))
    assert data["form_token"] == token and data["kept_photos"]
    with django_capture_on_commit_callbacks(execute=True):
        saved = client.post(url, data)

    assert saved.status_code == 302
    visit = ProgressVisit.objects.get(community=community)
    assert visit.photos.count() == 1
    assert ReadinessAssessment.objects.filter(visit=visit).exists()
    assert pending_files(media_root_in_tmp) == []  # moved into the visit, not left behind


def test_an_unticked_kept_photo_is_left_out(client, community, media_root_in_tmp):
    client.force_login(officer())
    url = reverse("visit_create", args=[community.pk])
    token = page_form_data(client.get(url).content.decode())["form_token"]
    failed = client.post(url, visit_data(form_token=token, summary="", photos=[png()]))
    assert failed.status_code == 200 and failed.context["form"].errors["summary"]

    data = page_form_data(failed.content.decode(), summary="สรุปการลงพื้นที่")
    data.pop("kept_photos")
    assert client.post(url, data).status_code == 302
    assert ProgressVisit.objects.get(community=community).photos.count() == 0


def test_another_officer_cannot_claim_kept_photos_with_the_token(client, community):
    client.force_login(officer())
    url = reverse("visit_create", args=[community.pk])
    token = page_form_data(client.get(url).content.decode())["form_token"]
    failed = client.post(url, visit_data(form_token=token, summary="", photos=[png()]))
    key = failed.context["form"]["kept_photos"].value()[0]

    client.force_login(officer("staff@civ.example"))
    stolen = client.post(url, visit_data(form_token=token, kept_photos=[key], summary="ลงพื้นที่"))

    assert stolen.status_code == 200  # the key is not one of this person's kept photos
    assert "kept_photos" in stolen.context["form"].errors
    assert not ProgressVisit.objects.filter(community=community).exists()


def test_abandoned_kept_photos_are_removed_by_the_orphan_sweep(
    client, community, media_root_in_tmp
):
    client.force_login(officer())
    url = reverse("visit_create", args=[community.pk])
    client.post(url, visit_data(form_token="a" * 32, summary="", photos=[png()]))
    assert len(pending_files(media_root_in_tmp)) == 1

    assert sweep_orphans(older_than_hours=24) == []  # not yet a day old
    removed = sweep_orphans(older_than_hours=0)

    assert any(name.startswith("pending/") for name in removed)
    assert pending_files(media_root_in_tmp) == []
