"""Reports read from the replica for reports when one is configured: the SLA report (page,
CSV, API, transparency figures) and open data run their queries on the "reports" alias and
none on the default database. Here the alias is a second connection to the test database,
as a streaming replica would be a second server with the same rows."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.db import DEFAULT_DB_ALIAS, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from civicdesk.issues.models import Issue
from civicdesk.issues.services import Contact
from civicdesk.replicas import REPORTS_ALIAS, reports_database
from civicdesk.reports.sla import Dimension, sla_report
from conftest import report_outage

# The replica's connection sees only committed rows, as a real replica does.
pytestmark = pytest.mark.django_db(transaction=True)

ISSUES_TABLE = Issue._meta.db_table


@contextmanager
def reports_replica() -> Iterator[None]:
    """The "reports" alias, on the same database as the default one, for one block. Its
    connection is opened here and kept (CONN_MAX_AGE None): the test case refuses to open
    connections to aliases it was not told about."""
    settings = dict(connections[DEFAULT_DB_ALIAS].settings_dict, CONN_MAX_AGE=None)
    connections.settings[REPORTS_ALIAS] = settings
    try:
        connections[REPORTS_ALIAS].connect()
        yield
    finally:
        connections[REPORTS_ALIAS].close()
        del connections[REPORTS_ALIAS]
        del connections.settings[REPORTS_ALIAS]


@contextmanager
def queries_on_both() -> Iterator[tuple[CaptureQueriesContext, CaptureQueriesContext]]:
    with (
        CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as default,
        CaptureQueriesContext(connections[REPORTS_ALIAS]) as replica,
    ):
        yield default, replica


def reading_issues(captured: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if ISSUES_TABLE in q["sql"]]


@pytest.fixture
def outages(wards, electricity) -> list[Issue]:
    return [
        report_outage(electricity.jurisdiction, Contact(email=f"r{n}@example.org"))
        for n in range(3)
    ]


def test_without_a_replica_reports_read_the_default_database(outages):
    assert reports_database() == DEFAULT_DB_ALIAS
    now = timezone.now()
    with CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as default:
        [row] = sla_report(Issue.objects.all(), now - timedelta(days=1), now + timedelta(1))
    assert row.reported == 3
    assert reading_issues(default)


def test_the_sla_report_reads_the_replica(outages):
    now = timezone.now()
    with reports_replica():
        assert reports_database() == REPORTS_ALIAS
        with queries_on_both() as (default, replica):
            [row] = sla_report(
                Issue.objects.all(),
                now - timedelta(days=1),
                now + timedelta(days=1),
                [Dimension.UNIT],
            )
    assert (row.reported, row.labels) == (3, ("Electricity",))
    assert reading_issues(replica)
    assert not default.captured_queries


def test_the_report_api_and_transparency_page_read_the_replica(client, outages, dispatcher):
    client.force_login(dispatcher)
    with reports_replica(), queries_on_both() as (default, replica):
        body = client.get("/api/v1/reports/sla", {"group_by": "unit"}).json()
        page = client.get("/reports/transparency/")
    assert body["total"]["reported"] == 3, body
    assert page.status_code == 200
    assert reading_issues(replica)
    # The default database serves the session and the user, never the issues.
    assert not reading_issues(default)


def test_open_data_reads_the_replica(client, outages):
    with reports_replica(), queries_on_both() as (default, replica):
        response = client.get("/open-data/issues.csv")
        body = b"".join(response.streaming_content).decode()
    assert len(body.strip().splitlines()) == 1 + 3
    assert reading_issues(replica)
    assert not reading_issues(default)
