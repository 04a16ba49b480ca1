"""The demo programme seeded once per run, then copied into each transactional test.

``seed_demo`` takes 12–15 s (ten password hashes, the search documents, some 2,700
queries); the transactional tests (browser, gunicorn, Celery worker) need it committed
and start from an empty database. The session's seed is copied table by table into a
schema of its own right after it is made; a test that asks for the programme gets the
same rows (same ids, sequences moved past them) and the same photos in its own
MEDIA_ROOT in well under a second. ``tests/communities/test_seed_demo.py`` runs the
command itself.
"""

import shutil
import tempfile
from pathlib import Path

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, transaction

SCHEMA = "seed_snapshot"


def _tables() -> list[str]:
    return sorted(connection.introspection.django_table_names(only_existing=True))


def _columns(cursor, table: str) -> list[str]:
    """Columns a row can be inserted with (generated columns are computed again)."""
    cursor.execute(
        """
        SELECT column_name FROM information_schema.columns
        WHERE table_schema = current_schema() AND table_name = %s AND is_generated = 'NEVER'
        ORDER BY ordinal_position
        """,
        [table],
    )
    return [row[0] for row in cursor.fetchall()]


# Table -> columns to copy, for the tables the seed filled (set by take()).
_filled: dict[str, list[str]] = {}
# A copy of the seed's photos, made by take().
_media = Path(tempfile.mkdtemp(prefix="civ-seed-media-"))


def take(media: Path) -> None:
    """Copy every table of the (seeded, committed) test database into ``SCHEMA``, and
    the seed's photos from ``media``."""
    qn = connection.ops.quote_name
    drop()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"CREATE SCHEMA {SCHEMA}")
        for table in _tables():
            cursor.execute(f"CREATE TABLE {SCHEMA}.{qn(table)} AS TABLE {qn(table)}")
            if cursor.rowcount:
                _filled[table] = _columns(cursor, table)
    if Path(media).exists():
        shutil.copytree(media, _media, dirs_exist_ok=True)


def drop() -> None:
    """Forget the snapshot (a backup of the test database should not carry it)."""
    _filled.clear()
    shutil.rmtree(_media, ignore_errors=True)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")


def taken() -> bool:
    return bool(_filled)


def restore(media_to: Path) -> None:
    """Make the database exactly the snapshot (committed), and copy the seed's photos."""
    qn = connection.ops.quote_name
    tables = _tables()
    assert _filled, "take() first"
    with transaction.atomic(), connection.cursor() as cursor:
        # Emptied first: a flush re-creates content types and permissions (post_migrate),
        # and the snapshot brings its own.
        cursor.execute(f"TRUNCATE {', '.join(qn(t) for t in tables)} CASCADE")
        for table, names in _filled.items():
            columns = ", ".join(qn(c) for c in names)
            cursor.execute(
                f"INSERT INTO {qn(table)} ({columns}) OVERRIDING SYSTEM VALUE "
                f"SELECT {columns} FROM {SCHEMA}.{qn(table)}"
            )
        models = apps.get_models(include_auto_created=True)
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
    shutil.copytree(_media, media_to, dirs_exist_ok=True)
