"""Prepared statements: stale ones prepared again, and none for value-sensitive reads.

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

PostgreSQL plans the first five runs of a prepared statement for their values, then may switch
to one generic plan for every value, chosen on estimates that know no value. For a range over
rows spread unevenly the two differ by far: the city calendar's list at ten times the demo data
read 15,000 dates through the day index to show 25 (131 ms) where the plan for the values reads
176 through the start index (4.5 ms), from the eleventh request of each connection on. Statements
naming a table of `registry.register_planned_per_run` are therefore run unprepared, planned for
their values each time; the others (the cast's, a person's own rows by key) keep the saving.
"""

from django.apps import apps
from django.db import NotSupportedError

from . import registry

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


def plan_value_sensitive_reads_per_run(sender, connection, **kwargs) -> None:
    """On each new PostgreSQL connection (the connection_created signal)."""
    if connection.vendor == "postgresql":
        tables = tuple(
            apps.get_model(label)._meta.db_table for label in sorted(registry.planned_per_run())
        )
        if tables:
            connection.execute_wrappers.append(_PlannedPerRun(connection, tables))


class _PlannedPerRun:
    def __init__(self, connection, tables: tuple[str, ...]):
        self.connection = connection
        self.tables = tables

    def __call__(self, execute, sql, params, many, context):
        if not any(table in sql for table in self.tables):
            return execute(sql, params, many, context)
        psycopg_connection = self.connection.connection
        threshold = psycopg_connection.prepare_threshold
        psycopg_connection.prepare_threshold = None
        try:
            return execute(sql, params, many, context)
        finally:
            psycopg_connection.prepare_threshold = threshold
