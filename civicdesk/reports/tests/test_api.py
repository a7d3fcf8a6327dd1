"""GET /api/v1/reports/sla end to end: scoped to the token's user, grouped, validated."""

import pytest
from django.utils import timezone

from civicdesk.accounts.services import issue_api_token
from civicdesk.activities.services import create_activity, update_activity
from civicdesk.issues.services import Contact
from civicdesk.reports.working_time import measure_working_times
from conftest import report_outage

URL = "/api/v1/reports/sla"


@pytest.fixture
def reported(wards, electricity, roads, programme, staff):
    outages = [
        report_outage(electricity.jurisdiction, Contact(email=f"o{n}@example.org"))
        for n in range(2)
    ]
    report_outage(
        roads.jurisdiction, Contact(email="p@example.org"), issue_type_code="pothole", answers={}
    )
    activity = create_activity(programme, staff, title="Fix", issues=[outages[0]])
    update_activity(activity, staff, status="completed")
    measure_working_times()


def bearer(user) -> dict:
    return {"Authorization": f"Bearer {issue_api_token(user)}"}


def test_staff_get_their_units_rows_and_the_total(client, reported, staff):
    response = client.get(URL, {"group_by": "unit,month"}, headers=bearer(staff))
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["group_by"] == ["unit", "month"]
    assert body["to"] == timezone.localdate().isoformat()
    [row] = body["rows"]
    month = timezone.localdate().strftime("%Y-%m")
    assert row["group"]["unit"]["name"] == "Electricity"
    assert row["group"]["month"] == {"id": month, "name": month}
    assert (row["reported"], row["acknowledged"], row["resolved"]) == (2, 1, 1)
    assert row["resolved_within_target_percent"] == 100.0
    assert row["resolution_working_seconds"]["measured"] == 1
    assert body["total"]["reported"] == 2


def test_dispatchers_group_by_programme(client, reported, dispatcher):
    body = client.get(URL, {"group_by": "programme"}, headers=bearer(dispatcher)).json()
    assert [(r["group"]["programme"]["name"], r["reported"]) for r in body["rows"]] == [
        ("Electricity: Outage response", 1),
        ("No programme", 2),
    ]


def test_bad_questions_get_field_errors(client, reported, staff):
    headers = bearer(staff)
    response = client.get(URL, {"group_by": "colour"}, headers=headers)
    assert response.status_code == 400
    assert "group_by" in response.json()["errors"]
    response = client.get(URL, {"from": "2026-05-02", "to": "2026-05-01"}, headers=headers)
    assert response.status_code == 400
    assert "to" in response.json()["errors"]
    assert client.get(URL, {"from": "someday"}, headers=headers).status_code == 422
    response = client.get(URL, {"group_by": "unit,area,month"}, headers=headers)
    assert response.status_code == 400
    assert "group_by" in response.json()["errors"]
