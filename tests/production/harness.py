"""What production runs, started for tests: production settings, collectstatic, gunicorn.

``production_env`` is the environment of every production-settings process a test starts
(``manage.py``, gunicorn, a Celery worker: pass it as ``WorkerProcess(extra_env=...)``);
``ProductionServer`` is gunicorn on ``civportal.wsgi`` answering as it would behind the
HTTPS proxy. The fixtures that use them live in tests/production/conftest.py.
"""

import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

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


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ProductionServer:
    """gunicorn serving ``civportal.wsgi`` with production settings on a free local port."""

    # What the HTTPS reverse proxy in front of gunicorn adds to every request.
    PROXY_HEADERS = {"X-Forwarded-Proto": "https"}

    def __init__(self, env: dict, log_path: Path, workers: int = 2):
        self.env = env
        self.port = free_port()
        self.log_path = log_path
        self.workers = workers
        self.process = None

    def start(self, timeout: float = 120):
        self.log = self.log_path.open("a")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "civportal.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.workers),
                "--access-logfile",
                "-",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"gunicorn exited early:\n{self.log_text()}")
            try:
                if self.get("/healthz").status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.3)
        raise AssertionError(f"gunicorn did not answer /healthz:\n{self.log_text()}")

    def get(self, path: str, headers: dict | None = None):
        """GET ``path`` exactly as given (no client-side normalising of ``..`` or escapes).

        Returns the response with its body read into ``.body``.
        """
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.putrequest("GET", path, skip_accept_encoding=True)
            for name, value in {**self.PROXY_HEADERS, **(headers or {})}.items():
                connection.putheader(name, value)
            connection.endheaders()
            response = connection.getresponse()
            response.body = response.read()
            return response
        finally:
            connection.close()

    def log_text(self) -> str:
        return self.log_path.read_text() if self.log_path.exists() else ""

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process:
            self.log.close()
