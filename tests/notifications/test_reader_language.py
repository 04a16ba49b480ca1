"""Nothing Thai is left on English pages: a notification's title and message follow the
language the reader is using, and indicator units have their English name."""

import pytest
from django.conf import settings
from django.urls import reverse

from communities.models import Indicator
from notifications.models import Notification
from tests.mentorship.conftest import bangkok, book, person

pytestmark = pytest.mark.django_db


def test_a_notification_reads_in_the_language_of_the_page(client):
    session = book(starts_at=bangkok(3, 9), title="การตลาดออนไลน์")
    member = person("member.maejaem@civ.example")
    assert member.preferred_language == "th"
    key = f"session:{session.pk}:rev0"
    notification = Notification.objects.get(recipient=member, event_key=key)
    client.force_login(member)

    thai = client.get(reverse("notification_list")).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(reverse("notification_list")).content.decode()

    assert notification.title in thai and notification.title not in english
    assert notification.title_en and notification.title_en in english


def test_the_email_goes_in_the_recipients_own_language():
    from notifications.services import email_for

    member = person("member.maejaem@civ.example")
    member.preferred_language = "en"
    member.save(update_fields=["preferred_language"])
    book(starts_at=bangkok(3, 9))
    notification = Notification.objects.filter(recipient=member).latest("pk")
    assert email_for(notification).subject == f"[CIV Portal] {notification.title_en}"


def test_indicator_units_are_english_on_english_pages(client):
    revenue = Indicator.objects.get(code="monthly_revenue")
    assert (revenue.unit, revenue.unit_en) == ("บาท", "THB")
    client.force_login(person("officer.lampang@civ.example"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    from communities.models import Community

    mae_jaem = Community.objects.get(subdistrict__code="521304")
    page = client.get(reverse("visit_create", args=[mae_jaem.pk])).content.decode()
    assert "Monthly revenue (THB)" in page and "บาท" not in page
