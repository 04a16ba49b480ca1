"""The cache's fallback table under the name the settings give it (``civ_cache_fallback``).

0002 passed the cache's alias to ``createcachetable``, which takes table names: it made a
table called ``fallback`` that the cache never reads, so with Redis down every cache call
failed on a missing table (test databases hid it: Django's test setup creates the cache
tables itself). This creates the table from the settings and drops the misnamed one.
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    # With no names, Django's command creates the table of every database cache in the
    # settings (the "fallback" one); one that exists is left as it is.
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)
    schema_editor.execute("DROP TABLE IF EXISTS fallback")


class Migration(migrations.Migration):
    dependencies = [("outbox", "0003_line_channel")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
