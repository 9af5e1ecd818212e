"""A statement prepared before a migration changed its table still runs after it
(collabcity/prepared_statements.py)."""

import psycopg
import pytest
from django.db import NotSupportedError, connection, transaction

from tests.db import connection_settings, prepared_statements_naming

PROBE = "stale_plan_probe"


def migrate_elsewhere(sql: str) -> None:
    """DDL from another session, as the deploy's `migrate` runs beside the web processes."""
    with psycopg.connect(**connection_settings(), autocommit=True) as other:
        other.execute(sql)


@pytest.fixture
def probe_table(transactional_db):
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {PROBE} (id int)")
        cursor.execute(f"INSERT INTO {PROBE} VALUES (1)")  # noqa: S608
    yield
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {PROBE}")


def read_probe() -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {PROBE} WHERE id = %s", [1])  # noqa: S608
        return cursor.fetchone()


def test_a_column_added_by_a_migration_does_not_break_a_prepared_read(probe_table):
    for _ in range(6):
        assert read_probe() == (1,)
    assert prepared_statements_naming(PROBE) == 1
    migrate_elsewhere(f"ALTER TABLE {PROBE} ADD COLUMN name text DEFAULT 'nuova'")
    assert read_probe() == (1, "nuova")
    assert read_probe() == (1, "nuova")  # and prepared afresh, with the new columns


def test_in_a_transaction_the_error_stands_and_the_rollback_clears_the_way(probe_table):
    for _ in range(6):
        read_probe()
    migrate_elsewhere(f"ALTER TABLE {PROBE} ADD COLUMN name text DEFAULT 'nuova'")
    with pytest.raises(NotSupportedError), transaction.atomic():
        read_probe()
    assert read_probe() == (1, "nuova")
