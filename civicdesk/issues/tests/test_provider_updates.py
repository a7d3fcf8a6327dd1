"""apply_provider_update: an outside provider moving an issue within our lifecycle."""

import pytest
from django.core.exceptions import ValidationError

from civicdesk.issues.models import ClockPause, Status
from civicdesk.issues.services import reject
from civicdesk.issues.services.provider import apply_provider_update
from civicdesk.timeline.models import Event
from conftest import report_outage


@pytest.fixture
def issue(jurisdiction, electricity, reporter):
    return report_outage(jurisdiction, reporter=reporter)


def test_reopening_after_a_fix_pauses_the_clock_for_the_time_it_stood_resolved(issue):
    assert apply_provider_update(issue, Status.RESOLVED, note="Fixed")
    assert apply_provider_update(issue, Status.REOPENED, note="Fault came back")
    issue.refresh_from_db()
    assert (issue.status, issue.resolved_at, issue.resolution_met) == (
        Status.REOPENED,
        None,
        None,
    )
    pause = ClockPause.objects.get(issue=issue)
    assert pause.reason == ClockPause.Reason.RESOLVED and pause.ended_at is not None


def test_rejection_keeps_the_providers_reason(issue):
    assert apply_provider_update(issue, Status.REJECTED, note="Private property")
    issue.refresh_from_db()
    assert (issue.status, issue.rejection_reason) == (Status.REJECTED, "Private property")
    assert issue.closed_at is not None and issue.responded_at is not None


def test_a_move_not_allowed_records_the_note_only(issue, dispatcher):
    reject(issue, dispatcher, "Not a fault")
    assert not apply_provider_update(issue, Status.IN_PROGRESS, note="Crew on the way")
    issue.refresh_from_db()
    assert issue.status == Status.REJECTED
    event = Event.objects.filter(issue=issue).last()
    assert (event.kind, event.public, event.note) == ("provider_update", True, "Crew on the way")
    # Nothing to say and nothing to move: nothing happens.
    events = Event.objects.count()
    assert not apply_provider_update(issue, "")
    assert Event.objects.count() == events


def test_an_unknown_target_is_refused(issue):
    with pytest.raises(ValidationError):
        apply_provider_update(issue, Status.CLOSED)
