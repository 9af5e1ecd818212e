"""The test database as another web process or the server sees it, and what this connection
keeps in it."""

from django.db import connection


def connection_settings() -> dict:
    """psycopg.connect(**connection_settings()) reaches the database the tests use."""
    database = connection.settings_dict
    return {
        "dbname": database["NAME"],
        "user": database["USER"],
        "host": database["HOST"],
        "port": database["PORT"] or 5432,
        "password": database["PASSWORD"] or None,
    }


def prepared_statements_naming(table: str) -> int:
    """How many statements this connection has prepared that name `table`."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s", [f"%{table}%"]
        )
        return cursor.fetchone()[0]
