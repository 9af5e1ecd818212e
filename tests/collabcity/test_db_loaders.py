"""Timestamps read by psycopg's C loader (collabcity/db_loaders.py) are the instants Django's own
loader read, in UTC."""

import datetime
import zoneinfo

import pytest
from django.db import connection, transaction
from psycopg.pq import Format

from collabcity.db_loaders import TIMESTAMPTZ_OID, UtcTimestamptzLoader

ROME = zoneinfo.ZoneInfo("Europe/Rome")
INSTANTS = [
    datetime.datetime(2026, 3, 29, 1, 59, 59, 999999, tzinfo=ROME),  # the clock moves forward
    datetime.datetime(2026, 3, 29, 3, 0, tzinfo=ROME),
    datetime.datetime(2026, 10, 25, 2, 30, tzinfo=ROME),  # and back: 2:30 twice
    datetime.datetime(2026, 10, 25, 2, 30, fold=1, tzinfo=ROME),
    datetime.datetime(1, 1, 1, tzinfo=datetime.UTC),
    datetime.datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=datetime.UTC),
]
# In UTC: Python never finds a time of the repeated hour equal to one in another zone.
IN_UTC = [instant.astimezone(datetime.UTC) for instant in INSTANTS]


def read_back(instants):
    with connection.cursor() as cursor:
        cursor.execute("SELECT unnest(%s::timestamptz[])", [instants])
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.django_db
def test_the_portals_connections_read_timestamps_with_the_c_loader():
    connection.ensure_connection()
    loader = connection.connection.adapters.get_loader(TIMESTAMPTZ_OID, Format.TEXT)
    assert loader is UtcTimestamptzLoader


@pytest.mark.django_db
def test_timestamps_come_back_as_the_same_instants_in_utc():
    read = read_back(INSTANTS)
    assert read == IN_UTC
    assert all(value.tzinfo is datetime.UTC for value in read)
    assert read[2].hour == 0 and read[3].hour == 1  # the two 2:30 of the night of the change


@pytest.mark.django_db
def test_a_session_in_another_time_zone_still_reads_the_right_instant():
    # Django keeps its sessions in UTC; the loader does not depend on it.
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL TIME ZONE 'Europe/Rome'")
        read = read_back(INSTANTS[:4])
    assert read == IN_UTC[:4]
    assert all(value.tzinfo is datetime.UTC for value in read)
