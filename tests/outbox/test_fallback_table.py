"""The migrations alone make the table the cache falls back to while Redis is down.

Django's test setup creates every database cache's table itself, so a test database has
it whatever the migrations do; this test takes it away and lets the migrations make it,
as on a server migrated with ``manage.py migrate``."""

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection

pytestmark = pytest.mark.django_db(transaction=True)


def _tables() -> set[str]:
    return set(connection.introspection.table_names())


def test_migrating_makes_the_fallback_cache_table_under_its_settings_name():
    table = caches["fallback"]._table
    call_command("migrate", "outbox", "0003", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {connection.ops.quote_name(table)}")
    assert table not in _tables()

    call_command("migrate", "outbox", verbosity=0)

    assert table in _tables() and "fallback" not in _tables()
    caches["fallback"].set("civ-test-fallback", "kept", 60)
    assert caches["fallback"].get("civ-test-fallback") == "kept"
