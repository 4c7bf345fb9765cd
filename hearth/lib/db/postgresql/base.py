"""Django's PostgreSQL backend, with one retry of a statement that finds its connection dead,
when running it again cannot do anything twice.

The pool checks each connection when it is taken (CONN_HEALTH_CHECKS), which catches the
connections PostgreSQL closed while they waited in the pool. What it cannot catch is a
connection killed while a request holds it (PostgreSQL restarted, a failover, an idle
timeout in a proxy): the request's next statement failed with "server closed the connection
unexpectedly" or "the connection is closed", and the request answered 500.

Here, when a statement fails and its connection is dead (closed or broken, not merely an
error in the statement), it runs again once on a fresh connection from the pool if that is
safe:

- in autocommit, a read (SELECT, or WITH with no writing part): whatever ran before it had
  already committed;
- the first statement of a transaction (the outermost atomic block, no savepoint yet):
  nothing of the transaction reached the database, so it starts again on the fresh
  connection, inside the same atomic block.

Anything else fails as before: a write in autocommit may or may not have happened, and a
transaction that had done something died with its connection.

Also `prepared_cursor()` (through `hearth.lib.db.prepared_cursor`): a cursor whose statements
PostgreSQL plans once per connection (server-side binding, a prepared statement; psycopg names
and keeps them per connection), for a hot read whose planning costs more than running it.
Django's own cursors bind on the client and never prepare; with `prepare_threshold` set to
None in OPTIONS (a pooler in transaction mode, settings' DB_PGBOUNCER) nothing is prepared.
"""

from __future__ import annotations

import contextlib
import logging
import re

from django.db import InterfaceError, OperationalError
from django.db.backends.postgresql import base, operations
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper

logger = logging.getLogger("hearth.lib.db")

READ = re.compile(r"\s*\(?\s*SELECT\b", re.IGNORECASE)
# A WITH query is a read unless one of its parts writes (a data-modifying CTE)
WITH_READ = re.compile(r"\s*WITH\b", re.IGNORECASE)
WRITES = re.compile(r"\b(INSERT|UPDATE|DELETE|MERGE)\b", re.IGNORECASE)


def is_read(sql) -> bool:
    """A statement that changes nothing: SELECT, or WITH ... without a writing part."""
    if not isinstance(sql, str):
        return False
    return bool(READ.match(sql) or (WITH_READ.match(sql) and not WRITES.search(sql)))


# Django turns psycopg's prepared statements off unless OPTIONS names a threshold; its cursors
# bind on the client and never prepare anyway, so this only lets `PreparingCursor` prepare.
ONLY_WHEN_ASKED = 2**31 - 1

if base.is_psycopg3:

    class PreparingCursor(base.ServerBindingCursor):
        """Server-side binding, every statement prepared (when the connection allows it)."""

        def execute(self, query, params=None, *, prepare=None, binary=None):
            return super().execute(query, params, prepare=True, binary=binary)
else:  # pragma: no cover - Hearth runs psycopg 3
    PreparingCursor = None


class _Reconnecting:
    def execute(self, sql, params=None):
        db = self.db
        if db.in_atomic_block:
            db.statements_in_transaction += 1
        try:
            return super().execute(sql, params)
        except (OperationalError, InterfaceError):
            if not self._may_run_again(sql):
                raise
        logger.warning("database connection lost; the statement runs again on a fresh "
                       "connection")
        with contextlib.suppress(Exception):  # it belongs to the dead connection
            self.cursor.close()
        db.reconnect()
        self.cursor = (PreparingCursor(db.connection) if PreparingCursor is not None and
                       isinstance(self.cursor, PreparingCursor) else db.create_cursor())
        if db.in_atomic_block:
            db.statements_in_transaction += 1
        return super().execute(sql, params)

    def executemany(self, sql, param_list):
        if self.db.in_atomic_block:
            self.db.statements_in_transaction += 1
        return super().executemany(sql, param_list)

    def _may_run_again(self, sql) -> bool:
        db = self.db
        raw = db.connection
        dead = raw is None or raw.closed or bool(getattr(raw, "broken", False))
        if not dead or getattr(self.cursor, "name", None):  # a server-side cursor's state
            return False
        if not db.in_atomic_block:
            return bool(db.autocommit and is_read(sql))
        return (len(db.atomic_blocks) == 1 and not db.savepoint_ids
                and db.statements_in_transaction == 1)


class ReconnectingCursorWrapper(_Reconnecting, CursorWrapper):
    pass


class ReconnectingCursorDebugWrapper(_Reconnecting, CursorDebugWrapper):
    pass


class DatabaseOperations(operations.DatabaseOperations):
    def last_executed_query(self, cursor, sql, params):
        """A prepared statement's text is not kept by psycopg: the SQL with its parameters, as
        Django shows a server-side bound one (query logs, assertNumQueries' messages)."""
        if PreparingCursor is not None and isinstance(cursor, PreparingCursor):
            try:
                return self.compose_sql(sql, params)
            except Exception:  # noqa: BLE001 - as Django's: no text rather than an error
                return None
        return super().last_executed_query(cursor, sql, params)


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
    statements_in_transaction = 0

    def make_cursor(self, cursor):
        return ReconnectingCursorWrapper(cursor, self)

    def make_debug_cursor(self, cursor):
        return ReconnectingCursorDebugWrapper(cursor, self)

    def get_connection_params(self):
        params = super().get_connection_params()
        if base.is_psycopg3 and "prepare_threshold" not in self.settings_dict["OPTIONS"]:
            params["prepare_threshold"] = ONLY_WHEN_ASKED
        return params

    def prepared_cursor(self):
        """A cursor (wrapped as `cursor()`'s) whose statements are prepared: see the module."""
        if PreparingCursor is None:
            return self.cursor()
        self.ensure_connection()
        with self.wrap_database_errors:
            return self._prepare_cursor(PreparingCursor(self.connection))

    def _set_autocommit(self, autocommit):
        self.statements_in_transaction = 0
        super()._set_autocommit(autocommit)

    def reconnect(self) -> None:
        """Swap the dead connection for a fresh one from the pool, keeping the atomic block
        (if any) that was about to start its transaction."""
        dead, self.connection = self.connection, None
        with contextlib.suppress(Exception):
            pool = getattr(dead, "_pool", None)
            if pool is not None:
                pool.putconn(dead)  # the pool discards a broken connection
            else:
                dead.close()
        kept = None
        if self.in_atomic_block:
            kept = (list(self.atomic_blocks), self.commit_on_exit, list(self.run_on_commit))
        with self.wrap_database_errors:
            self.connect()
        if kept is not None:
            self.set_autocommit(False)
            self.atomic_blocks, self.commit_on_exit, self.run_on_commit = kept
            self.in_atomic_block = True
