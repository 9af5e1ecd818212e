"""The first query of a request as the connection's health check.

With CONN_HEALTH_CHECKS Django sends "SELECT 1" before the first query of every request that
reuses a connection: a round trip on every page. The first query of nearly every request only
reads (the page cache's version, the signed-in person), so it checks the connection itself: if
the server dropped it, the connection is closed and the read asked again on a new one, as
Django's check would have done before it.
"""

from collections.abc import Callable
from typing import TypeVar

from django.db import InterfaceError, OperationalError

T = TypeVar("T")


def read_checking_connection(database, read: Callable[[], T]) -> T:
    """`read()`, a query that changes nothing, on `database` (a connection wrapper)."""
    checks_health = (
        database.health_check_enabled
        and not database.health_check_done
        and database.connection is not None
        and not database.in_atomic_block
    )
    if checks_health:
        database.health_check_done = True
    try:
        return read()
    except (InterfaceError, OperationalError):
        # Only a connection the server dropped: a timeout or a conflict on a healthy one is an
        # answer, not a reason to ask again.
        if not checks_health or not _dropped(database):
            raise
        database.close()
        return read()


def _dropped(database) -> bool:
    connection = database.connection  # psycopg's own: it knows without asking the server
    return connection is None or connection.closed or connection.broken
