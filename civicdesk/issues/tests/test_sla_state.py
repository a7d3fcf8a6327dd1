from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from civicdesk.activities.models import ActivityStatus
from civicdesk.activities.services import create_activity, update_activity
from civicdesk.issues.models import Issue
from civicdesk.issues.services import reject
from civicdesk.issues.sla_state import with_sla_state
from civicdesk.slawatch.services import sweep
from civicdesk.timekeeping import as_of
from conftest import report_outage

SAST = ZoneInfo("Africa/Johannesburg")
T0 = datetime(2026, 11, 2, 9, 0, tzinfo=SAST)


@pytest.fixture
def outage(wards, electricity, reporter) -> Issue:
    with as_of(T0):
        return report_outage(electricity.jurisdiction, reporter)


def state(issue: Issue, now: datetime) -> str | None:
    return with_sla_state(Issue.objects.filter(pk=issue.pk), now).get().sla_state


def test_open_issue_goes_from_on_track_to_at_risk_to_breached(outage):
    # Electricity: respond within 4 h, resolve within 24 h, warnings at 50%.
    assert state(outage, T0 + timedelta(hours=1)) == "on_track"
    sweep(T0 + timedelta(hours=1))  # the watch places the warnings
    assert state(outage, T0 + timedelta(hours=2, minutes=1)) == "at_risk"
    assert state(outage, T0 + timedelta(hours=4, minutes=1)) == "breached"


def test_without_the_watch_an_issue_is_on_track_until_its_deadline(outage):
    assert state(outage, T0 + timedelta(hours=3)) == "on_track"
    assert state(outage, T0 + timedelta(hours=5)) == "breached"


def test_resolved_issues_are_met_or_missed(outage, staff, programme):
    with as_of(T0 + timedelta(hours=1)):
        activity = create_activity(programme, staff, title="Replace the cable", issues=[outage])
        update_activity(activity, staff, status=ActivityStatus.COMPLETED)
    assert state(outage, T0 + timedelta(days=9)) == "met"


def test_rejected_issues_have_no_state(outage, staff):
    with as_of(T0 + timedelta(hours=1)):
        reject(outage, staff, "Not ours")
    assert state(outage, T0 + timedelta(days=3)) is None
