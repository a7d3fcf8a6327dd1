from datetime import UTC, datetime

import pytest

from civicdesk.accounts.models import Citizen
from civicdesk.alerts.models import Alert
from civicdesk.rows import insert
from civicdesk.timeline.models import Event
from conftest import report_outage


@pytest.fixture
def outage(wards, electricity, jurisdiction, reporter):
    return report_outage(jurisdiction, reporter=reporter)


def test_rows_are_written_as_the_orm_would_and_get_their_keys(outage):
    at = datetime(2026, 11, 23, 8, 30, tzinfo=UTC)
    events = [
        Event(issue=outage, kind="note", note=f"row {n}", public=n % 2 == 0, created_at=at)
        for n in range(3)
    ]
    insert(events)
    assert all(e.pk and not e._state.adding for e in events)
    stored = {e.pk: e for e in Event.objects.filter(kind="note")}
    assert [(stored[e.pk].note, stored[e.pk].public) for e in events] == [
        ("row 0", True),
        ("row 1", False),
        ("row 2", True),
    ]
    assert stored[events[0].pk].created_at == at
    assert stored[events[0].pk].issue_id == outage.pk


def test_json_and_literal_database_defaults_round_trip(outage):
    citizen = Citizen.objects.create(email="zanele@example.org", alert_channel="email")
    alert = Alert(citizen=citizen, channel="email", kind="issue_received", payload={"a": [1]})
    insert([alert])
    stored = Alert.objects.get(pk=alert.pk)
    assert stored.payload == {"a": [1]}
    assert stored.claim == ""


def test_nothing_to_write_is_no_statement(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        insert([])


def test_a_new_issue_and_the_rows_pointing_to_it_are_written_together(
    outage, django_assert_num_queries
):
    from django.db import connection

    from civicdesk.issues.models import Issue

    issue = Issue(
        jurisdiction=outage.jurisdiction,
        issue_type=outage.issue_type,
        lat=outage.lat,
        lon=outage.lon,
        description="written with its events",
    )
    events = [Event(issue=issue, kind=kind) for kind in ("reported", "routed")]
    alert = Alert(citizen=outage.reporter, channel="email", kind="issue_received", issue=issue)
    # One statement on PostgreSQL; one per model elsewhere.
    with django_assert_num_queries(1 if connection.vendor == "postgresql" else 3):
        insert([issue, *events, alert])
    assert issue.pk and issue.pk != outage.pk
    assert [e.issue_id for e in events] == [issue.pk, issue.pk]
    assert events[0].issue is issue  # the instance is kept, not read again
    assert sorted(Event.objects.filter(issue=issue).values_list("kind", flat=True)) == [
        "reported",
        "routed",
    ]
    assert Alert.objects.get(pk=alert.pk).issue_id == issue.pk
