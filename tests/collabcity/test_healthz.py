import pytest
from django.db import connection

from tests.collabcity.test_notifications import UNREACHABLE_BROKER, broker_at


def test_healthz_reports_database_and_broker_ok(client, db):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_stays_up_but_reports_an_unreachable_broker(client, db):
    with broker_at(UNREACHABLE_BROKER):
        response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "unavailable"}


@pytest.mark.django_db(transaction=True)
def test_healthz_answers_503_when_the_database_is_unreachable(client):
    original_port = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = "1"
    try:
        response = client.get("/healthz")
    finally:
        connection.close()
        connection.settings_dict["PORT"] = original_port

    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


def test_healthz_accepts_only_get(client, db):
    assert client.post("/healthz").status_code == 405
