"""Timestamps read from PostgreSQL parsed by psycopg's C code, not by Django's Python loader.

For aware datetimes Django registers its own timestamptz loader on every connection
(django.db.backends.postgresql.psycopg_any.BaseTzLoader), a Python subclass of psycopg's Python
loader: each value is parsed in Python, about 4 µs, which was a third of the whole-city feed
at ten times the demo data. The loader here hands the text to psycopg's C loader and returns
the same instant in UTC, as Django does for a connection in UTC: about five times faster.
"""

import datetime

from psycopg import adapters, postgres
from psycopg.adapt import Loader
from psycopg.pq import Format

TIMESTAMPTZ_OID = postgres.types["timestamptz"].oid


class UtcTimestamptzLoader(Loader):
    # Django's create_cursor() compares it with the connection's time zone, and puts its own
    # loader back on a cursor where they differ.
    timezone = datetime.UTC

    def __init__(self, oid: int, context=None):
        super().__init__(oid, context)
        # psycopg's own loader for timestamptz: the C one where psycopg[binary] is installed.
        self._parse = adapters.get_loader(oid, Format.TEXT)(oid, context).load

    def load(self, data) -> datetime.datetime:
        return self._parse(data).astimezone(datetime.UTC)


def read_timestamps_in_c(sender, connection, **kwargs) -> None:
    """On each new PostgreSQL connection whose datetimes Django returns in UTC (USE_TZ, no
    TIME_ZONE of its own in DATABASES): the connection_created signal."""
    if connection.vendor == "postgresql" and connection.timezone == datetime.UTC:
        connection.connection.adapters.register_loader(TIMESTAMPTZ_OID, UtcTimestamptzLoader)
