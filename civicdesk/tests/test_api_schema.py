"""The answers django-ninja gives before an operation runs (401, a session's CSRF 403, 400
for an unreadable body, 422) are real and are in the OpenAPI document."""

import json

import pytest
from django.test import Client

from civicdesk.accounts.models import User
from civicdesk.accounts.services import issue_api_token
from civicdesk.issues.models import Issue


@pytest.fixture
def browser(db) -> Client:
    return Client(enforce_csrf_checks=True)


def test_no_credentials_at_all_is_a_401_not_a_csrf_failure(browser):
    response = browser.post("/api/v1/issues", "{}", content_type="application/json")
    assert response.status_code == 401
    assert response.json() == {"detail": "Unauthorized"}


def test_a_signed_in_session_still_needs_its_csrf_token(browser):
    browser.force_login(User.objects.create_user("amahle", password="x"))
    response = browser.post("/api/v1/issues/1/follow")
    assert response.status_code == 403
    assert response.json()["detail"]
    assert browser.get("/api/v1/me/issues").status_code == 200


def test_the_document_lists_credential_csrf_and_malformed_answers(browser):
    paths = json.loads(browser.get("/api/v1/openapi.json").content)["paths"]
    mine = paths["/api/v1/me/issues"]["get"]["responses"]
    assert {"200", "401", "422"} <= set(mine)
    assert mine["422"]["content"]["application/json"]["schema"]["$ref"].endswith("/Malformed")
    follow = paths["/api/v1/issues/{issue_id}/follow"]["post"]["responses"]
    assert {"200", "401", "403", "404", "422"} <= set(follow)
    timeline = paths["/api/v1/issues/{issue_id}/timeline"]["get"]["responses"]
    assert "401" not in timeline and "422" in timeline


@pytest.mark.parametrize("text", ["kerb\x00side", "kerb\ud800side"])
def test_text_no_database_stores_is_refused_before_it_reaches_one(client, db, text):
    """A NUL character was a 500 on PostgreSQL; a lone surrogate cannot be stored at all."""
    user = User.objects.create_user("amahle", password="x")
    headers = {"Authorization": f"Bearer {issue_api_token(user)}"}
    body = json.dumps({"service_code": "pothole", "description": text})
    response = client.post("/api/v1/issues", body, "application/json", headers=headers)
    assert response.status_code == 400
    assert response.json() == {"detail": "Cannot parse request body"}
    assert not Issue.objects.exists()


def test_a_nul_character_in_a_query_is_malformed(client, dispatcher):
    headers = {"Authorization": f"Bearer {issue_api_token(dispatcher)}"}
    response = client.get("/api/v1/issues", {"type": "pothole\x00"}, headers=headers)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "type"]
