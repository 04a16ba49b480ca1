import email
import email.policy
import os
import subprocess
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from tests import seed_snapshot
from tests.servers import worker_command

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def fresh_api_rates():
    """API request counts of earlier tests (one address for every anonymous request, the
    browser tests' Swagger UI included) start at 0: no test runs into another's rate."""
    from django.core.cache import cache

    client = cache._cache.get_client(write=True)
    for key in client.scan_iter(match=cache.make_key("api-throttle:*")):
        client.delete(key)


@pytest.fixture
def admin_user(admin_user):
    """pytest-django's superuser, with the second factor every superuser must have."""
    from accounts.mfa import enrol_totp

    enrol_totp(admin_user)
    return admin_user


def database_url_for_subprocess() -> str:
    """The URL of the database this test run uses (the test database, not the dev one)."""
    db = connection.settings_dict
    user = quote(db["USER"] or "postgres")
    password = f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or db.get("OPTIONS", {}).get("host", "")
    if host.startswith("/"):
        return f"postgres://{user}{password}@/{db['NAME']}?host={quote(host)}"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{user}{password}@{host}{port}/{db['NAME']}"


class WorkerProcess:
    """A real ``celery worker`` process on its own queue, reading the test database."""

    def __init__(self, tmp_path: Path, queue: str, extra_env: dict | None = None):
        self.queue = queue
        self.extra_env = extra_env or {}
        self.log_path = tmp_path / "worker.log"
        self.mail_dir = tmp_path / "mail"
        self.mail_dir.mkdir()
        self.process = None

    def start(self):
        env = {
            **os.environ,
            "DATABASE_URL": database_url_for_subprocess(),
            "REDIS_URL": settings.REDIS_URL,
            "CELERY_QUEUE": self.queue,
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(self.mail_dir),
            "CIV_ENV": "test",
            **self.extra_env,
        }
        self.log = self.log_path.open("a")
        self.process = subprocess.Popen(
            worker_command(self.queue),
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        return self

    def sent_messages(self) -> list:
        """Every e-mail the worker sent, parsed.

        Django's file backend appends to one file per connection object, named by time and
        ``id()``; two connections in the same second can share a file, so each file may
        hold several messages, each followed by a line of 79 dashes.
        """
        separator = b"\n" + b"-" * 79 + b"\n"
        messages = []
        for path in sorted(self.mail_dir.iterdir()):
            for chunk in path.read_bytes().split(separator):
                if chunk.strip():
                    messages.append(email.message_from_bytes(chunk, policy=email.policy.default))
        return messages

    def log_text(self) -> str:
        return self.log_path.read_text()

    def wait_for(self, predicate, timeout=60, what="condition"):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return
            if self.process.poll() is not None:
                raise AssertionError(f"worker exited early:\n{self.log_text()}")
            time.sleep(0.2)
        raise AssertionError(f"timed out waiting for {what}; worker log:\n{self.log_text()}")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


@pytest.fixture
def celery_queue():
    """A queue of this test's own, so no other worker (e.g. a running dev stack) takes its jobs."""
    from civportal.celery import app

    queue = f"test-{uuid.uuid4().hex[:12]}"
    previous = app.conf.task_default_queue
    app.conf.task_default_queue = queue
    yield queue
    app.conf.task_default_queue = previous


@pytest.fixture
def celery_worker_process(transactional_db, tmp_path, celery_queue):
    worker = WorkerProcess(tmp_path, celery_queue).start()
    # Start-up (imports, broker connection) can be slow on a loaded machine; the test's own
    # waits should measure the job, not the start.
    worker.wait_for(lambda: " ready." in worker.log_text(), timeout=180, what="the worker to start")
    yield worker
    worker.stop()


@pytest.fixture(scope="session")
def seed_media(tmp_path_factory):
    """Where the session's demo programme keeps its photos (point MEDIA_ROOT here to read them)."""
    return tmp_path_factory.mktemp("seed-media")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, seed_media):
    """Seed the real programme once; each non-transactional test rolls its own changes back.

    pytest-django runs transactional tests after these, and they build their own data
    (``seed_programme`` copies this seed back in). The demo's photos go to a folder of
    the run, never to the developer's var/media.
    """
    from io import StringIO

    from django.core.management import call_command
    from django.test import override_settings

    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=seed_media):
        call_command("seed_demo", stdout=StringIO())
        seed_snapshot.take(seed_media)


def _is_transactional(request) -> bool:
    """pytest-django's own test: a ``transaction``/``reset_sequences`` mark or fixture."""
    marker = request.node.get_closest_marker("django_db")
    if marker is not None and (
        marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")
    ):
        return True
    return bool({"transactional_db", "live_server"} & set(request.fixturenames))


@pytest.fixture(autouse=True)
def transactional_tests_start_empty(request):
    """A transactional test starts from an empty database, whichever runs first.

    Django empties the database after each transactional test, not before, so the first
    one of a run would otherwise find the session's demo programme, whose photos are in
    ``seed_media``, not in the test's own MEDIA_ROOT: ``seed_demo`` then leaves them be
    and the rows point to files the test's folder never got. Emptying it first is what
    the previous transactional test's teardown would have done.
    """
    if not _is_transactional(request):
        return
    request.getfixturevalue("transactional_db")
    from django.core.management import call_command

    from accounts.models import User
    from communities.models import Province

    if Province.objects.exists() or User.objects.exists():
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture(autouse=True)
def media_root_in_tmp(settings, tmp_path):
    """Files a test uploads go to its own folder, never to the developer's var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def seed_programme() -> None:
    """The demo programme, committed, with its photos in the test's MEDIA_ROOT: the
    session's seed copied in (tests/seed_snapshot.py), or ``seed_demo`` itself when the
    run has no snapshot (then taken again from it)."""
    target = Path(settings.MEDIA_ROOT)
    if seed_snapshot.taken():
        seed_snapshot.restore(target)
        forget_kept_pages()
        return
    from io import StringIO

    from django.core.management import call_command
    from django.test import override_settings

    with override_settings(MEDIA_ROOT=target):
        call_command("seed_demo", stdout=StringIO())
    seed_snapshot.take(target)


@pytest.fixture
def seeded(transactional_db):
    """The demo programme, for tests whose data other processes (browser, gunicorn) read."""
    seed_programme()


def forget_rate_limits():
    """Drop allauth's rate-limit counters (and only them) from the Redis cache."""
    from django.core.cache import cache

    client = cache._cache.get_client(write=True)
    for key in client.scan_iter(match=cache.make_key("allauth:rl:*")):
        client.delete(key)


def forget_kept_pages():
    from django.core.cache import cache

    from communities.figures import forget_figures
    from mentorship.selectors import delivery_generation, mou_ids_generation, mou_page_generation
    from products.public_cache import forget_public_pages

    forget_public_pages()
    forget_figures()
    delivery_generation.renew()
    mou_ids_generation.renew()
    mou_page_generation.renew()
    # Per-person reads kept for users an earlier test made or changed (and rolled back).
    client = cache._cache.get_client(write=True)
    for kept in ("notifications-unread:*", "officer-provinces:*", "mou-pdf-versions:*"):
        for key in client.scan_iter(match=cache.make_key(kept)):
            client.delete(key)


@pytest.fixture(autouse=True)
def fresh_public_pages():
    """Public pages and dashboard summaries kept by an earlier test (rows since rolled back)
    are not used."""
    forget_kept_pages()


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Every test signs in from 127.0.0.1; counters left by earlier tests must not refuse it."""
    forget_rate_limits()
    yield
    forget_rate_limits()
