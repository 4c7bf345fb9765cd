"""Hearth's PostgreSQL backend for the test run, with a quicker flush.

A transactional test (and every test beside a live server or a worker process) ends with
Django's flush: one TRUNCATE of every table, then the post_migrate signal, which writes the
content types and permissions again. On PostgreSQL a TRUNCATE makes new files for each of
about 70 tables and their indexes, and the rows were written again each time: 5 to 15 s per
test on a loaded machine, for tables that hold a few rows. Here the flush deletes the rows
instead (foreign keys are checked at commit, so the order does not matter), keeps the rows
that migrations wrote and nothing in a test changes (content types, permissions, the site;
post_migrate still checks that they are all there), and truncates only the tables whose
triggers refuse a DELETE (the append-only audit log). The same empty tables, in about 0.2 s.
"""

from __future__ import annotations

from hearth.lib.db.postgresql import base
from hearth.lib.db.postgresql.base import DatabaseOperations as PostgresOperations

KEPT = frozenset({"django_content_type", "auth_permission", "django_site"})


class DatabaseOperations(PostgresOperations):
    _refusing_delete: frozenset[str] | None = None

    def _tables_refusing_delete(self) -> frozenset[str]:
        """Tables with a trigger of their own (such as the audit log's append-only one)."""
        if DatabaseOperations._refusing_delete is None:
            with self.connection.cursor() as cursor:
                cursor.execute("SELECT DISTINCT tgrelid::regclass::text FROM pg_trigger "
                               "WHERE NOT tgisinternal")
                DatabaseOperations._refusing_delete = frozenset(
                    name.strip('"') for (name,) in cursor.fetchall())
        return DatabaseOperations._refusing_delete

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        tables = [table for table in tables if table not in KEPT]
        if not tables:
            return []
        refusing = self._tables_refusing_delete()
        truncated = [table for table in tables if table in refusing]
        sql = ["SET CONSTRAINTS ALL DEFERRED;"]
        if truncated:
            sql.append(f"TRUNCATE {', '.join(self.quote_name(t) for t in truncated)} CASCADE;")
        # the models' own table names, quoted
        sql += [f"DELETE FROM {self.quote_name(table)};"  # noqa: S608
                for table in tables if table not in refusing]
        if reset_sequences:
            sequences = [seq for seq in self.connection.introspection.sequence_list()
                         if seq["table"] in tables]
            sql += self.sequence_reset_by_name_sql(style, sequences)
        return sql


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
