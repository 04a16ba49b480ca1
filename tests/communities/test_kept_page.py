"""A community page keeps its body rendered (communities.figures.community_page_key) and
shows any change to what it holds on the next request."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from communities.management.commands.seed_demo import demo_password
from communities.models import Community, IndicatorValue, Stage
from communities.services import log_visit, move_stage

pytestmark = pytest.mark.django_db

# Session, user, the community (with its address) and the permission checks read nothing
# more; the reporting rate is kept on its own (communities.figures).
KEPT_PAGE_QUERIES = 3


@pytest.fixture
def mae_jaem():
    return Community.objects.get(subdistrict_id="521304")


@pytest.fixture
def lampang(client):
    assert client.login(username="officer.lampang@civ.example", password=demo_password())
    client.get(reverse("dashboard"))  # keeps the officer's provinces and unread count
    return User.objects.get(email="officer.lampang@civ.example")


def _page(client, community) -> str:
    return client.get(reverse("community_detail", args=[community.pk])).content.decode()


def _timeline(page: str) -> str:
    return page[page.index('<ol class="timeline">') :]


def _without_tokens(page: str) -> str:
    """The page less what differs on every response (the form token, the script nonce)."""
    return re.sub(r'(csrfmiddlewaretoken" value|nonce)="[^"]*"', r"\1", page)


def _visit(officer, community):
    log_visit(officer, community, visited_on=timezone.localdate(), summary="ตรวจโรงคั่วใหม่")
    return "ตรวจโรงคั่วใหม่"


def _stage(officer, community):
    to = Stage.SELF_SUSTAINING if community.stage != Stage.SELF_SUSTAINING else Stage.CIV
    move_stage(officer, community, to, "กลุ่มผลิตเข้มแข็งขึ้น")
    return "กลุ่มผลิตเข้มแข็งขึ้น"


def _renamed(row, field: str, text: str) -> str:
    """``row`` saved with ``text`` in ``field``, as the admin or a form saves it."""
    setattr(row, field, text)
    row.save()
    return text


def _listing(officer, community):
    return _renamed(community.products.first(), "name_th", "กาแฟคั่วโอ่งสูตรใหม่")


def _indicator(officer, community):
    shown = IndicatorValue.objects.filter(visit__community=community).first().indicator
    # Its trend card's heading: the reporting card (kept on its own) may name it too.
    return "<h3>" + _renamed(shown, "name_th", "รายได้ของกลุ่ม (ใหม่)")


def _session(officer, community):
    return _renamed(community.sessions.first(), "title", "อบรมการคั่วกาแฟรุ่นสอง")


@pytest.mark.parametrize(
    "change", [_visit, _stage, _listing, _indicator, _session], ids=lambda f: f.__name__
)
def test_a_kept_community_page_shows_the_change_on_the_next_request(
    client, mae_jaem, lampang, change
):
    _page(client, mae_jaem)  # kept

    expected = change(lampang, Community.objects.get(pk=mae_jaem.pk))

    assert expected in _page(client, mae_jaem)


def test_a_kept_page_shows_a_renamed_officer_but_not_a_sign_in(
    client, mae_jaem, lampang, django_assert_max_num_queries
):
    log_visit(lampang, mae_jaem, visited_on=timezone.localdate(), summary="ตรวจโรงคั่วใหม่")
    _page(client, mae_jaem)  # kept

    lampang.full_name = "สมศรี ใจดี (ย้ายมา)"
    lampang.save(update_fields=["full_name"])
    assert "สมศรี ใจดี (ย้ายมา)" in _timeline(_page(client, mae_jaem))  # not just the header

    lampang.last_login = timezone.now()
    lampang.save(update_fields=["last_login"])  # signing in changes nothing shown
    with django_assert_max_num_queries(KEPT_PAGE_QUERIES):
        assert "สมศรี ใจดี (ย้ายมา)" in _timeline(_page(client, mae_jaem))


def test_the_kept_body_is_the_page_rendered_afresh_and_spares_its_queries(
    client, mae_jaem, lampang, django_assert_num_queries
):
    fresh = _page(client, mae_jaem)

    with django_assert_num_queries(KEPT_PAGE_QUERIES):
        kept = _page(client, mae_jaem)

    assert _without_tokens(kept) == _without_tokens(fresh) and "กาแฟคั่วโอ่ง" in kept


def test_the_body_is_kept_per_language(client, settings, mae_jaem, lampang):
    thai = _page(client, mae_jaem)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    english = _page(client, mae_jaem)

    assert "Timeline" not in thai
    assert "Timeline" in english and "Indicators" in english
