from unittest import mock

from django.db import DatabaseError


def test_health_is_ok_when_the_database_answers(client, db):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_health_is_503_when_the_database_does_not(client, db):
    with mock.patch("civicdesk.health.connection.cursor", side_effect=DatabaseError("down")):
        response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


def test_the_home_page_leads_to_the_admin(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
