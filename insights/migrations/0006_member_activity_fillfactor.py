"""Member facts rewritten in place (issue 24): each day's upsert rewrites the rows of the
members active that day; with room left on each page (fillfactor 50) PostgreSQL writes the
new version beside the old one (a HOT update, no index entry) and reclaims the old one when
it next reads the page, so the table stays near twice its live size instead of growing by a
copy of every active member's row each day (556 MB after a year at 100,000 members)."""

from django.db import migrations


def set_fillfactor(apps, schema_editor, value=50):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"ALTER TABLE insights_memberactivity SET (fillfactor = {int(value)})")


def reset_fillfactor(apps, schema_editor):
    set_fillfactor(apps, schema_editor, 100)


class Migration(migrations.Migration):

    dependencies = [("insights", "0005_live_day_indexes")]

    operations = [migrations.RunPython(set_fillfactor, reset_fillfactor)]
