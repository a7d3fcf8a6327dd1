"""Working time of stopped SLA clocks, measured once so that reports aggregate it in SQL.

How long a unit took to respond or resolve, in working time (the service level's calendar,
less the clock's pauses), needs the calendar arithmetic of `sla.clock`, which SQL cannot
do. Each stopped clock is measured once, a batch at a time, by the SLA watch's sweep; the
issue remembers what was measured (the level, the resolution instant), so a re-route after
the response or a new resolution after a reopening is measured again."""

from collections import defaultdict
from datetime import datetime

from django.db.models import QuerySet

from civicdesk.issues.models import RESOLUTION_UNMEASURED, RESPONSE_UNMEASURED, ClockPause, Issue
from civicdesk.sla.clock import WorkingCalendar
from civicdesk.sla.deadlines import Pause, running_time

BATCH = 2000
MEASURED_FIELDS = [
    "response_working_seconds",
    "response_measured_level",
    "resolution_working_seconds",
    "resolution_measured_for",
]


def unmeasured() -> QuerySet[Issue]:
    """Issues with a stopped clock whose working time is not measured (or out of date)."""
    return Issue.objects.filter(RESPONSE_UNMEASURED | RESOLUTION_UNMEASURED)


def _seconds(
    clock: WorkingCalendar, issue: Issue, stop: datetime | None, pauses: list[Pause]
) -> int | None:
    if stop is None:
        return None
    # A pause that ends at the resolution (resolved while waiting on the citizen) is cut
    # off by running_time, so the clock is read where that wait began, as its outcome is.
    return round(running_time(clock, issue.submitted_at, stop, pauses).total_seconds())


def _unmeasured_ids(batch: int) -> list[int]:
    """One query per clock, each matching its partial index exactly: as one OR, PostgreSQL
    cannot estimate the column comparisons and walks the whole primary key instead."""
    ids: set[int] = set()
    for condition in (RESPONSE_UNMEASURED, RESOLUTION_UNMEASURED):
        found = Issue.objects.filter(condition).order_by("id").values_list("id", flat=True)
        ids.update(found[:batch])
    return sorted(ids)[:batch]


def measure_working_times(batch: int = BATCH) -> int:
    """Measure up to `batch` issues' stopped clocks; how many issues were measured. A
    bounded number of queries: the ids (two), the issues with their levels' calendars
    (three), their pauses, and the bulk update (one per 500 issues)."""
    ids = _unmeasured_ids(batch)
    if not ids:
        return 0
    issues = list(
        Issue.objects.filter(pk__in=ids, service_level__isnull=False)
        .select_related("service_level__calendar")
        .prefetch_related("service_level__calendar__hours", "service_level__calendar__closed_days")
    )
    if not issues:
        return 0
    pauses: dict[int, list[Pause]] = defaultdict(list)
    for issue_id, began, ended in ClockPause.objects.filter(
        issue_id__in=[i.pk for i in issues]
    ).values_list("issue_id", "started_at", "ended_at"):
        pauses[issue_id].append((began, ended))
    clocks: dict[int, WorkingCalendar] = {}
    for issue in issues:
        level = issue.service_level
        if level.calendar_id not in clocks:
            clocks[level.calendar_id] = level.calendar.to_clock()
        clock = clocks[level.calendar_id]
        issue.response_working_seconds = _seconds(
            clock, issue, issue.responded_at, pauses[issue.pk]
        )
        issue.response_measured_level_id = level.pk if issue.responded_at else None
        issue.resolution_working_seconds = _seconds(
            clock, issue, issue.resolved_at, pauses[issue.pk]
        )
        issue.resolution_measured_for = issue.resolved_at
    Issue.objects.bulk_update(issues, MEASURED_FIELDS, batch_size=500)
    return len(issues)
