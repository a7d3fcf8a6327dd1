"""The per-issue mute became a per-issue choice of channel: existing mutes stay mutes."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from civicdesk.alerts.models import IssueAlertChoice
from civicdesk.issues.services import Contact
from conftest import report_outage

BEFORE = [("alerts", "0002_delivery_claims_preferences_push")]
AFTER = [("alerts", "0003_issue_mute_becomes_issue_alert_choice")]


@pytest.mark.django_db(transaction=True)
def test_existing_mutes_become_the_choice_none(wards, electricity):
    issue = report_outage(electricity.jurisdiction, Contact(email="lerato@example.org"))
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    IssueMute = executor.loader.project_state(BEFORE).apps.get_model("alerts", "IssueMute")
    IssueMute.objects.create(citizen_id=issue.reporter_id, issue_id=issue.pk)

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    # Back to the latest state: migrations that depend on this one were unapplied too.
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    choice = IssueAlertChoice.objects.get()
    assert (choice.citizen_id, choice.issue_id, choice.channel) == (
        issue.reporter_id,
        issue.pk,
        "none",
    )
