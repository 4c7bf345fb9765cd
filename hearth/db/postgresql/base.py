"""Django's PostgreSQL backend, with one retry of a read that finds its connection dead.

The pool checks each connection when it is taken (CONN_HEALTH_CHECKS), which catches the
connections PostgreSQL closed while they waited in the pool. What it cannot catch is a
connection killed while a request holds it (PostgreSQL restarted, a failover, an idle
timeout in a proxy): the request's next query failed with "server closed the connection
unexpectedly" or "the connection is closed", and the request answered 500.

Here, when a query fails and its connection is dead (closed or broken, not merely an error in
the query), the query is run again once on a fresh connection from the pool, provided that
doing so cannot do anything twice: the connection is in autocommit (not inside a
transaction, whose earlier statements died with the connection) and the statement only reads
(a SELECT). Whatever the request wrote before had already committed. A write, or a query in
a transaction, still fails as before: whether it happened is unknown, so it is not repeated.
"""

from __future__ import annotations

import contextlib
import logging
import re

from django.db import InterfaceError, OperationalError
from django.db.backends.postgresql import base
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper

logger = logging.getLogger("hearth.db")

READ = re.compile(r"\s*\(?\s*SELECT\b", re.IGNORECASE)


class _Reconnecting:
    def execute(self, sql, params=None):
        try:
            return super().execute(sql, params)
        except (OperationalError, InterfaceError):
            if not self._may_run_again(sql):
                raise
        self._reconnect()
        return super().execute(sql, params)

    def _may_run_again(self, sql) -> bool:
        db = self.db
        raw = db.connection
        dead = raw is None or raw.closed or getattr(raw, "broken", False)
        return bool(
            dead
            and not db.in_atomic_block
            and db.autocommit
            and not getattr(self.cursor, "name", None)  # a server-side cursor's state is lost
            and isinstance(sql, str)
            and READ.match(sql)
        )

    def _reconnect(self) -> None:
        logger.warning("database connection lost under a read; running it again on a fresh "
                       "connection")
        with contextlib.suppress(Exception):  # it belongs to the dead connection
            self.cursor.close()
        self.db.close()  # back to the pool, which discards a broken connection
        self.db.ensure_connection()
        self.cursor = self.db.create_cursor()


class ReconnectingCursorWrapper(_Reconnecting, CursorWrapper):
    pass


class ReconnectingCursorDebugWrapper(_Reconnecting, CursorDebugWrapper):
    pass


class DatabaseWrapper(base.DatabaseWrapper):
    def make_cursor(self, cursor):
        return ReconnectingCursorWrapper(cursor, self)

    def make_debug_cursor(self, cursor):
        return ReconnectingCursorDebugWrapper(cursor, self)
