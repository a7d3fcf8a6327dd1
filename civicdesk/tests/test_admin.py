"""The Django admin: every registered model's pages work, issues are for looking only,
citizens' personal data is for superusers only, and lists do a bounded number of queries."""

import json

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from civicdesk.accounts.models import ApiToken, Citizen, User
from civicdesk.accounts.services import authenticate_token, issue_api_token
from civicdesk.activities.models import Activity, ActivityStatus
from civicdesk.activities.services import create_activity, update_activity
from civicdesk.catalogue.models import IssueType
from civicdesk.issues.models import Issue, Photo
from civicdesk.issues.services import (
    Contact,
    answer_info,
    give_feedback,
    push,
    request_info,
)
from civicdesk.places.models import Area, Jurisdiction
from conftest import report_outage

REGISTERED = sorted(admin.site._registry, key=lambda model: model._meta.label)


def report(jurisdiction: Jurisdiction, reporter: Contact | None = None) -> Issue:
    return report_outage(jurisdiction, reporter)


def url(model: type, view: str, *args: object) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def issue(jurisdiction, wards, electricity, power_outage, reporter) -> Issue:
    return report(jurisdiction, reporter)


@pytest.fixture
def world(issue, programme, staff, dispatcher, roads, neighbour) -> Issue:
    """One issue through its whole life, so that every admin has rows to show."""
    push(issue, neighbour)
    request_info(issue, staff, "Which street?")
    answer_info(issue, issue.reporter, "Commissioner Street")
    activity = create_activity(programme, staff, title="Replace transformer", issues=[issue])
    update_activity(activity, staff, status=ActivityStatus.COMPLETED, public_summary="Done")
    give_feedback(issue, issue.reporter, rating=4, fixed=True, comment="Thanks")
    Photo.objects.create(issue=issue, image="photos/2026/01/outage.jpg")
    issue_api_token(staff, name="staff tool")
    return issue


@pytest.fixture
def staff_with_all_permissions(db) -> User:
    user = User.objects.create_user("clerk", password="x", is_staff=True)
    user.user_permissions.set(Permission.objects.all())
    return user


@pytest.mark.parametrize("model", REGISTERED, ids=[m._meta.label for m in REGISTERED])
def test_every_admin_page_opens_for_a_superuser(admin_client, admin_user, rf, world, model):
    model_admin = admin.site._registry[model]
    request = rf.get("/admin/")
    request.user = admin_user

    assert admin_client.get(url(model, "changelist")).status_code == 200
    assert admin_client.get(url(model, "changelist"), {"q": "1"}).status_code == 200
    if model_admin.has_add_permission(request):
        assert admin_client.get(url(model, "add")).status_code == 200
    obj = model_admin.get_queryset(request).first()
    if obj is not None:
        assert admin_client.get(url(model, "change", obj.pk)).status_code == 200


def test_the_admin_index_opens(admin_client, world):
    assert admin_client.get(reverse("admin:index")).status_code == 200


def test_the_issue_page_shows_the_reporter_as_a_link_without_contact_details(admin_client, world):
    response = admin_client.get(url(Issue, "change", world.pk))

    assert response.status_code == 200
    page = response.content.decode()
    assert url(Citizen, "change", world.reporter_id) in page
    for personal in ("lerato@example.org", "Lerato", "Mokoena", "Sipho", "555 0101"):
        assert personal not in page


def test_issues_cannot_be_added_or_changed_in_the_admin(admin_client, issue):
    assert admin_client.get(url(Issue, "add")).status_code == 403
    response = admin_client.post(url(Issue, "change", issue.pk), {"status": "closed"})
    assert response.status_code == 403
    issue.refresh_from_db()
    assert issue.status == "submitted"


def test_only_superusers_may_delete_issues(client, admin_client, staff_with_all_permissions, issue):
    client.force_login(staff_with_all_permissions)
    assert client.get(url(Issue, "change", issue.pk)).status_code == 200
    assert client.get(url(Issue, "delete", issue.pk)).status_code == 403
    assert admin_client.get(url(Issue, "delete", issue.pk)).status_code == 200


def test_issues_are_found_by_number(admin_client, issue):
    for term in (str(issue.pk), f"#{issue.pk}"):
        response = admin_client.get(url(Issue, "changelist"), {"q": term})
        assert list(response.context["cl"].result_list) == [issue]
    response = admin_client.get(url(Issue, "changelist"), {"q": "lerato@example.org"})
    assert list(response.context["cl"].result_list) == []


def test_staff_cannot_see_citizens_even_with_every_permission(
    client, rf, staff_with_all_permissions, issue
):
    client.force_login(staff_with_all_permissions)

    assert client.get(url(Citizen, "changelist")).status_code == 403
    assert client.get(url(Citizen, "change", issue.reporter_id)).status_code == 403
    index = client.get(reverse("admin:index")).content.decode()
    assert url(Citizen, "changelist") not in index
    request = rf.get("/admin/")
    request.user = staff_with_all_permissions
    citizen_admin = admin.site._registry[Citizen]
    found, _ = citizen_admin.get_search_results(request, Citizen.objects.all(), "lerato")
    assert not found.exists()


def test_superusers_find_citizens_export_and_erase_them_but_not_delete(admin_client, issue):
    response = admin_client.get(url(Citizen, "changelist"), {"q": "lerato"})

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [issue.reporter]
    # POPIA requests made by phone or in person (civicdesk/tests/test_privacy_erasure.py).
    actions = [name for name, _ in response.context["action_form"].fields["action"].choices]
    assert set(actions) == {"", "export_personal_data", "erase_personal_data"}
    assert admin_client.get(url(Citizen, "delete", issue.reporter_id)).status_code == 403


def test_the_revoke_action_revokes_the_selected_tokens(admin_client, staff, dispatcher):
    kept = issue_api_token(dispatcher)
    revoked = [issue_api_token(staff), issue_api_token(staff)]
    selected = ApiToken.objects.filter(user=staff)

    response = admin_client.post(
        url(ApiToken, "changelist"),
        {"action": "revoke_selected", "_selected_action": [t.pk for t in selected]},
        follow=True,
    )

    assert response.status_code == 200
    assert "Revoked 2 token(s)." in response.content.decode()
    assert all(authenticate_token(raw) is None for raw in revoked)
    assert authenticate_token(kept) == dispatcher
    assert not selected.filter(revoked_at=None).exists()


def test_token_pages_never_show_the_key_hash(admin_client, staff):
    issue_api_token(staff)
    token = ApiToken.objects.get()

    for page in (url(ApiToken, "changelist"), url(ApiToken, "change", token.pk)):
        assert token.key_hash not in admin_client.get(page).content.decode()


def test_an_area_shows_a_geometry_summary_not_the_polygon(admin_client, wards):
    area = Area.objects.get(name="Ward 124")

    page = admin_client.get(url(Area, "change", area.pk)).content.decode()

    assert "Polygon, " in page and " vertices" in page
    assert "coordinates" not in page


def test_a_jurisdiction_needs_a_real_time_zone(admin_client, db):
    data = {"slug": "tshwane", "name": "City of Tshwane", "time_zone": "Africa/Pretoria"}

    response = admin_client.post(url(Jurisdiction, "add"), data)

    assert response.status_code == 200
    assert "Unknown time zone" in response.content.decode()
    assert not Jurisdiction.objects.exists()


def test_a_list_question_without_values_is_refused(admin_client, jurisdiction):
    data = {
        "jurisdiction": jurisdiction.pk,
        "code": "water-leak",
        "name": "Water leak",
        "active": "on",
        "questions-TOTAL_FORMS": "1",
        "questions-INITIAL_FORMS": "0",
        "questions-0-order": "1",
        "questions-0-code": "size",
        "questions-0-description": "How big is the leak?",
        "questions-0-datatype": "singlevaluelist",
        "questions-0-variable": "on",
        "questions-0-values": "[]",
    }

    response = admin_client.post(url(IssueType, "add"), data)

    assert response.status_code == 200
    assert "A list question needs its allowed values" in response.content.decode()
    assert not IssueType.objects.exists()

    data["questions-0-values"] = json.dumps([{"key": "small", "name": "Small"}])
    assert admin_client.post(url(IssueType, "add"), data).status_code == 302
    assert IssueType.objects.get().questions.get().value_keys == ["small"]


def changelist_queries(client, model: type) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url(model, "changelist"))
    assert response.status_code == 200
    return len(queries), response.context["cl"].result_count


def test_the_issue_list_does_not_query_per_row(
    admin_client, jurisdiction, wards, electricity, roads, pothole, neighbour
):
    for _ in range(5):
        report(jurisdiction, neighbour)
    few, count = changelist_queries(admin_client, Issue)
    assert count == 5

    for _ in range(45):
        report(jurisdiction, neighbour)
    many, count = changelist_queries(admin_client, Issue)

    assert count == 50
    assert many == few
    # Session, user, the choices of the unit, issue type and jurisdiction filters, the
    # filtered and total counts, and one page of issues with their type, unit and area.
    assert many <= 8


def test_the_activity_list_counts_linked_issues_without_a_query_per_row(
    admin_client, jurisdiction, wards, electricity, programme, staff
):
    def add_activities(first: int, last: int) -> None:
        for number in range(first, last):
            issues = [report(jurisdiction) for _ in range(number % 3)]
            create_activity(programme, staff, title=f"Outage {number}", issues=issues)

    add_activities(0, 2)
    few, count = changelist_queries(admin_client, Activity)
    assert count == 2
    add_activities(2, 12)

    many, count = changelist_queries(admin_client, Activity)
    response = admin_client.get(url(Activity, "changelist"))

    assert count == 12
    assert many == few
    counts = {a.title: a.issue_total for a in response.context["cl"].result_list}
    assert [counts[f"Outage {n}"] for n in range(5)] == [0, 1, 2, 0, 1]
