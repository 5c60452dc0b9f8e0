"""Prepared statements for the few statements that run on every page.

Django's PostgreSQL cursors bind parameters on the client and never prepare, so
PostgreSQL parses and plans each statement again on every run. For a statement
that every request runs and whose plan does not depend on its parameters (the
access rules: 0.45 of its 0.6 ms went to parsing and planning),
``fetchall_prepared`` lets PostgreSQL keep the plan for the life of the connection.
"""

import psycopg
from django.db import DatabaseError, connection
from django.db.backends.utils import CursorDebugWrapper

# PostgreSQL errors of a prepared statement that a new connection cures: its plan no longer fits
# the tables (a migration changed a column's type under a running process: « cached plan must not
# change result type »), or it is gone (a pooler or an administrator deallocated it).
_STALE_PREPARED = {"0A000", "26000"}


class _PreparingCursor(psycopg.Cursor):
    """Binds server-side and has psycopg prepare what it runs, from the first run on; psycopg names
    the statements, keeps at most ``prepared_max`` per connection and starts over on a new
    connection or after a rollback. With ``prepare_threshold`` unset on the connection
    (``DATABASE_PREPARED_STATEMENTS`` off), nothing is prepared and statements simply run."""

    def execute(self, query, params=None, *, prepare=True, binary=None):
        return super().execute(query, params, prepare=prepare, binary=binary)


class _PreparedDebugWrapper(CursorDebugWrapper):
    """Logs the statement with its parameters, as Django does for its server-side binding cursors
    (psycopg keeps no statement text for a prepared run, which Django's logging would read)."""

    def execute(self, sql, params=None):
        with self.debug_sql(self.db.ops.compose_sql(sql, params)):
            return super(CursorDebugWrapper, self).execute(sql, params)


def _fetchall(statement, params):
    with connection.cursor():  # connects, checks the connection's health and thread, as any query
        pass
    raw = _PreparingCursor(connection.connection)
    # Wrapped as Django wraps its own cursors: logged, counted by assertNumQueries, errors translated.
    cursor = _PreparedDebugWrapper(raw, connection) if connection.queries_logged else connection.make_cursor(raw)
    with cursor:
        cursor.execute(statement, params)
        return cursor.fetchall()


def fetchall_prepared(statement, params=()):
    """Rows of ``statement`` on the default connection, prepared once per connection on PostgreSQL
    (run as any query elsewhere)."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(statement, params)
            return cursor.fetchall()
    try:
        return _fetchall(statement, params)
    except DatabaseError as error:
        stale = getattr(error.__cause__, "sqlstate", None) in _STALE_PREPARED
        # Inside a transaction the error stands (its rollback clears psycopg's statements); outside,
        # every page of this connection would fail the same way until it closed: start a new one.
        if not stale or connection.in_atomic_block:
            raise
        connection.close()
        return _fetchall(statement, params)
