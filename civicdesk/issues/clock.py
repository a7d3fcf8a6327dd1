"""An issue's SLA clock: its deadlines from the service level, and its readings."""

from dataclasses import dataclass
from datetime import datetime

from civicdesk.issues.models import ClockPause, Issue
from civicdesk.sla.clock import WorkingCalendar
from civicdesk.sla.deadlines import Pause, SlaReading, due_at, read_sla
from civicdesk.units.models import ServiceLevel


def pauses_of(issue: Issue) -> list[Pause]:
    return [(p.started_at, p.ended_at) for p in ClockPause.objects.filter(issue=issue)]


def apply_deadlines(
    issue: Issue,
    level: ServiceLevel | None,
    pauses: list[Pause],
    clock: WorkingCalendar | None = None,
) -> None:
    """Set the issue's service level and both deadlines (in memory; the caller saves).
    The clock starts at submission, whatever unit the issue is routed to later. `clock` is
    the level's calendar as a clock, when the caller holds it already."""
    issue.service_level = level
    if level is None:
        issue.response_due = issue.resolution_due = None
        return
    clock = clock or level.calendar.to_clock()
    issue.response_due = due_at(clock, issue.submitted_at, level.response_target, pauses)
    issue.resolution_due = due_at(clock, issue.submitted_at, level.resolution_target, pauses)


def sla_readings(issue: Issue, now: datetime) -> dict[str, SlaReading]:
    """Response and resolution states. Select the service level with its calendar, hours
    and closed days when reading many issues."""
    level = issue.service_level
    clock = level.calendar.to_clock() if level else None
    warnings = (level.first_warning_percent, level.second_warning_percent) if level else (50, 75)
    common = {"clock": clock, "paused_at": issue.paused_at, "now": now, "warnings": warnings}
    return {
        "response": read_sla(
            target=level.response_target if level else None,
            due=issue.response_due,
            stopped_at=issue.responded_at,
            met=issue.response_met,
            **common,
        ),
        "resolution": read_sla(
            target=level.resolution_target if level else None,
            due=issue.resolution_due,
            stopped_at=issue.resolved_at,
            met=issue.resolution_met,
            **common,
        ),
    }


@dataclass(frozen=True)
class ClockOutcome:
    response_due: datetime | None
    resolution_due: datetime | None
    response_met: bool | None
    resolution_met: bool | None


def recompute(issue: Issue, pauses: list[Pause] | None = None) -> ClockOutcome:
    """An issue's deadlines and outcomes from its clock records alone (start, pauses,
    response, resolution) and its service level: what reports recompute history with."""
    level = issue.service_level
    if level is None:
        return ClockOutcome(None, None, None, None)
    pauses = pauses_of(issue) if pauses is None else pauses
    stop = issue.resolved_at
    # Resolved while waiting on the citizen: the clock had stopped when the wait began,
    # and that wait moved no deadline.
    cut = [p for p in pauses if stop is not None and p[1] == stop]
    if cut:
        stop = cut[0][0]
        pauses = [p for p in pauses if p not in cut]
    clock = level.calendar.to_clock()
    response_due = due_at(clock, issue.submitted_at, level.response_target, pauses)
    resolution_due = due_at(clock, issue.submitted_at, level.resolution_target, pauses)
    return ClockOutcome(
        response_due=response_due,
        resolution_due=resolution_due,
        response_met=None if issue.responded_at is None else issue.responded_at <= response_due,
        resolution_met=None if stop is None else stop <= resolution_due,
    )
