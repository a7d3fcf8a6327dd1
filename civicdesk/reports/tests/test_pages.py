"""The staff SLA report page, its CSV export and the public transparency page, end to end
with Django's test client."""

import csv
import io

import pytest
from django.core.cache import cache
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from civicdesk.accounts.models import User
from civicdesk.activities.services import create_activity, update_activity
from civicdesk.issues.services import Contact, acknowledge
from civicdesk.reports.working_time import measure_working_times
from conftest import report_outage

MARKERS = ("Nomvula Markerface", "marker@example.org", "+27 82 000 1234", "MARKER-DESCRIPTION")


@pytest.fixture(autouse=True)
def fresh_cache(db):
    cache.clear()


@pytest.fixture
def issues(wards, electricity, roads, programme, staff):
    """Three power outages (one resolved through an activity, one acknowledged, one new)
    and two potholes, reported just now by people whose details must stay private."""
    reporter = Contact(name=MARKERS[0], email=MARKERS[1], phone=MARKERS[2])
    outages = [
        report_outage(electricity.jurisdiction, reporter, description=MARKERS[3]) for _ in range(3)
    ]
    potholes = [
        report_outage(
            roads.jurisdiction,
            Contact(email=f"road{n}@example.org"),
            issue_type_code="pothole",
            answers={},
        )
        for n in range(2)
    ]
    acknowledge(outages[1], staff)
    activity = create_activity(
        programme, staff, title="Replace the transformer", issues=[outages[0]]
    )
    update_activity(activity, staff, status="completed")
    measure_working_times()
    return outages, potholes


def rows_of(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    for name in ("reports:sla", "reports:sla-csv"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("backoffice:sign-in"))


def test_people_without_a_unit_are_refused(client, db):
    client.force_login(User.objects.create_user("citizen", password="x"))
    assert client.get(reverse("reports:sla")).status_code == 403
    assert client.get(reverse("reports:sla-csv")).status_code == 403


def test_unit_staff_see_their_units_figures_only(client, issues, staff):
    client.force_login(staff)
    response = client.get(reverse("reports:sla"))
    assert response.status_code == 200
    [row] = response.context["rows"]
    assert row.labels == ("Electricity",)
    assert (row.reported, row.acknowledged, row.resolved, row.open) == (3, 2, 1, 2)
    assert row.resolution_time.measured == 1
    page = response.content.decode()
    assert "Electricity" in page and "Roads" not in page
    assert "<svg" in page and "Responded within target" in page


def test_dispatchers_see_every_unit_and_can_group_twice(client, issues, dispatcher):
    client.force_login(dispatcher)
    response = client.get(reverse("reports:sla"), {"group_by": "unit", "then_by": "issue_type"})
    assert response.status_code == 200
    assert [r.labels for r in response.context["rows"]] == [
        ("Electricity", "Power outage"),
        ("Roads", "Pothole"),
    ]
    assert response.context["total"].reported == 5


def test_bad_periods_and_groupings_are_explained_next_to_the_fields(client, issues, staff):
    client.force_login(staff)
    response = client.get(
        reverse("reports:sla"), {"from": "2026-05-01", "to": "2026-04-01", "group_by": "unit"}
    )
    assert response.status_code == 400
    assert "The period ends before it starts." in response.content.decode()
    assert 'value="2026-05-01"' in response.content.decode()  # what was typed is kept
    response = client.get(reverse("reports:sla"), {"group_by": "unit", "then_by": "unit"})
    assert response.status_code == 400
    assert "Choose two different groupings." in response.content.decode()
    response = client.get(reverse("reports:sla-csv"), {"group_by": "colour"})
    assert response.status_code == 400
    assert b"group_by: Unknown grouping colour" in response.content


def test_the_csv_export_has_a_row_per_group_and_the_total(client, issues, dispatcher):
    client.force_login(dispatcher)
    today = timezone.localdate().isoformat()
    response = client.get(
        reverse("reports:sla-csv"), {"from": "2026-01-01", "to": today, "group_by": "unit"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = rows_of(response)
    assert [(r["unit"], r["reported"], r["resolved"]) for r in rows] == [
        ("Electricity", "3", "1"),
        ("Roads", "2", "0"),
        ("All", "5", "1"),
    ]
    assert rows[0]["responded_within_target_percent"] == "100.0"
    assert float(rows[0]["median_resolution_working_hours"]) < 1
    assert not any(marker in response.content.decode() for marker in MARKERS)


def test_the_report_page_costs_the_same_queries_for_few_or_more_issues(
    client, issues, dispatcher, electricity, django_assert_max_num_queries
):
    # Session, user, scope (2), and per report (rows, total, months): the aggregate, the
    # percentiles (SQLite) or the planner settings in a savepoint (PostgreSQL), the labels.
    limit = 20 if connection.vendor == "postgresql" else 14
    client.force_login(dispatcher)
    with django_assert_max_num_queries(limit):
        client.get(reverse("reports:sla"), {"group_by": "unit", "then_by": "month"})
    for n in range(20):
        report_outage(electricity.jurisdiction, Contact(email=f"more{n}@example.org"))
    with django_assert_max_num_queries(limit):
        response = client.get(reverse("reports:sla"), {"group_by": "unit", "then_by": "month"})
    assert response.context["total"].reported == 25


def test_the_transparency_page_is_public_and_shows_no_one(client, issues):
    response = client.get(reverse("reports:transparency"))
    assert response.status_code == 200
    page = response.content.decode()
    units = {r.labels[0]: r for r in response.context["units"]}
    assert set(units) == {"Electricity", "Roads"}
    assert units["Electricity"].reported == 3
    assert "Electricity" in page and "<svg" in page
    for marker in MARKERS:
        assert marker not in page
