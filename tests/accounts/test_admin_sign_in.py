"""The admin has no sign-in of its own: it sends people to the portal's (allauth), which
carries the rate limits (and later MFA)."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from accounts.models import User
from communities.management.commands.seed_demo import demo_password
from tests.totp import sign_in

pytestmark = pytest.mark.django_db

SUPERUSER = "staff@civ.example"  # seed_demo's programme staff account is a superuser


def _login_redirect(response) -> tuple[str, str]:
    """(path, next) of a redirect to the portal's sign-in."""
    assert response.status_code == 302
    url = urlsplit(response.url)
    return url.path, parse_qs(url.query).get("next", [""])[0]


def test_the_admin_login_page_sends_people_to_the_portal_sign_in(client):
    response = client.get(reverse("admin:login"), {"next": "/admin/communities/community/"})

    assert _login_redirect(response) == (
        reverse("account_login"),
        "/admin/communities/community/",
    )


def test_the_admin_sends_the_anonymous_through_the_portal_sign_in(client):
    response = client.get(reverse("admin:index"), follow=True)

    assert response.redirect_chain[-1][0].startswith(reverse("account_login"))
    assert response.status_code == 200 and "form" in response.context


def test_posting_credentials_to_the_admin_login_never_signs_in(client):
    response = client.post(
        reverse("admin:login"),
        {"username": SUPERUSER, "password": demo_password(), "next": "/admin/"},
    )

    assert _login_redirect(response)[0] == reverse("account_login")
    assert "_auth_user_id" not in client.session


def test_a_signed_in_staff_member_cannot_check_another_password_at_the_admin_login(client):
    officer = User.objects.get(email="officer.lampang@civ.example")
    officer.is_staff = True
    officer.save(update_fields=["is_staff"])
    client.force_login(officer)

    client.post(reverse("admin:login"), {"username": SUPERUSER, "password": demo_password()})

    assert client.session["_auth_user_id"] == str(officer.pk)


def test_signing_in_through_the_portal_with_next_opens_the_admin(client):
    response = sign_in(client, SUPERUSER, demo_password(), next_url="/admin/")

    assert response.status_code == 302 and response.url == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_thirty_wrong_passwords_for_a_superuser_are_throttled_at_the_only_door(client):
    for _ in range(30):
        client.post(reverse("admin:login"), {"username": SUPERUSER, "password": "guess"})
        client.post(
            reverse("account_login") + "?next=/admin/", {"login": SUPERUSER, "password": "guess"}
        )

    # The 31st try, with the right password, at either address: not signed in.
    client.post(reverse("admin:login"), {"username": SUPERUSER, "password": demo_password()})
    client.post(
        reverse("account_login") + "?next=/admin/",
        {"login": SUPERUSER, "password": demo_password()},
    )

    assert "_auth_user_id" not in client.session
    assert client.get(reverse("admin:index")).status_code == 302


@pytest.mark.parametrize("path", ["/admin/", "/admin/accounts/user/", "/admin/login/"])
def test_a_signed_in_user_who_is_not_staff_gets_no_admin_page(client, path):
    client.force_login(User.objects.get(email="officer.lampang@civ.example"))

    response = client.get(path, follow=True)

    assert response.status_code == 403
    assert b"officer.saraburi@civ.example" not in response.content


def test_the_admin_password_page_is_the_portal_one(client):
    client.force_login(User.objects.get(email=SUPERUSER))

    response = client.get(reverse("admin:password_change"))

    assert response.status_code == 302 and response.url == reverse("account_change_password")
