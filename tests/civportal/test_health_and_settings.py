import pytest
from django.test import override_settings

from tests.production.harness import manage, production_env


@pytest.mark.django_db
def test_healthz_answers_200_when_database_and_broker_answer(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": True, "broker": True}


@pytest.mark.django_db
@override_settings(CELERY_BROKER_URL="redis://127.0.0.1:1/0")
def test_healthz_reports_a_missing_broker_as_degraded_not_down(client):
    # Pages and saves keep working without Redis (work waits in the outbox), so a load
    # balancer must not take the portal out of service for it.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "database": True, "broker": False}


def test_check_deploy_with_production_settings_has_no_warnings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"])
def test_production_refuses_to_start_without(missing):
    env = production_env()
    del env[missing]
    result = manage("check", env=env)
    assert result.returncode != 0
    assert missing in result.stderr


@pytest.mark.django_db
def test_pages_are_thai_even_when_the_browser_asks_for_english(client):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.headers["Content-Language"] == "th"
    assert 'lang="th"' in response.text


@pytest.mark.django_db
def test_the_language_switch_turns_pages_english(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    response = client.get("/accounts/login/")
    assert response.headers["Content-Language"] == "en"


def test_behind_a_proxy_the_sign_in_limits_count_the_client_address_it_passes_on():
    script = (
        "from allauth.account.adapter import get_adapter; "
        "from django.test import RequestFactory; "
        "request = RequestFactory().post('/', REMOTE_ADDR='10.0.0.2', "
        "HTTP_X_REAL_IP='203.0.113.5'); "
        "print(get_adapter().get_client_ip(request))"
    )
    result = manage("shell", "-c", script, env=production_env(CLIENT_IP_HEADER="HTTP_X_REAL_IP"))

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "203.0.113.5"
