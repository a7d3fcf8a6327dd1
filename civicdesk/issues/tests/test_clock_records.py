"""The clock records of every issue of a demo metro (replayed through the services)
recompute to the deadlines and outcomes the services stored."""

import io
from collections import defaultdict

import pytest
from django.core.management import call_command

from civicdesk.issues.clock import ClockOutcome, recompute
from civicdesk.issues.models import ClockPause, Issue


@pytest.fixture
def demo_issues(db) -> list[Issue]:
    call_command("seed_demo", "--issues=300", "--now=2026-11-20T12:00", stdout=io.StringIO())
    return list(
        Issue.objects.select_related("service_level__calendar")
        .prefetch_related("service_level__calendar__hours", "service_level__calendar__closed_days")
        .order_by("pk")
    )


def test_stored_deadlines_and_outcomes_recompute_from_the_clock_records(demo_issues):
    pauses = defaultdict(list)
    for pause in ClockPause.objects.order_by("started_at"):
        pauses[pause.issue_id].append((pause.started_at, pause.ended_at))
    checked = [i for i in demo_issues if i.service_level_id]
    assert len(checked) > 250
    assert any(pauses[i.pk] for i in checked), "the demo should pause some clocks"
    mismatches = [
        (issue.pk, issue.status, stored, again)
        for issue in checked
        if (
            stored := ClockOutcome(
                issue.response_due, issue.resolution_due, issue.response_met, issue.resolution_met
            )
        )
        != (again := recompute(issue, pauses[issue.pk]))
    ]
    assert not mismatches, mismatches[:5]
