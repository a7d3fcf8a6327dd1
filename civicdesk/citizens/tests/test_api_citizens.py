"""The citizens' JSON API end to end through Django's test client, with bearer tokens and
the browser session."""

import json
from datetime import datetime, timedelta

import pytest

from civicdesk.accounts.models import Citizen, User
from civicdesk.accounts.services import issue_api_token
from civicdesk.activities.services import create_activity, update_activity
from civicdesk.alerts.models import IssueAlertChoice
from civicdesk.following.models import ApiReport, Follow
from civicdesk.issues.models import Feedback, Issue, Push, Status
from civicdesk.issues.services import Contact, citizen_for, push, reject
from conftest import CARLTON_CENTRE, report_outage

MS = timedelta(milliseconds=1)
REPORT = {
    "service_code": "power-outage",
    "lat": CARLTON_CENTRE[0],
    "lon": CARLTON_CENTRE[1],
    "answers": {"extent": "street"},
    "description": "Whole block dark since 6 pm",
}


@pytest.fixture
def amahle(db) -> User:
    return User.objects.create_user("amahle", email="amahle@example.org", password="x")


@pytest.fixture
def api(client, amahle):
    """A client calling the API with Amahle's bearer token."""
    token = issue_api_token(amahle, "phone app")

    class Api:
        def call(self, method: str, path: str, body=None, **headers):
            return getattr(client, method)(
                f"/api/v1{path}",
                data=json.dumps(body) if body is not None else None,
                content_type="application/json",
                HTTP_AUTHORIZATION=f"Bearer {token}",
                **{f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()},
            )

    return Api()


@pytest.fixture
def outage(wards, electricity, reporter) -> Issue:
    return report_outage(electricity.jurisdiction, reporter)


def resolve(issue: Issue, programme, staff) -> None:
    activity = create_activity(programme, staff, title="Replace the cable", issues=[issue])
    update_activity(activity, staff, status="completed", public_summary="Cable replaced")


# Reporting


def test_reporting_returns_the_reference_and_both_deadlines(api, wards, electricity, amahle):
    response = api.call("post", "/issues", REPORT)
    assert response.status_code == 201, response.content
    body = response.json()
    issue = Issue.objects.get(pk=body["id"])
    assert body["reference"] == str(issue.pk)
    assert body["issue_type"] == {"code": "power-outage", "name": "Power outage"}
    assert body["response_due"] and body["resolution_due"]
    # JSON times are to the millisecond.
    assert abs(datetime.fromisoformat(body["response_due"]) - issue.response_due) < MS
    assert abs(datetime.fromisoformat(body["resolution_due"]) - issue.resolution_due) < MS
    assert issue.reporter == Citizen.objects.get(user=amahle)
    assert issue.source == "api"
    assert issue.unit == electricity


def test_a_retry_with_the_same_idempotency_key_makes_no_second_issue(api, wards, electricity):
    first = api.call("post", "/issues", REPORT, idempotency_key="offline-42")
    again = api.call("post", "/issues", REPORT, idempotency_key="offline-42")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == again.json()
    assert Issue.objects.count() == 1
    assert ApiReport.objects.get().issue_id == first.json()["id"]


def test_a_key_reused_for_a_different_report_is_refused(api, wards, electricity):
    api.call("post", "/issues", REPORT, idempotency_key="k1")
    other = api.call("post", "/issues", REPORT | {"description": "another"}, idempotency_key="k1")
    assert other.status_code == 400
    assert "Idempotency-Key" in other.json()["errors"]
    assert Issue.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"service_code": "no-such-type"}, "issue_type"),
        ({"lat": 51.5, "lon": -0.12}, "location"),
        ({"answers": {"extent": "galaxy"}}, "answers.extent"),
        ({"jurisdiction": "cape-town"}, "jurisdiction"),
    ],
)
def test_bad_reports_name_the_field_and_change_nothing(api, wards, electricity, change, field):
    response = api.call("post", "/issues", REPORT | change, idempotency_key="bad")
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]
    assert not Issue.objects.exists()
    assert not ApiReport.objects.exists()


def test_a_malformed_report_is_a_422_naming_the_field(api, wards, electricity):
    response = api.call("post", "/issues", REPORT | {"lat": "north"})
    assert response.status_code == 422
    assert any("lat" in error["loc"] for error in response.json()["detail"])
    assert not Issue.objects.exists()


def test_reporting_needs_a_token_or_a_session(client, wards, electricity, amahle):
    anonymous = client.post("/api/v1/issues", REPORT, content_type="application/json")
    assert anonymous.status_code == 401
    bad = client.post(
        "/api/v1/issues", REPORT, content_type="application/json", HTTP_AUTHORIZATION="Bearer x"
    )
    assert bad.status_code == 401
    client.force_login(amahle)
    signed_in = client.post("/api/v1/issues", REPORT, content_type="application/json")
    assert signed_in.status_code == 201
    assert not Issue.objects.exclude(pk=signed_in.json()["id"]).exists()


# My issues


def test_my_issues_lists_reported_pushed_and_followed_newest_first(
    api, outage, amahle, electricity
):
    mine = api.call("post", "/issues", REPORT).json()["id"]
    api.call("post", f"/issues/{outage.pk}/push")
    followed = report_outage(electricity.jurisdiction, Contact(email="other@example.org"))
    api.call("post", f"/issues/{followed.pk}/follow")
    report_outage(electricity.jurisdiction, Contact(email="stranger@example.org"))
    body = api.call("get", "/me/issues").json()
    assert body["count"] == 3
    relations = {item["id"]: item["relation"] for item in body["items"]}
    assert relations == {mine: "reported", outage.pk: "pushed", followed.pk: "following"}
    assert [item["id"] for item in body["items"]] == sorted(relations, reverse=True)
    assert body["items"][0]["sla_state"] == "on_track"
    page = api.call("get", "/me/issues?limit=2&offset=2").json()
    assert [item["id"] for item in page["items"]] == [outage.pk]


def test_my_issues_rejects_a_bad_page(api, db):
    assert api.call("get", "/me/issues?limit=1000").status_code == 422


def test_my_issues_makes_a_bounded_number_of_queries(
    api, amahle, wards, electricity, django_assert_max_num_queries
):
    for _ in range(3):
        api.call("post", "/issues", REPORT)
    with django_assert_max_num_queries(6):
        small = api.call("get", "/me/issues").json()
    for _ in range(12):
        api.call("post", "/issues", REPORT)
    with django_assert_max_num_queries(6):
        large = api.call("get", "/me/issues").json()
    assert (small["count"], large["count"], len(large["items"])) == (3, 15, 15)


# Push and unpush


def test_push_and_unpush_keep_the_count_right(api, outage, amahle):
    pushed = api.call("post", f"/issues/{outage.pk}/push")
    assert pushed.json() == {"issue": outage.pk, "pushed": True, "changed": True, "push_count": 1}
    again = api.call("post", f"/issues/{outage.pk}/push").json()
    assert (again["changed"], again["push_count"]) == (False, 1)
    withdrawn = api.call("delete", f"/issues/{outage.pk}/push").json()
    assert withdrawn == {"issue": outage.pk, "pushed": False, "changed": True, "push_count": 0}
    assert not Push.objects.exists()
    assert api.call("delete", f"/issues/{outage.pk}/push").json()["changed"] is False


def test_pushing_ones_own_report_or_a_closed_issue_is_refused(api, wards, electricity, dispatcher):
    own = api.call("post", "/issues", REPORT).json()["id"]
    response = api.call("post", f"/issues/{own}/push")
    assert response.status_code == 400
    assert "issue" in response.json()["errors"]
    other = report_outage(electricity.jurisdiction, Contact(email="other@example.org"))
    reject(other, dispatcher, "Not ours")
    closed = api.call("post", f"/issues/{other.pk}/push")
    assert closed.status_code == 400
    assert closed.json()["errors"]
    assert not Push.objects.exists()
    assert api.call("post", "/issues/999999/push").status_code == 404


# Follow


def test_following_and_unfollowing_an_issue_one_did_not_report(api, outage, amahle):
    body = api.call("post", f"/issues/{outage.pk}/follow").json()
    assert body == {"issue": outage.pk, "following": True, "changed": True}
    assert api.call("post", f"/issues/{outage.pk}/follow").json()["changed"] is False
    assert Follow.objects.filter(issue=outage, citizen__user=amahle).count() == 1
    assert api.call("delete", f"/issues/{outage.pk}/follow").json()["changed"] is True
    assert not Follow.objects.exists()


def test_unfollowing_ones_own_report_chooses_none_until_following_again(api, wards, electricity):
    own = api.call("post", "/issues", REPORT).json()["id"]
    assert api.call("delete", f"/issues/{own}/follow").json()["changed"] is True
    assert IssueAlertChoice.objects.filter(issue_id=own, channel="none").exists()
    assert api.call("post", f"/issues/{own}/follow").json()["changed"] is True
    assert not IssueAlertChoice.objects.exists()
    assert not Follow.objects.exists()


# Feedback


def test_feedback_on_a_resolution_by_the_reporter_closes_or_reopens(
    api, wards, electricity, programme, staff
):
    fixed_one = api.call("post", "/issues", REPORT).json()["id"]
    broken_one = api.call("post", "/issues", REPORT).json()["id"]
    resolve(Issue.objects.get(pk=fixed_one), programme, staff)
    resolve(Issue.objects.get(pk=broken_one), programme, staff)
    closed = api.call("post", f"/issues/{fixed_one}/feedback", {"rating": 5, "fixed": True})
    assert closed.status_code == 201
    assert closed.json()["status"] == Status.CLOSED
    reopened = api.call(
        "post",
        f"/issues/{broken_one}/feedback",
        {"rating": 1, "fixed": False, "comment": "Still dark"},
    )
    assert reopened.json()["status"] == Status.REOPENED
    assert Feedback.objects.get(issue_id=broken_one).comment == "Still dark"


def test_bad_feedback_names_the_field_and_changes_nothing(api, outage, programme, staff, amahle):
    push(outage, citizen_for(Contact(user=amahle)))
    too_early = api.call("post", f"/issues/{outage.pk}/feedback", {"rating": 4, "fixed": True})
    assert too_early.status_code == 400
    resolve(outage, programme, staff)
    out_of_range = api.call("post", f"/issues/{outage.pk}/feedback", {"rating": 9, "fixed": True})
    assert out_of_range.status_code == 400
    assert "rating" in out_of_range.json()["errors"]
    missing = api.call("post", f"/issues/{outage.pk}/feedback", {"rating": 3})
    assert missing.status_code == 422
    assert not Feedback.objects.exists()
    assert Issue.objects.get(pk=outage.pk).status == Status.RESOLVED


# Timeline


def test_the_public_timeline_has_events_and_work_summaries_but_nothing_personal(
    client, outage, programme, staff, amahle
):
    push(outage, Contact(name="Marker Name Zanele", email="zanele-marker@example.org"))
    resolve(outage, programme, staff)
    response = client.get(f"/api/v1/issues/{outage.pk}/timeline?limit=100")  # anonymous
    assert response.status_code == 200
    body = response.json()
    kinds = [item["kind"] for item in body["items"]]
    assert kinds[:3] == ["reported", "routed", "pushed"]
    assert "activity_summary" in kinds
    summary = next(i for i in body["items"] if i["kind"] == "activity_summary")
    assert summary["note"] == "Cable replaced"
    assert body["count"] == len(body["items"])
    text = response.content.decode()
    for marker in ("Lerato", "lerato@", "Zanele", "zanele-marker", "thandi"):
        assert marker not in text
    assert not any(item["note"] for item in body["items"] if item["kind"] == "info_given")


def test_the_timeline_pages_and_counts(client, outage):
    for n in range(5):
        push(outage, Contact(email=f"p{n}@example.org"))
    full = client.get(f"/api/v1/issues/{outage.pk}/timeline?limit=100").json()
    page = client.get(f"/api/v1/issues/{outage.pk}/timeline?limit=3&offset=2").json()
    assert page["count"] == full["count"] == 7
    assert page["items"] == full["items"][2:5]
    assert client.get("/api/v1/issues/999999/timeline").status_code == 404


def test_the_openapi_document_lists_the_citizen_operations(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert set(paths["/api/v1/issues"]) >= {"post"}
    assert "get" in paths["/api/v1/me/issues"]
    assert set(paths["/api/v1/issues/{issue_id}/push"]) >= {"post", "delete"}
    assert set(paths["/api/v1/issues/{issue_id}/follow"]) >= {"post", "delete"}
    assert "post" in paths["/api/v1/issues/{issue_id}/feedback"]
    assert "get" in paths["/api/v1/issues/{issue_id}/timeline"]
