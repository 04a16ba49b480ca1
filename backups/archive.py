"""One archive brings the portal back: the database, every uploaded file and Celery beat's
schedule state, with a manifest (times, the server's version, a SHA-256 per file).

Consistency while the site runs: the database is dumped first, from a snapshot, and the
files are copied after it. Every file a dumped row names was written before that row
committed (uploads are saved before their row), so it was on disk before the snapshot; and
files are never deleted at once (deletion goes through a delayed orphan sweep), so it is
still on disk when the copy reaches it, provided the backup takes less time than the
sweep's grace period. Files written after the snapshot may be copied too; no dumped row
names them, and the restored site's orphan sweep removes them. The file names the rows
hold are read inside the same snapshot, and the manifest says if any of them was missing.
"""

import hashlib
import io
import json
import os
import re
import shutil
import tarfile
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction

from .postgres import (
    BackupError,
    find_tool,
    libpq_target,
    major_of,
    run_tool,
    server_version,
    tool_version,
)

FORMAT = "civportal-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DUMP = "database.dump"
BEAT = "beat/schedule"
# Fixed-width UTC times, so names sort in the order the backups were taken.
ARCHIVE_NAME = re.compile(r"^civ-backup-\d{8}T\d{6}\.\d{3}Z\.tar$")
_MEMBER_NAME = re.compile(
    r"^(database\.dump|beat/schedule(\.db|\.dat|\.bak|\.dir)?|files/[A-Za-z0-9_-]+/.+)$"
)
CHUNK = 1024 * 1024


@dataclass
class Backup:
    path: Path
    manifest: dict
    seconds: float
    removed: list[Path] = field(default_factory=list)


# --- What is backed up --------------------------------------------------------------------


def file_roots() -> dict[str, Path]:
    """The folders of uploaded files by storage alias: every file-system storage but the
    static files, which come with the code. A folder inside another one is left to it."""
    found: dict[str, Path] = {}
    for alias in settings.STORAGES:
        if alias == "staticfiles":
            continue
        storage = storages[alias]
        if isinstance(storage, FileSystemStorage):
            root = Path(storage.location).resolve()
            if root not in found.values():
                found[alias] = root
    return {
        alias: root
        for alias, root in found.items()
        if not any(other in root.parents for other in found.values())
    }


def beat_paths() -> list[tuple[str, Path]]:
    """Where beat's schedule may be: a shelve is one file, or several with the dbm's suffixes."""
    from celery.beat import PersistentScheduler

    base = settings.CELERY_BEAT_SCHEDULE_FILENAME
    return [(suffix, Path(f"{base}{suffix}")) for suffix in PersistentScheduler.known_suffixes]


def _archive_name(roots: dict[str, Path], path: Path) -> str | None:
    for alias, root in roots.items():
        if root in path.parents:
            return f"files/{alias}/{path.relative_to(root).as_posix()}"
    return None


def _referenced_files(roots: dict[str, Path], using: str) -> set[str]:
    """The archive names of the files that rows name (run inside the dump's snapshot)."""
    from simple_history.models import HistoricalChanges

    referenced = set()
    for model in apps.get_models():
        # History rows keep the names of files replaced since; only current rows count.
        if issubclass(model, HistoricalChanges):
            continue
        for model_field in model._meta.concrete_fields:
            storage = getattr(model_field, "storage", None)
            if not isinstance(model_field, models.FileField) or not isinstance(
                storage, FileSystemStorage
            ):
                continue
            location = Path(storage.location).resolve()
            names = (
                model._base_manager.using(using)
                .exclude(**{model_field.attname: ""})
                .exclude(**{f"{model_field.attname}__isnull": True})
                .values_list(model_field.attname, flat=True)
            )
            for name in names.iterator():
                path = (location / name).resolve()
                referenced.add(_archive_name(roots, path) or str(path))
    return referenced


def _walk(root: Path) -> Iterator[Path]:
    """Regular files under root, in a stable order; symbolic links are not followed."""
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            path = Path(folder) / name
            if path.is_file() and not path.is_symlink():
                yield path


# --- Writing ------------------------------------------------------------------------------


class _Hashing:
    """Reads through to a file and hashes exactly the bytes the archive gets."""

    def __init__(self, source):
        self.source = source
        self.sha256 = hashlib.sha256()

    def read(self, size=-1):
        data = self.source.read(size)
        self.sha256.update(data)
        return data


def _add_file(tar: tarfile.TarFile, arcname: str, path: Path) -> dict:
    with open(path, "rb") as source:
        info = tar.gettarinfo(arcname=arcname, fileobj=source)
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        reader = _Hashing(source)
        tar.addfile(info, reader)
    return {"size": info.size, "sha256": reader.sha256.hexdigest()}


def _add_bytes(tar: tarfile.TarFile, arcname: str, data: bytes) -> None:
    info = tarfile.TarInfo(arcname)
    info.size = len(data)
    info.mtime = int(time.time())
    info.mode = 0o644
    tar.addfile(info, io.BytesIO(data))


def _dump_database(connection, pg_dump: Path, target: Path, roots) -> tuple[str, set[str]]:
    """pg_dump from an exported snapshot; the rows' file names are read in that snapshot."""
    conninfo, env = libpq_target(connection.settings_dict)
    # Connect outside the transaction: SET TRANSACTION must be its first statement.
    connection.ensure_connection()
    with transaction.atomic(using=connection.alias):
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
        run_tool(
            [
                str(pg_dump),
                "--format=custom",
                f"--snapshot={snapshot}",
                f"--file={target}",
                f"--dbname={conninfo}",
            ],
            env,
        )
        referenced = _referenced_files(roots, connection.alias)
    return snapshot, referenced


def create_backup(
    output_dir: Path, *, keep: int | None = None, using: str = DEFAULT_DB_ALIAS
) -> Backup:
    """Write civ-backup-<UTC time>.tar into output_dir; keep only the newest `keep` of them.

    The archive appears under its name only when complete, so a failed or interrupted
    backup never looks like a good one and is never counted by the retention.
    """
    began = time.monotonic()
    started_at = datetime.now(UTC)
    connection = connections[using]
    version_num, version_text = server_version(connection)
    pg_dump = find_tool("pg_dump", major_of(version_num))
    if connection.in_atomic_block:
        raise BackupError("A backup opens its own snapshot; run it outside a transaction.")
    roots = file_roots()
    name = f"civ-backup-{started_at:%Y%m%dT%H%M%S}.{started_at.microsecond // 1000:03d}Z.tar"
    output_dir.mkdir(parents=True, exist_ok=True)

    with tempfile.TemporaryDirectory(dir=output_dir, prefix=".civ-backup-") as work:
        partial = Path(work) / name
        dump = Path(work) / DUMP
        snapshot, referenced = _dump_database(connection, pg_dump, dump, roots)
        files: dict[str, dict] = {}
        folders = {}
        with tarfile.open(partial, "w", format=tarfile.PAX_FORMAT) as tar:
            files[DUMP] = _add_file(tar, DUMP, dump)
            dump.unlink()
            for alias, root in roots.items():
                count = size = 0
                for path in _walk(root):
                    if output_dir.resolve() in path.parents:
                        continue  # BACKUP_DIR inside an upload folder: never back up backups
                    arcname = f"files/{alias}/{path.relative_to(root).as_posix()}"
                    try:
                        files[arcname] = _add_file(tar, arcname, path)
                    except FileNotFoundError:
                        continue  # deleted since it was listed: an orphan swept meanwhile
                    count += 1
                    size += files[arcname]["size"]
                folders[alias] = {"location": str(root), "files": count, "bytes": size}
            # Beat rewrites its shelve while it runs; a torn copy is one beat discards and
            # rebuilds on start (its periodic jobs are safe to run again after that).
            for suffix, path in beat_paths():
                if path.is_file():
                    files[f"{BEAT}{suffix}"] = _add_file(tar, f"{BEAT}{suffix}", path)
            manifest = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "started_at": started_at.isoformat(),
                "finished_at": datetime.now(UTC).isoformat(),
                "database": {
                    "name": connection.settings_dict["NAME"],
                    "server_version": version_text,
                    "server_version_num": version_num,
                    "pg_dump": tool_version(pg_dump),
                    "snapshot": snapshot,
                },
                "folders": folders,
                "beat_schedule": str(settings.CELERY_BEAT_SCHEDULE_FILENAME),
                "referenced_files": len(referenced),
                "missing_files": sorted(wanted for wanted in referenced if wanted not in files),
                "files": files,
            }
            _add_bytes(tar, MANIFEST, json.dumps(manifest, indent=1, ensure_ascii=False).encode())
        with open(partial, "rb") as written:
            os.fsync(written.fileno())
        final = output_dir / name
        partial.rename(final)
    backup = Backup(path=final, manifest=manifest, seconds=time.monotonic() - began)
    if keep:
        backup.removed = prune(output_dir, keep)
    return backup


def prune(output_dir: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` backups; other files in the folder are left alone."""
    archives = sorted(path for path in output_dir.iterdir() if ARCHIVE_NAME.match(path.name))
    removed = archives[:-keep] if keep < len(archives) else []
    for path in removed:
        path.unlink()
    return removed


# --- Reading ------------------------------------------------------------------------------


def _members(tar: tarfile.TarFile) -> dict[str, tarfile.TarInfo]:
    return {member.name: member for member in tar.getmembers()}


def read_manifest(tar: tarfile.TarFile, members: dict[str, tarfile.TarInfo]) -> dict:
    if MANIFEST not in members:
        raise BackupError(f"{tar.name} has no {MANIFEST}: it is not a CIV Portal backup.")
    manifest = json.load(tar.extractfile(members[MANIFEST]))
    if (manifest.get("format"), manifest.get("format_version")) != (FORMAT, FORMAT_VERSION):
        raise BackupError(f"{tar.name} is not a CIV Portal backup of format {FORMAT_VERSION}.")
    for arcname in manifest["files"]:
        path = PurePosixPath(arcname)
        if not _MEMBER_NAME.match(arcname) or path.is_absolute() or ".." in path.parts:
            raise BackupError(f"{tar.name} lists a file it may not restore: {arcname!r}.")
    return manifest


def _copy_checked(tar, member: tarfile.TarInfo, expected: dict, target) -> None:
    digest = hashlib.sha256()
    source = tar.extractfile(member)
    while chunk := source.read(CHUNK):
        digest.update(chunk)
        if target is not None:
            target.write(chunk)
    if member.size != expected["size"] or digest.hexdigest() != expected["sha256"]:
        raise BackupError(
            f"{member.name} in {tar.name} does not match its checksum in the manifest: "
            "the archive is damaged."
        )


def verify(tar: tarfile.TarFile, members: dict, manifest: dict) -> None:
    """Every file the manifest lists is in the archive with its size and SHA-256."""
    for arcname, expected in manifest["files"].items():
        member = members.get(arcname)
        if member is None or not member.isfile():
            raise BackupError(f"{arcname} is in the manifest but not in {tar.name}.")
        _copy_checked(tar, member, expected, None)


def _extract(tar, members, manifest, arcname: str, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "xb") as written:
        _copy_checked(tar, members[arcname], manifest["files"][arcname], written)


def _relations(connection) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT n.nspname || '.' || c.relname
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
              AND n.nspname NOT IN ('pg_catalog', 'information_schema')
              AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'
            ORDER BY 1
            """
        )
        return [row[0] for row in cursor.fetchall()]


def restore_backup(
    archive: Path,
    *,
    force: bool = False,
    using: str = DEFAULT_DB_ALIAS,
    say: Callable[[str], None] = lambda line: None,
) -> dict:
    """Restore `archive` into this installation's database, upload folders and beat file.

    They must be empty (a brand-new database, empty folders): restoring over live data
    would mix two states. `force` empties them first. The archive is checked whole before
    anything is touched.
    """
    connection = connections[using]
    with tarfile.open(archive, "r:") as tar:
        members = _members(tar)
        manifest = read_manifest(tar, members)
        verify(tar, members, manifest)
        say(f"Checked {len(manifest['files'])} files against the manifest.")

        version_num, _text = server_version(connection)
        major = major_of(version_num)
        source_major = major_of(manifest["database"]["server_version_num"])
        if major < source_major:
            raise BackupError(
                f"The backup was dumped from PostgreSQL {source_major}; this server is "
                f"PostgreSQL {major}, whose pg_restore cannot read it. Restore into "
                f"PostgreSQL {source_major} or newer."
            )
        pg_restore = find_tool("pg_restore", major)
        roots = file_roots()
        unknown = sorted(set(manifest["folders"]) - set(roots))
        if unknown:
            raise BackupError(
                f"The backup holds files of storages this installation does not have: "
                f"{', '.join(unknown)}."
            )

        database = connection.settings_dict["NAME"]
        occupied = []
        relations = _relations(connection)
        if relations:
            occupied.append(
                f"database {database} has {len(relations)} tables and other relations "
                f"(e.g. {', '.join(relations[:3])})"
            )
        for alias, root in roots.items():
            if next(_walk(root), None) is not None:
                occupied.append(f"folder {root} ({alias} files) is not empty")
        occupied += [f"{path} exists" for _suffix, path in beat_paths() if path.exists()]
        if occupied and not force:
            raise BackupError(
                "Restore goes into an empty database and empty folders only, and here "
                + "; ".join(occupied)
                + ". Restore into a new database and folders, or pass --force to replace "
                "what is there."
            )
        if occupied:
            say("Emptying the target (--force): " + "; ".join(occupied) + ".")
            with connection.cursor() as cursor:
                cursor.execute("DROP SCHEMA IF EXISTS public CASCADE")
                cursor.execute("CREATE SCHEMA public")
            for root in roots.values():
                for child in root.iterdir() if root.exists() else ():
                    if child.is_dir() and not child.is_symlink():
                        shutil.rmtree(child)
                    else:
                        child.unlink()
            for _suffix, path in beat_paths():
                path.unlink(missing_ok=True)

        conninfo, env = libpq_target(connection.settings_dict)
        with tempfile.TemporaryDirectory(prefix="civ-restore-") as work:
            dump = Path(work) / DUMP
            _extract(tar, members, manifest, DUMP, dump)
            run_tool(
                [
                    str(pg_restore),
                    # The roles of the source need not exist here: the restoring user owns all.
                    "--no-owner",
                    "--no-privileges",
                    "--exit-on-error",
                    "--single-transaction",
                    f"--dbname={conninfo}",
                    str(dump),
                ],
                env,
            )
        say(
            f"Restored database {database} from a dump of PostgreSQL "
            f"{manifest['database']['server_version']}."
        )

        restored = 0
        for arcname in manifest["files"]:
            if arcname.startswith("files/"):
                _prefix, alias, relative = arcname.split("/", 2)
                _extract(tar, members, manifest, arcname, roots[alias] / relative)
                restored += 1
            elif arcname.startswith(BEAT):
                targets = dict(beat_paths())
                _extract(tar, members, manifest, arcname, targets[arcname[len(BEAT) :]])
        say(f"Restored {restored} files into {', '.join(str(r) for r in roots.values())}.")
    return manifest
