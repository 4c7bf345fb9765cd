"""Indexes for insights' reads of the members who joined on given days (issue 24): today's
live chart bar (new accounts, new memberships), the education section's newcomers of the
days not settled yet, and the rollup of a day. Without them each read scans every account
or membership (100,000 members: 40-100 ms each)."""

from django.db import migrations

INDEXES = [
    ("insights_user_date_joined", "accounts_user", "date_joined"),
    ("insights_membership_joined", "community_membership", "joined_at"),
]


class Migration(migrations.Migration):

    dependencies = [
        ("insights", "0009_member_last"),
        ("community", "0001_initial"),
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({column})",
                          f"DROP INDEX IF EXISTS {name}")
        for name, table, column in INDEXES
    ]
