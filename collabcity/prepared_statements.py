"""Prepared statements that a migration made stale are prepared again, not left failing.

With DB_PREPARE_THRESHOLD (settings.py) psycopg prepares a statement the fifth time a connection
runs it. When a migration run by another process changes the columns a prepared statement
returns (a column added to a table read with `*`, a column's type changed), PostgreSQL refuses
to run it again: "cached plan must not change result type". psycopg forgets its prepared
statements only when the connection itself runs DDL or rolls back, so a long-lived connection
of a web process that kept serving through the deploy's `migrate` would fail on that statement
until it closed. PostgreSQL refuses the statement before running any of it, so outside a
transaction it is simply run again, after DEALLOCATE ALL, which psycopg recognises and empties its
own cache with; inside one the error stands (the transaction is aborted), and the rollback that
follows empties the cache.
"""

from django.db import NotSupportedError

STALE_PLAN = "cached plan must not change result type"


def prepare_again_after_migrations(sender, connection, **kwargs) -> None:
    """On each new PostgreSQL connection (the connection_created signal)."""
    if connection.vendor == "postgresql":
        connection.execute_wrappers.append(_StalePlanRetry(connection))


class _StalePlanRetry:
    def __init__(self, connection):
        self.connection = connection

    def __call__(self, execute, sql, params, many, context):
        try:
            return execute(sql, params, many, context)
        except NotSupportedError as error:
            if STALE_PLAN not in str(error) or self.connection.in_atomic_block:
                raise
            self.connection.connection.execute("DEALLOCATE ALL", prepare=False)
            return execute(sql, params, many, context)
