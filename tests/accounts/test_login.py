import pytest
from allauth.account.adapter import get_adapter
from django.core import mail
from django.urls import reverse

from accounts.models import Role
from communities.management.commands.seed_demo import demo_password
from tests.factories import PASSWORD, make_user
from tests.totp import answer_code_step, sign_in

pytestmark = pytest.mark.django_db


def test_demo_officer_signs_in_with_e_mail_and_lands_on_the_dashboard(client):
    response = client.post(
        reverse("account_login"),
        {"login": "officer.lampang@civ.example", "password": demo_password()},
    )
    # The password alone is not enough: the code step comes next, not yet signed in.
    assert response.status_code == 302 and response.url == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session

    response = sign_in(client, "officer.lampang@civ.example", demo_password())

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


def _sign_in(client, email, password):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def _too_many_attempts(response) -> bool:
    expected = str(get_adapter().error_messages["too_many_login_attempts"])
    return response.status_code == 200 and expected in response.context["form"].errors["__all__"]


def test_six_wrong_passwords_lock_the_account_even_for_the_right_one(client):
    for _ in range(5):
        assert (
            "__all__"
            in _sign_in(client, "officer.lampang@civ.example", "wrong").context["form"].errors
        )
    assert _too_many_attempts(_sign_in(client, "officer.lampang@civ.example", "wrong"))

    assert _too_many_attempts(_sign_in(client, "officer.lampang@civ.example", demo_password()))
    assert "_auth_user_id" not in client.session


def test_a_locked_account_does_not_lock_out_its_office(client):
    """Colleagues share the office's address; one person's typos must not lock them out."""
    for _ in range(6):
        _sign_in(client, "officer.lampang@civ.example", "wrong")

    response = sign_in(client, "officer.nakhon@civ.example", demo_password())

    assert response.status_code == 302 and response.url == reverse("dashboard")


@pytest.fixture
def fast_hashing(settings):
    """The limits count attempts, not hashing time; the default hasher would spend most of
    a minute on 80 hashes on a busy machine and so stretch the test past the limits' window."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_twenty_colleagues_behind_one_address_mistype_twice_and_all_sign_in(fast_hashing):
    from django.test import Client

    office = Client(REMOTE_ADDR="203.150.10.1")  # every request from the same NAT address
    colleagues = [make_user(Role.OFFICER, email=f"colleague{n}@lampang.example") for n in range(20)]
    signed_in = []
    for person in colleagues:
        for typo in ("wrong-once", "wrong-twice"):
            assert _sign_in(office, person.email, typo).status_code == 200
        response = answer_code_step(office, _sign_in(office, person.email, PASSWORD), person)
        if response.status_code == 302 and office.session.get("_auth_user_id") == str(person.pk):
            signed_in.append(person.email)
        office.logout()

    assert len(signed_in) == 20


def test_password_reset_sends_a_link_to_a_known_address(client):
    response = client.post(
        reverse("account_reset_password"), {"email": "member.paentai@civ.example"}
    )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["member.paentai@civ.example"]
    assert "/accounts/password/reset/key/" in mail.outbox[0].body
