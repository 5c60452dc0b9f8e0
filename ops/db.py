"""Prepared statements for the few statements that run on every page.

Django's PostgreSQL cursors bind parameters on the client and never prepare, so
PostgreSQL parses and plans each statement again on every run. For a statement
that every request runs and whose plan does not depend on its parameters (the
access rules: 0.45 of its 0.6 ms went to parsing and planning), ``prepared_cursor``
lets PostgreSQL keep the plan for the life of the connection.
"""

import contextlib

from django.db import connection
from django.db.backends.utils import CursorDebugWrapper


def _preparing_cursor_class():
    import psycopg

    class PreparingCursor(psycopg.Cursor):
        """Binds server-side and has psycopg prepare what it runs, from the first run on; psycopg
        names the statements, keeps at most ``prepared_max`` per connection and starts over on a
        new connection. With ``prepare_threshold`` unset on the connection (the setting
        ``DATABASE_PREPARED_STATEMENTS`` off), nothing is prepared and statements simply run."""

        def execute(self, query, params=None, *, prepare=True, binary=None):
            return super().execute(query, params, prepare=prepare, binary=binary)

    return PreparingCursor


class _PreparedDebugWrapper(CursorDebugWrapper):
    """Logs the statement with its parameters, as Django does for its server-side binding cursors
    (psycopg keeps no statement text for a prepared run, which Django's logging would read)."""

    def execute(self, sql, params=None):
        with self.debug_sql(self.db.ops.compose_sql(sql, params)):
            return super(CursorDebugWrapper, self).execute(sql, params)


@contextlib.contextmanager
def prepared_cursor():
    """A cursor of the default connection whose statements PostgreSQL prepares once per connection;
    Django's own cursor elsewhere. Wrapped as Django wraps its cursors, so that each statement is
    logged, counted by ``assertNumQueries`` and has its errors translated like any query."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            yield cursor
        return
    with connection.cursor():  # connects, checks the connection's health and thread, as any query
        pass
    raw = _preparing_cursor_class()(connection.connection)
    cursor = _PreparedDebugWrapper(raw, connection) if connection.queries_logged else connection.make_cursor(raw)
    with cursor:
        yield cursor
