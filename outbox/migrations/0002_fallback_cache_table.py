"""The table the cache falls back to while Redis is down (civportal/cache.py)."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    # Django's own command: creates the "fallback" cache's table if it does not exist.
    call_command("createcachetable", "fallback", database=schema_editor.connection.alias)


def drop_cache_table(apps, schema_editor):
    schema_editor.execute("DROP TABLE IF EXISTS civ_cache_fallback")


class Migration(migrations.Migration):
    dependencies = [("outbox", "0001_initial")]

    operations = [migrations.RunPython(create_cache_table, drop_cache_table)]
