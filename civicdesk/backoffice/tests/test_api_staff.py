"""The staff JSON API end to end with Django's test client and bearer tokens: units,
programmes, issues (scoped, filtered, paged), handling an issue and activities."""

import json
from datetime import UTC, datetime

import pytest

from civicdesk.accounts.models import User
from civicdesk.accounts.services import issue_api_token
from civicdesk.activities.models import Activity, ActivityIssue
from civicdesk.issues.models import Issue, Status
from civicdesk.issues.services import Contact
from civicdesk.units.models import Membership, Programme
from conftest import report_outage

API = "/api/v1"


class Caller:
    """A client that sends one user's bearer token."""

    def __init__(self, client, user: User) -> None:
        self.client = client
        self.headers = {"Authorization": f"Bearer {issue_api_token(user)}"}

    def get(self, path: str, params: dict | None = None):
        return self.client.get(API + path, params or {}, headers=self.headers)

    def send(self, method: str, path: str, body: dict | None = None):
        return getattr(self.client, method)(
            API + path,
            json.dumps(body) if body is not None else "",
            content_type="application/json",
            headers=self.headers,
        )

    def post(self, path: str, body: dict | None = None):
        return self.send("post", path, body)


@pytest.fixture
def road_crew(roads) -> User:
    user = User.objects.create_user("roads-crew", password="x", is_staff=True)
    Membership.objects.create(
        programme=Programme.objects.create(unit=roads, name="Potholes"), user=user
    )
    return user


@pytest.fixture
def outages(wards, electricity) -> list[Issue]:
    return [
        report_outage(electricity.jurisdiction, Contact(email=f"o{n}@example.org"))
        for n in range(3)
    ]


@pytest.fixture
def pothole_issue(wards, roads) -> Issue:
    return report_outage(
        roads.jurisdiction, Contact(email="p@example.org"), issue_type_code="pothole", answers={}
    )


@pytest.fixture
def as_staff(client, staff) -> Caller:
    return Caller(client, staff)


@pytest.fixture
def as_dispatch(client, dispatcher) -> Caller:
    return Caller(client, dispatcher)


@pytest.fixture
def as_roads(client, road_crew) -> Caller:
    return Caller(client, road_crew)


def test_every_operation_needs_a_valid_token_of_a_staff_member(client, outages, programme):
    operations = [
        ("get", "/units"),
        ("get", "/programmes"),
        ("get", "/issues"),
        ("post", f"/issues/{outages[0].pk}/acknowledge"),
        ("post", "/activities"),
        ("get", "/reports/sla"),
    ]
    for method, path in operations:
        assert getattr(client, method)(API + path).status_code == 401, path
        response = getattr(client, method)(API + path, headers={"Authorization": "Bearer nope"})
        assert response.status_code == 401, path
    citizen = Caller(client, User.objects.create_user("citizen", password="x"))
    assert citizen.get("/units").status_code == 403
    assert citizen.get("/issues").status_code == 403
    response = citizen.post(f"/issues/{outages[0].pk}/acknowledge", {})
    assert response.status_code == 403
    assert response.json()["detail"]
    assert Issue.objects.get(pk=outages[0].pk).status == Status.SUBMITTED


def test_units_and_programmes_are_those_the_caller_acts_for(
    as_staff, as_dispatch, roads, programme
):
    [unit] = as_staff.get("/units").json()
    assert unit["name"] == "Electricity"
    assert unit["issue_types"] == ["power-outage"]
    assert unit["programmes"] == [{"id": programme.pk, "name": "Outage response"}]
    assert unit["jurisdiction"] == "jhb" and unit["is_external"] is False
    assert [u["name"] for u in as_dispatch.get("/units").json()] == ["Electricity", "Roads"]
    assert [p["name"] for p in as_staff.get("/programmes").json()] == ["Outage response"]


def test_issues_are_scoped_filtered_and_paged(
    as_staff, as_dispatch, as_roads, outages, pothole_issue, django_assert_max_num_queries
):
    page = as_staff.get("/issues").json()
    assert page["count"] == 3
    assert [i["id"] for i in page["items"]] == sorted((o.pk for o in outages), reverse=True)
    item = page["items"][0]
    assert item["issue_type"] == {"code": "power-outage", "name": "Power outage"}
    assert item["unit"]["name"] == "Electricity" and item["area"]["name"] == "Ward 124"
    assert item["sla_state"] == "on_track" and item["activities"] == []
    assert "reporter" not in item and "o0@example.org" not in json.dumps(page)
    assert as_roads.get("/issues").json()["count"] == 1
    assert as_dispatch.get("/issues").json()["count"] == 4
    assert as_dispatch.get("/issues", {"type": "pothole"}).json()["items"][0]["id"] == (
        pothole_issue.pk
    )
    assert as_dispatch.get("/issues", {"unit": pothole_issue.unit_id}).json()["count"] == 1
    assert as_dispatch.get("/issues", {"area": outages[0].area_id}).json()["count"] == 4
    assert as_dispatch.get("/issues", {"sla_state": "breached"}).json()["count"] == 0
    assert as_dispatch.get("/issues", {"sla_state": ["on_track", "at_risk"]}).json()["count"] == 4
    as_staff.post(f"/issues/{outages[1].pk}/acknowledge", {})
    acknowledged = as_dispatch.get("/issues", {"status": ["acknowledged", "resolved"]}).json()
    assert [i["id"] for i in acknowledged["items"]] == [outages[1].pk]
    second = as_dispatch.get("/issues", {"limit": 2, "offset": 2}).json()
    assert (second["count"], second["limit"], second["offset"]) == (4, 2, 2)
    assert len(second["items"]) == 2
    assert as_dispatch.get("/issues", {"limit": 500}).status_code == 422
    # An offset past a 64-bit integer overflowed the database's OFFSET: a 500.
    assert as_dispatch.get("/issues", {"offset": 10**24}).status_code == 422
    # So was an id beyond 64 bits on SQLite.
    assert as_dispatch.get("/issues", {"unit": -(10**26)}).status_code == 422
    assert as_dispatch.get("/issues", {"area": 10**20}).status_code == 422
    assert as_dispatch.get("/issues", {"sla_state": "late"}).status_code == 422
    with django_assert_max_num_queries(8):
        assert len(as_dispatch.get("/issues", {"limit": 200}).json()["items"]) == 4


def test_acknowledging_is_for_the_issues_unit_only(as_staff, as_roads, outages):
    issue = outages[0]
    response = as_roads.post(f"/issues/{issue.pk}/acknowledge", {})
    assert response.status_code == 403
    assert Issue.objects.get(pk=issue.pk).status == Status.SUBMITTED
    response = as_staff.post(f"/issues/{issue.pk}/acknowledge", {"note": "Crew on the way"})
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "acknowledged"
    assert response.json()["responded_at"] is not None
    again = as_staff.post(f"/issues/{issue.pk}/acknowledge")
    assert again.status_code == 400
    assert "cannot be acknowledged" in again.json()["detail"]
    assert as_staff.post("/issues/999999/acknowledge", {}).status_code == 404


def test_dispatch_reroutes_to_a_unit_or_provider_with_its_reference(
    as_dispatch, as_roads, outages, roads
):
    issue = outages[0]
    response = as_dispatch.post(
        f"/issues/{issue.pk}/reroute",
        {"unit": roads.pk, "reason": "Cable in the road", "provider_reference": "RD-42"},
    )
    assert response.status_code == 200, response.json()
    assert response.json()["unit"] == {"id": roads.pk, "name": "Roads"}
    assert response.json()["provider_reference"] == "RD-42"
    bad = as_dispatch.post(f"/issues/{outages[1].pk}/reroute", {"unit": 999999})
    assert bad.status_code == 400
    assert "unit" in bad.json()["errors"]
    same = as_dispatch.post(f"/issues/{issue.pk}/reroute", {"unit": roads.pk})
    assert same.status_code == 400 and "unit" in same.json()["errors"]
    # Now a Roads issue: Roads staff may send it back; Electricity's issues stay out of reach.
    assert as_roads.post(f"/issues/{outages[1].pk}/reroute", {"unit": roads.pk}).status_code == 403
    assert Issue.objects.get(pk=outages[1].pk).unit.name == "Electricity"


def test_unit_staff_rerouting_away_see_where_the_issue_went(as_staff, outages, roads):
    # The issue leaves the caller's scope as it is sent: the answer was a 500 (found by fuzzing).
    response = as_staff.post(f"/issues/{outages[0].pk}/reroute", {"unit": roads.pk})
    assert response.status_code == 200, response.content
    assert response.json()["unit"] == {"id": roads.pk, "name": "Roads"}
    assert as_staff.post(f"/issues/{outages[0].pk}/acknowledge", {}).status_code == 403


def test_rejecting_needs_a_reason_the_citizen_can_read(as_staff, outages):
    issue = outages[0]
    assert as_staff.post(f"/issues/{issue.pk}/reject", {}).status_code == 422
    blank = as_staff.post(f"/issues/{issue.pk}/reject", {"reason": "  "})
    assert blank.status_code == 400
    assert "reason" in blank.json()["errors"]
    assert Issue.objects.get(pk=issue.pk).status == Status.SUBMITTED
    done = as_staff.post(f"/issues/{issue.pk}/reject", {"reason": "Prepaid meter: call the vendor"})
    assert done.status_code == 200
    assert (done.json()["status"], done.json()["rejection_reason"]) == (
        "rejected",
        "Prepaid meter: call the vendor",
    )


def test_merging_closes_the_duplicate_into_an_issue_the_caller_acts_for(
    as_staff, as_dispatch, outages, pothole_issue
):
    duplicate, original = outages[1], outages[0]
    assert (
        as_staff.post(f"/issues/{duplicate.pk}/merge", {"into": pothole_issue.pk}).status_code
        == 403
    )
    assert as_staff.post(f"/issues/{duplicate.pk}/merge", {"into": 999999}).status_code == 400
    assert as_staff.post(f"/issues/{duplicate.pk}/merge", {"into": duplicate.pk}).status_code == 400
    assert Issue.objects.get(pk=duplicate.pk).status == Status.SUBMITTED
    response = as_staff.post(f"/issues/{duplicate.pk}/merge", {"into": original.pk})
    assert response.status_code == 200
    assert response.json()["id"] == original.pk and response.json()["push_count"] == 1
    merged = Issue.objects.get(pk=duplicate.pk)
    assert (merged.status, merged.duplicate_of_id) == (Status.DUPLICATE, original.pk)
    listed = as_dispatch.get("/issues", {"status": "duplicate"}).json()["items"]
    assert listed[0]["duplicate_of"] == original.pk


def test_an_activity_is_created_changed_and_completes_its_issues(as_staff, outages, programme):
    ids = [o.pk for o in outages]
    response = as_staff.post(
        "/activities",
        {
            "programme": programme.pk,
            "title": "Replace the Carlton transformer",
            "description": "Substation 4",
            "issue_ids": ids[:2],
        },
    )
    assert response.status_code == 201, response.json()
    activity = response.json()
    assert (activity["status"], activity["issue_ids"]) == ("planned", ids[:2])
    assert Issue.objects.get(pk=ids[0]).status == Status.ACKNOWLEDGED
    path = f"/activities/{activity['id']}"
    started = as_staff.send("patch", path, {"status": "in_progress", "progress": 30})
    assert started.status_code == 200
    assert (started.json()["status"], started.json()["progress"]) == ("in_progress", 30)
    assert Issue.objects.get(pk=ids[1]).status == Status.IN_PROGRESS
    assert as_staff.send("patch", path, {"progress": 150}).status_code == 422
    backwards = as_staff.send("patch", path, {"status": "planned"})
    assert backwards.status_code == 400 and "status" in backwards.json()["errors"]
    done = as_staff.send(
        "patch", path, {"status": "completed", "summary": "New transformer installed"}
    )
    assert done.status_code == 200
    assert (done.json()["progress"], done.json()["summary"]) == (100, "New transformer installed")
    assert set(Issue.objects.filter(pk__in=ids[:2]).values_list("status", flat=True)) == {
        Status.RESOLVED
    }
    assert Issue.objects.get(pk=ids[2]).status == Status.SUBMITTED
    closed = as_staff.send("patch", path, {"status": "in_progress"})
    assert closed.status_code == 400 and "status" in closed.json()["errors"]


def test_bad_activities_change_nothing(as_staff, as_roads, outages, programme, pothole_issue):
    blank = as_staff.post("/activities", {"programme": programme.pk, "title": " "})
    assert blank.status_code == 400 and "title" in blank.json()["errors"]
    unknown = as_staff.post("/activities", {"programme": 999999, "title": "X"})
    assert unknown.status_code == 400 and "programme" in unknown.json()["errors"]
    assert (
        as_roads.post("/activities", {"programme": programme.pk, "title": "X"}).status_code == 403
    )
    foreign = as_staff.post(
        "/activities",
        {"programme": programme.pk, "title": "X", "issue_ids": [outages[0].pk, pothole_issue.pk]},
    )
    assert foreign.status_code == 403
    missing = as_staff.post(
        "/activities", {"programme": programme.pk, "title": "X", "issue_ids": [999999]}
    )
    assert missing.status_code == 400 and "issue_ids" in missing.json()["errors"]
    assert not Activity.objects.exists()


def test_schedules_are_stored_in_utc_whatever_offset_python_allows(as_staff, programme):
    # PostgreSQL refuses offsets beyond ±15:59 (a 500, found by fuzzing); years at the edge
    # of the calendar leave it once in UTC.
    body = {"programme": programme.pk, "title": "Night shift"}
    far = as_staff.post("/activities", body | {"scheduled_start": "2026-12-01T10:00:00-18:21"})
    assert far.status_code == 201, far.json()
    activity = Activity.objects.get(pk=far.json()["id"])
    assert activity.scheduled_start == datetime(2026, 12, 2, 4, 21, tzinfo=UTC)
    edge = as_staff.post("/activities", body | {"scheduled_end": "0001-01-01T00:00:00+05:00"})
    assert edge.status_code == 422
    assert Activity.objects.count() == 1


def test_issues_are_linked_and_unlinked_in_bulk(
    as_staff, as_roads, as_dispatch, outages, programme, pothole_issue
):
    created = as_staff.post("/activities", {"programme": programme.pk, "title": "Cable fault"})
    path = f"/activities/{created.json()['id']}/issues"
    ids = [o.pk for o in outages]
    linked = as_staff.post(path, {"issue_ids": ids})
    assert linked.status_code == 200
    assert linked.json()["changed"] == 3
    assert linked.json()["activity"]["issue_ids"] == ids
    assert as_roads.post(path, {"issue_ids": [pothole_issue.pk]}).status_code == 403
    # The dispatcher may act for Roads' pothole, but it is not Electricity's to link.
    other_unit = as_dispatch.post(path, {"issue_ids": [pothole_issue.pk]})
    assert other_unit.status_code == 400 and "issue_ids" in other_unit.json()["errors"]
    assert as_staff.post(path, {"issue_ids": []}).status_code == 422
    assert as_staff.post(path, {"issue_ids": [999999]}).status_code == 400
    unlinked = as_staff.send("delete", path, {"issue_ids": [ids[0]]})
    assert unlinked.status_code == 200
    assert unlinked.json()["changed"] == 1
    assert unlinked.json()["activity"]["issue_ids"] == ids[1:]
    assert ActivityIssue.objects.count() == 2
    assert as_roads.send("delete", path, {"issue_ids": [ids[1]]}).status_code == 403
    assert ActivityIssue.objects.count() == 2


def test_the_openapi_document_lists_the_staff_operations(client, db):
    paths = client.get(f"{API}/openapi.json").json()["paths"]
    expected = {
        "/api/v1/units": {"get"},
        "/api/v1/programmes": {"get"},
        "/api/v1/issues": {"get"},
        "/api/v1/issues/{issue_id}/acknowledge": {"post"},
        "/api/v1/issues/{issue_id}/reroute": {"post"},
        "/api/v1/issues/{issue_id}/reject": {"post"},
        "/api/v1/issues/{issue_id}/merge": {"post"},
        "/api/v1/activities": {"post"},
        "/api/v1/activities/{activity_id}": {"patch"},
        "/api/v1/activities/{activity_id}/issues": {"post", "delete"},
        "/api/v1/reports/sla": {"get"},
    }
    for path, methods in expected.items():
        assert methods <= set(paths[path]), path
    assert paths["/api/v1/issues"]["get"]["security"]
