"""What production runs, started for tests: production settings, collectstatic, gunicorn.

``production_env`` is the environment of every production-settings process a test starts
(``manage.py``, gunicorn, a Celery worker: pass it as ``WorkerProcess(extra_env=...)``);
``production_server`` starts gunicorn on ``civportal.wsgi`` answering as it would behind
the HTTPS proxy. The fixtures that use them live in tests/production/conftest.py.
"""

import os
import subprocess
import sys
from pathlib import Path

from tests.servers import Gunicorn

ROOT = Path(__file__).resolve().parents[2]
SECRET_KEY = "x" * 20 + "-a-long-random-production-secret-for-the-check-" + "y" * 20


def production_env(**extra) -> dict:
    """The process environment of production settings (``CIV_ENV=production``).

    Defaults name a database and Redis that need not exist (enough for ``check``); tests
    that start servers pass the test database's and Redis's URLs, MEDIA_ROOT and
    STATIC_ROOT. Nothing of the test run's own settings leaks in.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CIV_"))}
    for name in ("DEBUG", "MEDIA_ROOT", "STATIC_ROOT", "EMAIL_BACKEND", "EMAIL_FILE_PATH"):
        env.pop(name, None)
    env.update(
        {
            "CIV_ENV": "production",
            "SECRET_KEY": SECRET_KEY,
            "ALLOWED_HOSTS": "civ.example",
            "DATABASE_URL": "postgres://civ@127.0.0.1:5432/civ",
            "REDIS_URL": "redis://127.0.0.1:6379/0",
            **extra,
        }
    )
    return env


def manage(*args, env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )


# What the HTTPS reverse proxy in front of gunicorn adds to every request.
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}


def production_server(env: dict, log_dir: Path) -> Gunicorn:
    """gunicorn serving ``civportal.wsgi`` with production settings, as behind the proxy."""
    return Gunicorn(env, log_dir, headers=PROXY_HEADERS).start()
