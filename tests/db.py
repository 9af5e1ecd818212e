"""A second connection to the test database, as another web process or the server sees it."""

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
