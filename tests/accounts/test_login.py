import pytest
from allauth.account.adapter import get_adapter
from django.core import mail
from django.urls import reverse

from communities.management.commands.seed_demo import demo_password

pytestmark = pytest.mark.django_db


def test_demo_officer_signs_in_with_e_mail_and_lands_on_the_dashboard(client):
    response = client.post(
        reverse("account_login"),
        {"login": "officer.lampang@civ.example", "password": demo_password()},
    )
    assert response.status_code == 302
    assert response.url == reverse("dashboard")


def test_repeated_failed_logins_are_rate_limited(client):
    def attempt(password):
        return client.post(
            reverse("account_login"),
            {"login": "officer.lampang@civ.example", "password": password},
        )

    for _ in range(5):  # ACCOUNT_RATE_LIMITS["login_failed"]: 5 per 5 minutes
        assert attempt("wrong").status_code == 200
    # From here even the right password is refused, with allauth's message.
    response = attempt(demo_password())
    assert response.status_code == 200
    expected = get_adapter().error_messages["too_many_login_attempts"]
    assert response.context["form"].errors["__all__"] == [str(expected)]
    assert "_auth_user_id" not in client.session


def test_password_reset_sends_a_link_to_a_known_address(client):
    response = client.post(
        reverse("account_reset_password"), {"email": "member.paentai@civ.example"}
    )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["member.paentai@civ.example"]
    assert "/accounts/password/reset/key/" in mail.outbox[0].body
