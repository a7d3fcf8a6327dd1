"""The database cache's table (settings.CACHES without REDIS_URL), made by `migrate` so that
every site that migrates has it: rate limits cannot count without it. `createcachetable`
makes it too, and skips a table that exists."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor) -> None:
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = []

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
