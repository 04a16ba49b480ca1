"""The officer's pages through the client: registry, pickers, visit form, stage, history, map."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from communities.management.commands.seed_demo import demo_password
from communities.models import Community, Indicator, ProgressVisit, Stage, VisitPhoto
from communities.services import log_visit, update_community
from tests.storage import block_upload_folder, files_under

from .helpers import huge_png_header, officer, png, register_many, tambons, truncated_jpeg

pytestmark = pytest.mark.django_db


def _login(client, email="officer.nakhon@civ.example"):
    assert client.login(username=email, password=demo_password())
    return client


def test_registry_search_finds_thai_names_by_any_part(client):
    _login(client, "staff@civ.example")

    response = client.get(reverse("community_list"), {"q": "แม่แจ๋ม"})

    assert [c.name_th for c in response.context["communities"]] == ["ชุมชนผลิตกาแฟบ้านแม่แจ๋ม"]


def test_registry_search_matches_the_tambon_name(client):
    _login(client, "staff@civ.example")

    response = client.get(reverse("community_list"), {"q": "ทุ่งผึ้ง"})

    assert [c.name_th for c in response.context["communities"]] == ["ชุมชนบ้านแจ้คอน"]


def test_registry_filters_by_province_stage_cohort_and_activity(client):
    _login(client, "staff@civ.example")
    url = reverse("community_list")

    by_stage = client.get(url, {"stage": Stage.CIV}).context["page"].paginator.count
    by_province = client.get(url, {"province": "52"}).context["communities"]
    by_activity = client.get(url, {"activity": "tourism"}).context["communities"]

    assert by_stage == 7
    assert {c.province_id for c in by_province} == {"52"} and len(by_province) == 3
    assert {c.name_th for c in by_activity} == {
        "ชุมชนบ้านศาลาดิน",
        "ชุมชนบางใบไม้",
        "ชุมชนบ้านนาตีน",
    }


def test_registry_is_paginated_and_keeps_the_filters_in_page_links(client):
    register_many(officer(), 30)
    _login(client)

    response = client.get(reverse("community_list"), {"q": "ทดสอบ", "page": 2})

    assert response.context["page"].number == 2
    assert len(response.context["communities"]) == 5
    assert "q=%E0%B8%97" in response.content.decode()  # the search stays in the links


def test_officer_registry_shows_only_their_province(client):
    register_many(officer(), 2)
    _login(client, "officer.saraburi@civ.example")

    response = client.get(reverse("community_list"))

    assert response.context["page"].paginator.count == 0


def test_district_picker_lists_amphoes_of_an_allowed_province_only(client):
    _login(client)

    nakhon = client.get(reverse("geo_districts"), {"province": "80"}).content.decode()
    lampang = client.get(reverse("geo_districts"), {"province": "52"}).content.decode()

    assert "เมืองนครศรีธรรมราช" in nakhon
    assert 'hx-swap-oob="innerHTML"' in nakhon  # the tambon list is emptied too
    assert "<option" in lampang and "แจ้ห่ม" not in lampang


def test_tambon_picker_lists_the_amphoes_tambons(client):
    _login(client)
    place = tambons("80")[0]

    options = client.get(reverse("geo_subdistricts"), {"district": place.district_id})

    assert f'value="{place.code}"' in options.content.decode()


def test_register_form_starts_at_the_officers_only_province(client):
    _login(client)

    form = client.get(reverse("community_create")).context["form"]

    assert list(form.fields["province"].queryset.values_list("pk", flat=True)) == ["80"]
    assert form.initial["province"] == "80"
    assert form.fields["district"].queryset.filter(province_id="80").exists()


def test_register_refuses_a_tambon_outside_the_chosen_amphoe_and_keeps_the_entries(client):
    _login(client)
    first, other = (
        tambons("80")[0],
        next(t for t in tambons("80") if t.district_id != tambons("80")[0].district_id),
    )
    data = {
        "name_th": "ชุมชนใหม่ในนคร",
        "province": "80",
        "district": first.district_id,
        "subdistrict": other.code,
        "activity": "craft",
        "members_count": 20,
        "identity_story": "ผ้ายกเมืองนคร",
    }

    response = client.post(reverse("community_create"), data)

    assert response.status_code == 200
    assert response.context["form"]["identity_story"].value() == "ผ้ายกเมืองนคร"
    assert not Community.objects.filter(name_th="ชุมชนใหม่ในนคร").exists()


def test_register_with_a_be_cohort_year_saves_it_in_ce(client):
    _login(client)
    place = tambons("80")[0]

    response = client.post(
        reverse("community_create"),
        {
            "name_th": "ชุมชนปีพุทธศักราช",
            "province": "80",
            "district": place.district_id,
            "subdistrict": place.code,
            "activity": "food",
            "members_count": 5,
            "cohort_year": 2568,
            "photos": [png()],
        },
    )

    community = Community.objects.get(name_th="ชุมชนปีพุทธศักราช")
    assert response.status_code == 302
    assert community.cohort_year == 2025 and community.province_id == "80"
    assert community.photos.count() == 1


def test_register_refuses_a_truncated_photo_and_keeps_the_entries(client):
    _login(client)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    place = tambons("80")[0]
    data = {
        "name_th": "ชุมชนรูปไม่ครบ",
        "province": "80",
        "district": place.district_id,
        "subdistrict": place.code,
        "activity": "craft",
        "members_count": 20,
        "identity_story": "ผ้ายกเมืองนคร",
    }

    response = client.post(reverse("community_create"), {**data, "photos": [truncated_jpeg()]})

    assert response.status_code == 200
    form = response.context["form"]
    errors = " ".join(form.errors["photos"])
    assert "IMG_0002.jpg" in errors and "damaged or incomplete" in errors
    assert form["identity_story"].value() == "ผ้ายกเมืองนคร"
    assert form["name_th"].value() == "ชุมชนรูปไม่ครบ"
    assert not Community.objects.filter(name_th="ชุมชนรูปไม่ครบ").exists()


def _visit_data(**extra):
    return {
        "visited_on": timezone.localdate().isoformat(),
        "summary": "ติดตามการพัฒนาบรรจุภัณฑ์",
        "next_steps": "ทดลองขายออนไลน์",
        "indicator_monthly_revenue": "12500",
        "indicator_active_members": "18",
        **extra,
    }


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            lambda: SimpleUploadedFile(
                "notes.jpg", b"this is a text file, not a photo", content_type="image/jpeg"
            ),
            "not a photo",
        ),
        (huge_png_header, "too large"),
        (truncated_jpeg, "damaged or incomplete"),
    ],
    ids=["text-file-named-jpg", "20000x20000", "truncated-jpeg"],
)
def test_a_bad_photo_is_refused_clearly_and_the_visit_form_is_kept(client, upload, message):
    community = register_many(officer(), 1)[0]
    _login(client)

    # Pages are Thai whatever the browser asks; English is chosen with the switch's cookie.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(
        reverse("visit_create", args=[community.pk]), _visit_data(photos=[upload()])
    )

    assert response.status_code == 200
    form = response.context["form"]
    errors = " ".join(form.errors["photos"])
    assert message in errors and "choose the photos again" in errors
    assert form["summary"].value() == "ติดตามการพัฒนาบรรจุภัณฑ์"
    assert form["next_steps"].value() == "ทดลองขายออนไลน์"
    assert form["indicator_monthly_revenue"].value() == "12500"
    assert not ProgressVisit.objects.filter(community=community).exists()


def test_a_visit_with_a_photo_and_two_values_appears_on_the_community_page(client):
    community = register_many(officer(), 1)[0]
    _login(client)

    response = client.post(
        reverse("visit_create", args=[community.pk]),
        _visit_data(photos=[png("IMG_0001.png", (3000, 1500))]),
    )

    assert response.status_code == 302
    visit = ProgressVisit.objects.get(community=community)
    assert visit.values.count() == 2
    photo = VisitPhoto.objects.get(visit=visit)
    assert max(photo.image.width, photo.image.height) == 2000
    page = client.get(reverse("community_detail", args=[community.pk])).content.decode()
    photo_url = reverse("visit_photo", args=[photo.pk])  # never a public /media/ address
    assert "ติดตามการพัฒนาบรรจุภัณฑ์" in page and photo_url in page
    assert "<polyline" not in page and "<circle" in page  # one point per indicator so far


def test_readiness_must_be_all_six_or_none(client):
    community = register_many(officer(), 1)[0]
    _login(client)

    response = client.post(
        reverse("visit_create", args=[community.pk]), _visit_data(readiness_identity="4")
    )

    # The five missing scores each say so (tests/communities/test_visit_form.py).
    assert response.status_code == 200 and len(response.context["form"].errors) == 5


def test_stage_move_needs_a_reason_and_shows_on_the_timeline(client):
    community = register_many(officer(), 1)[0]
    _login(client)
    url = reverse("stage_move", args=[community.pk])

    refused = client.post(url, {"to_stage": Stage.DEVELOPING, "reason": ""})
    moved = client.post(url, {"to_stage": Stage.DEVELOPING, "reason": "มีกลุ่มผลิตที่เข้มแข็ง"})

    assert refused.status_code == 200 and refused.context["form"].errors["reason"]
    assert moved.status_code == 302
    page = client.get(reverse("community_detail", args=[community.pk])).content.decode()
    assert "มีกลุ่มผลิตที่เข้มแข็ง" in page


def test_indicator_trend_chart_draws_a_line_with_baseline_and_target(client):
    actor = officer()
    community = register_many(actor, 1)[0]
    _login(client)
    client.post(
        reverse("indicator_targets", args=[community.pk]),
        {"baseline_monthly_revenue": "5000", "target_monthly_revenue": "20000"},
    )
    for day, value in ((30, 6000), (10, 9000)):
        log_visit(
            actor,
            community,
            visited_on=timezone.localdate() - timedelta(days=day),
            summary="x",
            values={Indicator.objects.get(code="monthly_revenue"): value},
        )

    page = client.get(reverse("community_detail", args=[community.pk])).content.decode()

    assert page.count('class="chart-line"') == 1
    assert 'class="chart-target"' in page and 'class="chart-baseline"' in page


def test_history_page_is_for_those_in_scope(client):
    community = register_many(officer(), 1)[0]

    own = _login(client).get(reverse("community_history", args=[community.pk]))
    client.logout()
    other = _login(client, "officer.saraburi@civ.example").get(
        reverse("community_history", args=[community.pk])
    )

    assert own.status_code == 200 and own.context["entries"]
    assert other.status_code == 404


@pytest.mark.parametrize(
    "name", ["visit_create", "stage_move", "indicator_targets", "community_edit"]
)
def test_mentor_who_can_see_a_community_may_not_change_it(client, name):
    mae_jaem = Community.objects.get(subdistrict_id="521304")
    _login(client, "mentor@civ.example")

    assert client.get(reverse("community_detail", args=[mae_jaem.pk])).status_code == 200
    assert client.get(reverse(name, args=[mae_jaem.pk])).status_code == 403


def test_map_lists_every_community_and_reads_the_tile_url_from_settings(client, settings):
    settings.MAP_TILE_URL = "https://tiles.example/{z}/{x}/{y}.png"
    _login(client, "officer.lampang@civ.example")

    page = client.get(reverse("community_map")).content.decode()

    assert "https://tiles.example/{z}/{x}/{y}.png" in page
    assert page.count('class="badge stage-') == 3  # the list beside the map
    assert "18.83" in page  # บ้านแม่แจ๋ม's marker


def test_officer_dashboard_shows_unvisited_communities_and_the_stage_chart(client):
    _login(client, "officer.lampang@civ.example")

    (unvisited,) = register_many(
        officer("officer.lampang@civ.example"), 1, province="52", prefix="ยังไม่ได้ลงพื้นที่"
    )

    response = client.get(reverse("dashboard"))

    # The demo's Lampang trio had visits this past quarter; the new community had none.
    assert list(response.context["stale_communities"]) == [unvisited]
    page = response.content.decode()
    assert unvisited.name_th in page and 'class="bar-developing"' in page


def test_timeline_shows_product_listings_and_stage_moves_of_the_seeded_programme(client):
    mae_jaem = Community.objects.get(subdistrict_id="521304")
    _login(client, "officer.lampang@civ.example")

    timeline = client.get(reverse("community_detail", args=[mae_jaem.pk])).context["timeline"]

    kinds = {(event.kind, str(event.obj)) for event in timeline}
    assert ("product", "กาแฟคั่วโอ่ง") in kinds
    assert any(kind == "stage" for kind, _ in kinds)
    assert any(event.kind == "registered" for event in timeline)


@pytest.mark.parametrize(
    ("name", "english"),
    [
        ("community_detail", "Timeline"),
        ("visit_create", "Indicator values"),
        ("stage_move", "Current stage"),
        ("indicator_targets", "Baselines and targets"),
        ("community_history", "Changes"),
    ],
)
def test_officer_pages_switch_to_english_with_ce_years(client, settings, name, english):
    mae_jaem = Community.objects.get(subdistrict_id="521304")
    _login(client, "officer.lampang@civ.example")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    page = client.get(reverse(name, args=[mae_jaem.pk])).content.decode()

    assert english in page
    assert str(timezone.localdate().year + 543) not in page


# --- Storage faults: all or nothing ----------------------------------------------------
def test_an_unwritable_visit_photo_folder_is_a_form_error_that_keeps_the_input(client, settings):
    community = register_many(officer(), 1)[0]
    blocker = block_upload_folder(settings.MEDIA_ROOT, "visits")
    _login(client)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = client.post(
        reverse("visit_create", args=[community.pk]),
        _visit_data(photos=[png("a.png"), png("b.png")]),
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert "The file could not be saved. Please try again" in " ".join(form.non_field_errors())
    assert form["summary"].value() == "ติดตามการพัฒนาบรรจุภัณฑ์"
    assert form["indicator_monthly_revenue"].value() == "12500"
    assert str(settings.MEDIA_ROOT) not in response.content.decode()
    assert not ProgressVisit.objects.filter(community=community).exists()
    assert files_under(settings.MEDIA_ROOT, besides=[blocker]) == []


def test_the_second_photo_failing_removes_the_first_and_registers_nothing(
    client, settings, monkeypatch
):
    from django.core.files.storage import FileSystemStorage

    real_save, calls = FileSystemStorage._save, []

    def second_write_fails(storage, name, content):
        calls.append(name)
        if len(calls) == 2:
            raise PermissionError(13, "Permission denied", str(settings.MEDIA_ROOT))
        return real_save(storage, name, content)

    monkeypatch.setattr(FileSystemStorage, "_save", second_write_fails)
    _login(client)
    place = tambons("80")[0]
    response = client.post(
        reverse("community_create"),
        {
            "name_th": "ชุมชนสองภาพ",
            "province": "80",
            "district": place.district_id,
            "subdistrict": place.code,
            "activity": "food",
            "members_count": 5,
            "identity_story": "ผ้าทอมือ",
            "photos": [png("a.png"), png("b.png")],
        },
    )

    assert response.status_code == 200 and len(calls) == 2
    assert response.context["form"]["identity_story"].value() == "ผ้าทอมือ"
    assert response.context["form"].non_field_errors()
    assert not Community.objects.filter(name_th="ชุมชนสองภาพ").exists()
    assert files_under(settings.MEDIA_ROOT) == []


def test_community_photos_are_public_by_row_and_cached(client):
    community = register_many(officer(), 1, prefix="ชุมชนมีภาพ")[0]
    update_community(officer(), community, photos=[png("front.png")])
    photo = community.photos.get()
    url = reverse("community_photo", args=[photo.pk])

    public_page = client.get(reverse("public_community", args=[community.pk])).content.decode()
    response = client.get(url)

    assert url in public_page and "/media/" not in public_page
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response["Cache-Control"] == "public, max-age=604800"
    _login(client)
    assert url in client.get(reverse("community_detail", args=[community.pk])).content.decode()


def _make_quarterly(code="active_members"):
    indicator = Indicator.objects.get(code=code)
    indicator.frequency = "quarter"
    indicator.save()
    return indicator


def test_the_visit_form_offers_the_periods_of_a_quarterly_indicator_the_current_one_chosen(
    client,
):
    from civportal.fiscal import period_containing

    _make_quarterly()
    community = register_many(officer(), 1)[0]
    _login(client)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    form = client.get(reverse("visit_create", args=[community.pk])).context["form"]

    field = form["period_active_members"]
    current = period_containing(timezone.localdate(), "quarter")
    assert field.initial == current.start.isoformat()
    assert field.field.choices[0] == (current.start.isoformat(), current.label("en"))
    assert "period_products_developed" not in form.fields  # a per-visit indicator has none


def test_an_earlier_quarter_chosen_on_the_form_is_kept_and_a_made_up_one_is_refused(client):
    from civportal.fiscal import period_containing

    members = _make_quarterly()
    community = register_many(officer(), 1)[0]
    _login(client)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    today = timezone.localdate()
    current = period_containing(today, "quarter")
    earlier = period_containing(current.start - timedelta(days=1), "quarter")
    url = reverse("visit_create", args=[community.pk])

    refused = client.post(url, _visit_data(period_active_members="2019-02-30"))
    assert refused.status_code == 200
    assert "Choose one of the listed reporting periods." in " ".join(
        refused.context["form"].errors["period_active_members"]
    )
    assert not ProgressVisit.objects.filter(community=community).exists()

    response = client.post(url, _visit_data(period_active_members=earlier.start.isoformat()))
    assert response.status_code == 302
    value = ProgressVisit.objects.get(community=community).values.get(indicator=members)
    assert (value.period_start, value.period_end) == (earlier.start, earlier.end)


def test_the_preselected_period_follows_a_back_dated_visit(client):
    from civportal.fiscal import period_containing

    members = _make_quarterly()
    community = register_many(officer(), 1)[0]
    _login(client)
    today = timezone.localdate()
    back = today - timedelta(days=120)

    response = client.post(
        reverse("visit_create", args=[community.pk]),
        _visit_data(
            visited_on=back.isoformat(),
            period_active_members=period_containing(today, "quarter").start.isoformat(),
        ),
    )

    assert response.status_code == 302
    value = ProgressVisit.objects.get(community=community).values.get(indicator=members)
    assert value.period_start == period_containing(back, "quarter").start


def test_targets_page_sets_the_target_of_the_chosen_fiscal_year(client):
    from civportal.fiscal import fiscal_year

    community = register_many(officer(), 1)[0]
    _login(client)
    next_year = fiscal_year(timezone.localdate()) + 1
    url = reverse("indicator_targets", args=[community.pk]) + f"?fy={next_year}"

    page = client.get(url).content.decode()
    assert f"ปีงบประมาณ พ.ศ. {next_year + 543}" in page
    response = client.post(
        url, {"baseline_monthly_revenue": "5000", "target_monthly_revenue": "25000"}
    )

    assert response.status_code == 302
    assert list(community.targets.values_list("fiscal_year", "target")) == [
        (next_year, Decimal("25000.00"))
    ]
