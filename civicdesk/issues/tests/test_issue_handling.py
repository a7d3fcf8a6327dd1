from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from civicdesk.alerts.models import Alert
from civicdesk.issues.models import ClockPause, Issue, Push, Status
from civicdesk.issues.services import (
    Contact,
    acknowledge,
    answer_info,
    citizen_for,
    merge_duplicate,
    push,
    reject,
    request_info,
    reroute,
)
from civicdesk.timekeeping import as_of
from conftest import report_outage

SAST = ZoneInfo("Africa/Johannesburg")
T0 = datetime(2026, 11, 2, 9, 0, tzinfo=SAST)  # a Monday


@pytest.fixture
def issue(wards, electricity, reporter) -> Issue:
    with as_of(T0):
        return report_outage(electricity.jurisdiction, reporter)


def test_acknowledging_in_time_is_a_met_response(issue, staff):
    with as_of(T0 + timedelta(hours=1)):
        acknowledge(issue, staff)
    issue.refresh_from_db()
    assert issue.status == Status.ACKNOWLEDGED
    assert issue.responded_at == T0 + timedelta(hours=1)
    assert issue.response_met is True
    assert issue.events.filter(
        kind="status", from_value="submitted", to_value="acknowledged"
    ).exists()


def test_late_acknowledgement_is_a_missed_response(issue, staff):
    with as_of(T0 + timedelta(hours=5)):
        acknowledge(issue, staff)
    issue.refresh_from_db()
    assert issue.response_met is False


def test_acknowledging_twice_is_refused(issue, staff):
    acknowledge(issue, staff)
    with pytest.raises(ValidationError, match="cannot be acknowledged"):
        acknowledge(issue, staff)


def test_rerouting_keeps_the_original_clock_start(issue, roads, dispatcher, pothole):
    roads.issue_types.add(issue.issue_type)
    roads.service_levels.create(
        issue_type=issue.issue_type,
        response_target=timedelta(hours=2),
        resolution_target=timedelta(hours=16),
        calendar=roads.service_levels.get().calendar,
    )
    with as_of(T0 + timedelta(days=1)):
        reroute(
            issue,
            roads,
            dispatcher,
            reason="Street lights are Roads' job",
            provider_reference="R-77",
        )
    issue.refresh_from_db()
    assert issue.unit == roads
    assert issue.submitted_at == T0
    # Office hours from Monday 09:00: 2 working hours -> Monday 11:00.
    assert issue.response_due == T0 + timedelta(hours=2)
    assert issue.provider_reference == "R-77"
    assert issue.events.filter(kind="routed", from_value="Electricity", to_value="Roads").exists()


def test_reject_needs_a_reason_and_tells_the_reporter(issue, dispatcher):
    with pytest.raises(ValidationError):
        reject(issue, dispatcher, "  ")
    assert Issue.objects.get(pk=issue.pk).status == Status.SUBMITTED
    reject(issue, dispatcher, "This is a private property matter")
    issue.refresh_from_db()
    assert issue.status == Status.REJECTED
    assert issue.rejection_reason == "This is a private property matter"
    alert = Alert.objects.get(issue=issue, kind="issue_rejected")
    assert alert.payload["reason"] == "This is a private property matter"


def test_merging_makes_the_duplicates_followers_pushers_of_the_original(
    issue, dispatcher, neighbour
):
    other = report_outage(issue.jurisdiction, neighbour, answers={"extent": "one"})
    push(other, Contact(email="third@example.org"))
    push(other, citizen_for(Contact(email="lerato@example.org")))  # the original's reporter
    merge_duplicate(other, issue, dispatcher)
    issue.refresh_from_db()
    other.refresh_from_db()
    assert other.status == Status.DUPLICATE
    assert other.duplicate_of == issue
    pushers = set(Push.objects.filter(issue=issue).values_list("citizen__email", "citizen__phone"))
    assert pushers == {("", "+27825550101"), ("third@example.org", "")}
    assert issue.push_count == 2


def test_merging_moves_followers_of_the_duplicate_to_the_original(issue, dispatcher, neighbour):
    from civicdesk.citizens.services.following import follow
    from civicdesk.following.models import Follow

    other = report_outage(issue.jurisdiction, neighbour, answers={"extent": "one"})
    watcher = citizen_for(Contact(email="watcher@example.org"))
    both = citizen_for(Contact(email="both@example.org"))
    follow(other, watcher)
    follow(other, both)
    follow(issue, both)
    follow(other, issue.reporter)  # cannot: the original's reporter hears about it already
    merge_duplicate(other, issue, dispatcher)
    followers = set(Follow.objects.filter(issue=issue).values_list("citizen__email", flat=True))
    assert followers == {"watcher@example.org", "both@example.org"}


def test_merging_an_issue_into_itself_is_refused(issue, dispatcher):
    with pytest.raises(ValidationError):
        merge_duplicate(issue, issue, dispatcher)


def test_pushing_is_idempotent_and_counts_once(issue, neighbour):
    first, created = push(issue, neighbour)
    again, created_again = push(issue, neighbour)
    assert created and not created_again
    assert first.pk == again.pk
    issue.refresh_from_db()
    assert issue.push_count == 1


def test_reporter_pushing_own_issue_changes_nothing(issue, reporter):
    assert push(issue, reporter) == (None, False)
    assert Issue.objects.get(pk=issue.pk).push_count == 0


def test_pushing_a_closed_issue_is_refused(issue, dispatcher, neighbour):
    reject(issue, dispatcher, "Not ours")
    with pytest.raises(ValidationError):
        push(issue, neighbour)


def test_waiting_on_the_citizen_pauses_the_clock(issue, staff):
    with as_of(T0 + timedelta(hours=1)):
        request_info(issue, staff, "Which pole number?")
    issue.refresh_from_db()
    assert issue.status == Status.NEEDS_INFO
    assert issue.response_met is True  # asking is the response
    assert Alert.objects.filter(issue=issue, kind="info_requested").exists()
    with as_of(T0 + timedelta(hours=7)):
        answer_info(issue, issue.reporter, "Pole 4411")
    issue.refresh_from_db()
    assert issue.status == Status.ACKNOWLEDGED
    assert issue.paused_at is None
    assert issue.resolution_due == T0 + timedelta(hours=24 + 6)
    pause = ClockPause.objects.get(issue=issue)
    assert (pause.started_at, pause.ended_at) == (T0 + timedelta(hours=1), T0 + timedelta(hours=7))
    assert Alert.objects.filter(unit=issue.unit, kind="info_given").exists()


def test_only_the_reporter_answers(issue, staff, neighbour):
    request_info(issue, staff, "Which pole number?")
    with pytest.raises(ValidationError):
        answer_info(issue, citizen_for(neighbour), "Pole 1")


def test_an_issue_reads_its_sla_states_over_time(issue, staff):
    from civicdesk.issues.clock import sla_readings

    def states(hours):
        readings = sla_readings(Issue.objects.get(pk=issue.pk), T0 + timedelta(hours=hours))
        return readings["response"].state, readings["resolution"].state

    assert states(1) == ("on_track", "on_track")
    assert states(3) == ("at_risk", "on_track")  # 75% of the 4 h response target
    assert states(5) == ("breached", "on_track")
    with as_of(T0 + timedelta(hours=5)):
        acknowledge(issue, staff)
    assert states(13) == ("missed", "at_risk")
    assert states(25) == ("missed", "breached")
