from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION moderation_auditlog_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS moderation_auditlog_no_change ON moderation_auditlog;
CREATE TRIGGER moderation_auditlog_no_change
    BEFORE UPDATE OR DELETE ON moderation_auditlog
    FOR EACH ROW EXECUTE FUNCTION moderation_auditlog_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS moderation_auditlog_no_change ON moderation_auditlog;
DROP FUNCTION IF EXISTS moderation_auditlog_append_only();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    """On PostgreSQL the database itself refuses to change or delete an audit row."""

    dependencies = [("moderation", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
