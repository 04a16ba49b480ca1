import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_healthz_answers_200_when_database_and_broker_answer(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": True, "broker": True}


@pytest.mark.django_db
@override_settings(CELERY_BROKER_URL="redis://127.0.0.1:1/0")
def test_healthz_answers_503_when_the_broker_does_not(client):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"] is False


def production_env(**extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CIV_"))}
    env.update(
        CIV_ENV="production",
        SECRET_KEY="x" * 20 + "-a-long-random-production-secret-for-the-check-" + "y" * 20,
        ALLOWED_HOSTS="civ.example",
        DATABASE_URL="postgres://civ@127.0.0.1:5432/civ",
        REDIS_URL="redis://127.0.0.1:6379/0",
        **extra,
    )
    return env


def manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )


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
