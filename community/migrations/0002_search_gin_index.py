from django.db import migrations


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS community_post_search_gin "
        "ON community_post USING gin (search_vector)"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS community_post_search_gin")


class Migration(migrations.Migration):
    """A GIN index for full-text search on PostgreSQL; SQLite searches without one."""

    dependencies = [("community", "0001_initial")]

    operations = [migrations.RunPython(create_index, drop_index)]
