"""The first query of a request checks the connection (collabcity/db_health.py): no "SELECT 1"
round trip before it, and a connection the server dropped is replaced, not a 500."""

import psycopg
import pytest
from django.db import connection, connections
from django.test import Client

from collabcity import page_cache
from collabcity.auth_backends import PortalBackend
from tests.db import connection_settings
from tests.factories import UserFactory


def drop_the_connection() -> int:
    """Have the server end this process's connection, as a restart or a failover would."""
    connection.ensure_connection()
    dropped = connection.connection.info.backend_pid
    with psycopg.connect(**connection_settings(), autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [dropped])
    connection.health_check_done = False  # as at the start of a request
    return dropped


@pytest.fixture
def no_select_1(monkeypatch):
    def second_round_trip(_database):
        pytest.fail('a "SELECT 1" before the first query')

    monkeypatch.setattr(type(connections["default"]), "is_usable", second_round_trip)


@pytest.mark.django_db(transaction=True)
def test_the_page_versions_query_replaces_a_dropped_connection(no_select_1):
    dropped = drop_the_connection()

    assert page_cache.current_version() >= 0
    assert connection.connection.info.backend_pid != dropped


@pytest.mark.django_db(transaction=True)
def test_the_signed_in_persons_query_replaces_a_dropped_connection(no_select_1):
    person = UserFactory()
    dropped = drop_the_connection()

    assert PortalBackend().get_user(person.pk) == person
    assert connection.connection.info.backend_pid != dropped


@pytest.mark.django_db(transaction=True)
def test_a_failing_query_inside_a_transaction_is_not_asked_again():
    """In a transaction a dropped connection loses the transaction: asking again on a new
    connection would read outside it, so the error goes up."""
    from django.db import OperationalError, transaction

    person = UserFactory()
    with pytest.raises(OperationalError), transaction.atomic():
        connection.health_check_done = False
        drop_the_connection()
        PortalBackend().get_user(person.pk)
    connection.close()


@pytest.mark.django_db(transaction=True)
def test_a_signed_in_page_after_a_dropped_connection(no_select_1):
    person = UserFactory()
    client = Client()
    client.force_login(person, backend="collabcity.auth_backends.PortalBackend")
    drop_the_connection()

    assert client.get("/notifiche/").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_an_error_on_a_healthy_connection_is_not_asked_again():
    """A statement timeout is an answer, not a dropped connection: no second try."""
    from django.db import OperationalError

    from collabcity.db_health import read_checking_connection

    connection.ensure_connection()
    connection.health_check_done = False
    tries = []

    def timed_out():
        tries.append(1)
        raise OperationalError("canceling statement due to statement timeout")

    with pytest.raises(OperationalError):
        read_checking_connection(connection, timed_out)
    assert tries == [1]
