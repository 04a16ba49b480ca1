"""Fixtures that start what production runs. Add more production-settings processes (a
Celery worker, an SMTP sink) beside ``production_server``, reusing ``production_env``."""

import pytest
from django.conf import settings

from tests.conftest import database_url_for_subprocess

from . import harness
from .harness import manage, production_env


@pytest.fixture(scope="session")
def production_static(tmp_path_factory):
    """``collectstatic`` with production settings (whitenoise's compressed manifest storage)
    into a fresh STATIC_ROOT; a reference to a missing file fails the build, and this."""
    root = tmp_path_factory.mktemp("staticfiles")
    result = manage("collectstatic", "--noinput", "-v0", env=production_env(STATIC_ROOT=str(root)))
    assert result.returncode == 0, result.stdout + result.stderr
    return root


@pytest.fixture
def production_settings_env(transactional_db, production_static):
    """Production settings against this test run's database, Redis, media and static files."""
    return production_env(
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=database_url_for_subprocess(),
        REDIS_URL=settings.REDIS_URL,
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
        STATIC_ROOT=str(production_static),
    )


@pytest.fixture
def production_server(production_settings_env, seeded, tmp_path):
    """gunicorn with ``CIV_ENV=production`` on the seeded test database."""
    server = harness.production_server(production_settings_env, tmp_path)
    yield server
    server.stop()
