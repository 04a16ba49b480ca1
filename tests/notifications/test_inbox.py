import re

import pytest
from django.urls import reverse

from accounts.models import Role
from notifications.models import Kind, Notification, Preference
from notifications.selectors import emailed_recipients
from notifications.services import notify, settle
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def tell(users, key, kind=Kind.ENQUIRY_RECEIVED):
    return notify(
        users,
        kind=kind,
        event_key=key,
        template="notifications/weekly_digest",
        context={"items": [], "total": 1, "more": 0},
        url="/products/",
    )


@pytest.fixture
def member(client):
    user = make_user(Role.STAFF)
    client.force_login(user)
    return user


def test_the_header_shows_the_unread_count(client, member):
    tell([member], "a")
    tell([member], "b")

    page = client.get(reverse("notification_list")).content.decode()

    assert re.search(r'class="badge unread-count"[^>]*>2</span>', page)


def unread_badge(client) -> str | None:
    page = client.get(reverse("notification_list")).content.decode()
    found = re.search(r'class="badge unread-count"[^>]*>(\d+)</span>', page)
    return found and found.group(1)


def test_the_kept_unread_count_follows_every_change_to_the_inbox(
    client, member, django_assert_num_queries
):
    tell([member], "a")
    tell([member], "b")
    assert unread_badge(client) == "2"
    # Kept: the next page does not count again (session + user, page count, page rows).
    with django_assert_num_queries(4):
        client.get(reverse("notification_list"))

    tell([member], "c")  # a new notification
    assert unread_badge(client) == "3"
    first = Notification.objects.filter(recipient=member).order_by("pk").first()
    client.post(reverse("notification_read", args=[first.pk]))  # marked read
    assert unread_badge(client) == "2"
    tell([member], "d", kind=Kind.LISTING_SUBMITTED)
    assert unread_badge(client) == "3"
    settle(Kind.LISTING_SUBMITTED, "d")  # the event dealt with by someone else
    assert unread_badge(client) == "2"
    Notification.objects.filter(recipient=member, read_at__isnull=True).first().delete()
    assert unread_badge(client) == "1"  # one by one, as the admin does
    client.post(reverse("notification_read_all"))
    assert unread_badge(client) is None


def test_the_inbox_lists_only_the_persons_own_notifications(client, member):
    other = make_user(Role.STAFF)
    tell([member], "mine")
    tell([other], "theirs")
    own = Notification.objects.get(recipient=member)
    theirs = Notification.objects.get(recipient=other)

    page = client.get(reverse("notification_list")).content.decode()

    assert f'id="notification-{own.pk}"' in page
    assert f'id="notification-{theirs.pk}"' not in page


def test_marking_read_through_htmx_swaps_the_row_and_lowers_the_count(client, member):
    tell([member], "a")
    notification = Notification.objects.get(recipient=member)

    response = client.post(
        reverse("notification_read", args=[notification.pk]), headers={"HX-Request": "true"}
    )

    assert response.status_code == 200
    assert f'id="notification-{notification.pk}"' in response.content.decode()
    assert "hx-post" not in response.content.decode()
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert Notification.objects.filter(recipient=member, read_at__isnull=True).count() == 0


def test_someone_elses_notification_cannot_be_marked_read(client, member):
    other = make_user(Role.STAFF)
    tell([other], "theirs")
    theirs = Notification.objects.get(recipient=other)

    response = client.post(reverse("notification_read", args=[theirs.pk]))

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read_clears_the_inbox(client, member):
    for key in ("a", "b", "c"):
        tell([member], key)

    response = client.post(reverse("notification_read_all"))

    assert response.status_code == 302
    assert not Notification.objects.filter(recipient=member, read_at__isnull=True).exists()


@pytest.mark.parametrize("rows", [10, 200])
def test_the_inbox_costs_the_same_queries_for_10_or_200_notifications(
    client, member, rows, django_assert_num_queries
):
    for index in range(rows):
        tell([member], f"event-{index}")

    # session + user, unread count, page count, page rows
    with django_assert_num_queries(5):
        response = client.get(reverse("notification_list"))
    assert response.status_code == 200


def test_preferences_turn_e_mail_off_per_kind_and_keep_the_digest_choice(client, member):
    url = reverse("notification_preferences")
    assert client.get(url).status_code == 200

    response = client.post(
        url,
        {
            # Enquiries: in-app only, but in the digest. Everything else left unticked.
            "digest_enquiry_received": "on",
            "email_session_reminder": "on",
            "digest_session_reminder": "on",
        },
    )

    assert response.status_code == 302
    assert emailed_recipients([member], Kind.ENQUIRY_RECEIVED) == set()
    assert emailed_recipients([member], Kind.SESSION_REMINDER) == {member.pk}
    enquiries = Preference.objects.get(user=member, kind=Kind.ENQUIRY_RECEIVED)
    assert (enquiries.email, enquiries.in_digest) == (False, True)
    page = client.get(url).content.decode()
    assert 'name="email_session_reminder" id="id_email_session_reminder" checked' in page


def test_without_a_preference_e_mail_is_on():
    officer = make_user(Role.OFFICER)
    assert emailed_recipients([officer], Kind.LISTING_SUBMITTED) == {officer.pk}
