"""Personal access tokens: stored hashed, shown once, expire, can be revoked, read-only
when made so, and dead with their user."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from api.models import ApiToken, hash_key
from tests.api.helpers import api_client, token_for

pytestmark = pytest.mark.django_db

OFFICER = "officer.lampang@civ.example"


@pytest.fixture
def officer():
    return User.objects.get(email=OFFICER)


def bearer(key):
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def communities(client, key):
    return client.get(reverse("api:community-list"), **bearer(key))


def test_the_key_is_stored_only_as_its_hash(officer):
    key = token_for(officer)
    token = ApiToken.objects.get(user=officer)
    assert token.key_hash == hash_key(key)
    assert key not in {token.key_hash, token.visible_prefix, token.name}
    assert key.startswith(token.visible_prefix)


def test_the_page_shows_a_new_key_once(client, officer):
    client.force_login(officer)
    page = reverse("api_tokens")
    response = client.post(page, {"name": "แดชบอร์ดจังหวัด", "scope": "read", "days": 90})
    assert response.status_code == 200
    key = response.context["new_key"]
    assert key and key in response.text
    token = ApiToken.objects.get(user=officer)
    assert token.key_hash == hash_key(key)
    assert token.expires_at > timezone.now() + timedelta(days=89)
    again = client.get(page)
    assert key not in again.text
    assert token.visible_prefix in again.text


def test_the_page_refuses_a_token_without_a_name(client, officer):
    client.force_login(officer)
    response = client.post(reverse("api_tokens"), {"name": " ", "scope": "read", "days": 90})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not ApiToken.objects.filter(user=officer).exists()


def test_a_double_posted_form_makes_one_token(client, officer):
    client.force_login(officer)
    data = {"name": "x", "scope": "read", "days": 30, "form_token": "same-form-token-123"}
    client.post(reverse("api_tokens"), data)
    second = client.post(reverse("api_tokens"), data)
    assert second.status_code == 302
    assert ApiToken.objects.filter(user=officer).count() == 1


def test_a_token_acts_as_its_user(client, officer):
    key = token_for(officer)
    response = communities(client, key)
    assert response.status_code == 200
    assert response.json()["results"]
    token = ApiToken.objects.get(user=officer)
    assert token.last_used_at is not None


def test_unknown_expired_and_revoked_tokens_are_refused(client, officer):
    assert communities(client, "civ_not-a-token").status_code == 401
    key = token_for(officer)
    ApiToken.objects.filter(user=officer).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert communities(client, key).status_code == 401

    key = token_for(officer)
    token = ApiToken.objects.get(key_hash=hash_key(key))
    assert communities(client, key).status_code == 200
    client.force_login(officer)
    confirm = client.get(reverse("api_token_revoke", args=[token.pk]))
    assert confirm.status_code == 200  # asks first
    assert communities(client, key).status_code == 200
    client.post(reverse("api_token_revoke", args=[token.pk]), {"confirm": "yes"})
    client.logout()
    assert communities(client, key).status_code == 401


def test_nobody_revokes_another_persons_token(client, officer):
    token_for(officer)
    token = ApiToken.objects.get(user=officer)
    client.force_login(User.objects.get(email="staff@civ.example"))
    response = client.post(reverse("api_token_revoke", args=[token.pk]), {"confirm": "yes"})
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_deactivating_the_user_kills_their_tokens(client, officer):
    key = token_for(officer, ApiToken.Scope.READ_WRITE)
    assert communities(client, key).status_code == 200
    officer.is_active = False
    officer.save(update_fields=["is_active"])
    assert communities(client, key).status_code == 401


def test_a_read_token_cannot_write(officer):
    client = api_client(officer, ApiToken.Scope.READ)
    mae_jaem = officer.provinces.get(code="52").communities.first()
    response = client.post(
        reverse("api:visit-list"),
        {"community": mae_jaem.pk, "visited_on": str(timezone.localdate()), "summary": "x"},
        format="json",
    )
    assert response.status_code == 403
    assert not mae_jaem.visits.filter(summary="x").exists()


def test_session_sign_in_works_and_writes_need_the_csrf_token(officer):
    from rest_framework.test import APIClient

    client = APIClient(enforce_csrf_checks=True)
    client.force_login(officer)
    assert client.get(reverse("api:community-list")).status_code == 200
    mae_jaem = officer.provinces.get(code="52").communities.first()
    visit = {"community": mae_jaem.pk, "visited_on": str(timezone.localdate()), "summary": "x"}
    response = client.post(reverse("api:visit-list"), visit, format="json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    client.get(reverse("api_tokens"))  # a page with a form sets the CSRF cookie
    csrf = client.cookies["csrftoken"].value
    response = client.post(reverse("api:visit-list"), visit, format="json", HTTP_X_CSRFTOKEN=csrf)
    assert response.status_code == 201


def test_each_token_has_its_own_rate(client, officer, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"token": "3/min", "anon": "3/min"},
    }
    first, second = token_for(officer), token_for(officer)
    assert [communities(client, first).status_code for _ in range(4)] == [200, 200, 200, 429]
    assert communities(client, second).status_code == 200
