"""Indexes for insights' reads of the days not rolled up yet (today): by time, on tables of
other apps whose own reads never need them (issue 24). Without them reading today's
reactions scans all of them (0.2 s of a page at 2,000,000 reactions)."""

from django.db import migrations

INDEXES = [
    ("insights_reaction_created", "community_reaction", "created_at"),
    ("insights_threadread_visit", "community_threadread", "last_visit_at"),
    ("insights_user_last_seen", "accounts_user", "last_seen_at"),
]


class Migration(migrations.Migration):

    dependencies = [
        ("insights", "0004_member_activity"),
        ("community", "0001_initial"),
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({column})",
                          f"DROP INDEX IF EXISTS {name}")
        for name, table, column in INDEXES
    ]
