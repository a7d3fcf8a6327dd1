"""The SLA watch: one sweep marks issues whose response or resolution is at risk or
breached, tells the unit, escalates by the unit's rules, reminds followers to give
feedback and closes resolved issues after the feedback window.

Every step is a set-based statement (or one per escalation rule), so a sweep costs the
same number of queries for a hundred issues or a million. Only deadlines that changed
since the last sweep are read into Python, to place their warning on the calendar."""

from collections import Counter
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import DateTimeField, Exists, F, IntegerField, OuterRef, QuerySet, Value

from civicdesk import timekeeping
from civicdesk.accounts.models import User
from civicdesk.alerts.services import alert_followers_of_issues, alert_staff_of_issues
from civicdesk.issues.models import OPEN_STATUSES, Issue, Status
from civicdesk.reports.working_time import measure_working_times
from civicdesk.sla.clock import WorkingCalendar
from civicdesk.slawatch.models import (
    Clock,
    ClockWatch,
    Escalation,
    EscalationRule,
    FeedbackReminder,
)
from civicdesk.timeline.services import record_for_issues
from civicdesk.units.models import Membership

SYNC_BATCH = 5000
AT_RISK, BREACHED = 1, 2
STOPS = {Clock.RESPONSE: "responded_at", Clock.RESOLUTION: "resolved_at"}


def warning_at(clock: WorkingCalendar, due: datetime, remaining: timedelta) -> datetime:
    """The instant from which only `remaining` working time is left before `due`."""
    low = due - remaining
    if clock.between(low, due) == remaining:  # around the clock: plain subtraction
        return low
    step = remaining
    while clock.between(low, due) < remaining:
        low -= step
        step *= 2
    high = due
    while high - low > timedelta(minutes=1):
        middle = low + (high - low) / 2
        if clock.between(middle, due) >= remaining:
            low = middle
        else:
            high = middle
    return high if clock.between(high, due) >= remaining else low


def _watched() -> QuerySet[Issue]:
    return Issue.objects.filter(status__in=OPEN_STATUSES, service_level__isnull=False)


def _running(clock: str) -> QuerySet[Issue]:
    """Open issues whose `clock` is running (not stopped, not paused)."""
    return _watched().filter(**{STOPS[clock]: None}, paused_at=None)


def sync(now: datetime) -> int:
    """Read the deadlines that are new or moved since the last sweep (a batch at most)
    and place their warnings; a moved deadline starts its levels again."""
    seen = ClockWatch.objects.filter(
        issue=OuterRef("pk"),
        response_due=OuterRef("response_due"),
        resolution_due=OuterRef("resolution_due"),
    )
    issues = list(
        _watched()
        .filter(~Exists(seen))
        .select_related("service_level__calendar")
        .prefetch_related("service_level__calendar__hours", "service_level__calendar__closed_days")
        .only("id", "response_due", "resolution_due", "service_level")[:SYNC_BATCH]
    )
    if not issues:
        return 0
    known = ClockWatch.objects.in_bulk([i.pk for i in issues])
    clocks: dict[int, WorkingCalendar] = {}
    rows = []
    for issue in issues:
        level = issue.service_level
        if level.pk not in clocks:
            clocks[level.pk] = level.calendar.to_clock()
        old = known.get(issue.pk)
        row = ClockWatch(issue=issue)
        for name, target in (
            (Clock.RESPONSE, level.response_target),
            (Clock.RESOLUTION, level.resolution_target),
        ):
            due = getattr(issue, f"{name}_due")
            setattr(row, f"{name}_due", due)
            if old is not None and getattr(old, f"{name}_due") == due:
                for field in ("warn_at", "level", "changed_at"):
                    setattr(row, f"{name}_{field}", getattr(old, f"{name}_{field}"))
                continue
            remaining = target * (100 - level.first_warning_percent) / 100
            setattr(row, f"{name}_warn_at", due and warning_at(clocks[level.pk], due, remaining))
            setattr(row, f"{name}_level", 0)
        rows.append(row)
    fields = [f.name for f in ClockWatch._meta.fields if f.name != "issue"]
    ClockWatch.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["issue"], update_fields=fields
    )
    return len(rows)


def _raise_levels(now: datetime, clock: str) -> Counter:
    """Breached first, so an issue found past its deadline is not also "at risk"."""
    running = _running(clock).values("id")
    level, due, warn, changed = (f"{clock}_{f}" for f in ("level", "due", "warn_at", "changed_at"))
    counts: Counter = Counter()
    counts[f"{clock}_breached"] = ClockWatch.objects.filter(
        **{f"{level}__lt": BREACHED, f"{due}__lte": now}, issue__in=running
    ).update(**{level: BREACHED, changed: now})
    counts[f"{clock}_at_risk"] = ClockWatch.objects.filter(
        **{level: 0, f"{warn}__lte": now, f"{due}__gt": now}, issue__in=running
    ).update(**{level: AT_RISK, changed: now})
    for kind, reached in ((f"{clock}_breached", BREACHED), (f"{clock}_at_risk", AT_RISK)):
        if counts[kind]:
            changed_now = Issue.objects.filter(
                **{f"sla_watch__{changed}": now, f"sla_watch__{level}": reached}
            )
            alert_staff_of_issues(changed_now, kind=kind, payload={"clock": clock}, at=now)
    return counts


def _insert_select(model, columns: list[str], rows: QuerySet) -> int:
    """INSERT INTO model (columns) SELECT …: Django has no INSERT … SELECT.

    The rows are those not yet in the table (NOT EXISTS on the same table). Planning on
    an empty or freshly grown table, PostgreSQL may check that with a nested loop over the
    table, which then re-reads every row the statement has inserted so far: a backlog of
    450,000 issues took minutes. A hash anti-join reads the table once."""
    sql, params = rows.query.sql_with_params()
    names = ", ".join(model._meta.get_field(c).column for c in columns)
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if postgres:
            cursor.execute("SET LOCAL enable_nestloop = off")
        cursor.execute(f"INSERT INTO {model._meta.db_table} ({names}) {sql}", params)
        inserted = cursor.rowcount
        if postgres:
            cursor.execute("SET LOCAL enable_nestloop TO DEFAULT")
        return inserted


def _constants(rows: QuerySet, **values) -> QuerySet:
    fields = {datetime: DateTimeField(), int: IntegerField()}
    return rows.annotate(
        **{name: Value(v, output_field=fields[type(v)]) for name, v in values.items()}
    )


def _escalate(now: datetime) -> int:
    """Apply each escalation rule (a query or a few per rule, whatever the issues)."""
    told = 0
    for rule in EscalationRule.objects.all():
        breached = _running(rule.clock).filter(
            unit_id=rule.unit_id, **{f"{rule.clock}_due__lte": now - rule.after}
        )
        first = _constants(
            breached.exclude(escalations__rule=rule), rule_ref=rule.pk, n=1, at=now
        ).values_list("id", "rule_ref", "n", "at")
        count = _insert_select(Escalation, ["issue", "rule", "times", "last_sent_at"], first)
        if rule.repeat_every:
            count += Escalation.objects.filter(
                rule=rule,
                last_sent_at__lte=now - rule.repeat_every,
                issue__in=breached.values("id"),
            ).update(times=F("times") + 1, last_sent_at=now)
        if not count:
            continue
        issues = Issue.objects.filter(escalations__rule=rule, escalations__last_sent_at=now)
        payload = {"clock": rule.clock}
        if rule.recipient == EscalationRule.Recipient.EMAIL:
            told += alert_staff_of_issues(
                issues, kind="escalation", payload=payload, at=now, email=rule.email
            )
            continue
        if rule.recipient == EscalationRule.Recipient.USER:
            users = [rule.user_id]
        else:
            users = (
                User.objects.filter(
                    memberships__programme__unit_id=rule.unit_id,
                    memberships__role=Membership.Role.MANAGER,
                )
                .distinct()
                .values_list("id", flat=True)
            )
        for user_id in users:
            told += alert_staff_of_issues(
                issues, kind="escalation", payload=payload, at=now, user_id=user_id
            )
    return told


def _remind_and_close(now: datetime) -> Counter:
    window = timedelta(hours=settings.FEEDBACK_WINDOW_HOURS)
    remind_after = timedelta(hours=settings.FEEDBACK_REMINDER_HOURS)
    resolved = Issue.objects.filter(status=Status.RESOLVED)
    counts: Counter = Counter()
    reminded = FeedbackReminder.objects.filter(
        issue=OuterRef("pk"), resolved_at=OuterRef("resolved_at")
    )
    due = _constants(
        resolved.filter(resolved_at__lte=now - remind_after, resolved_at__gt=now - window).filter(
            ~Exists(reminded)
        ),
        at=now,
    ).values_list("id", "resolved_at", "at")
    counts["reminded"] = _insert_select(FeedbackReminder, ["issue", "resolved_at", "sent_at"], due)
    if counts["reminded"]:
        alert_followers_of_issues(
            Issue.objects.filter(
                id__in=FeedbackReminder.objects.filter(sent_at=now).values("issue")
            ),
            kind="feedback_reminder",
            payload={"feedback_requested": True},
            at=now,
            digest_key=f"feedback-reminder:{now.isoformat()}",
        )
    stale = resolved.filter(resolved_at__lte=now - window)
    record_for_issues(
        stale,
        kind="status",
        at=now,
        actor_role="system",
        from_status=True,
        to_value=Status.CLOSED,
        note="Closed: no feedback within the feedback window",
    )
    counts["closed"] = stale.update(status=Status.CLOSED, closed_at=now, updated_at=now)
    return counts


@transaction.atomic
def sweep(now: datetime | None = None) -> Counter:
    """One pass of the SLA watch; what it did, by kind."""
    now = now or timekeeping.now()
    counts: Counter = Counter(synced=sync(now))
    for clock in Clock.values:
        counts += _raise_levels(now, clock)
    counts["escalated"] = _escalate(now)
    counts += _remind_and_close(now)
    # Clocks that stopped since: their working time, for reports (not counted: it is
    # bookkeeping, nobody is told).
    measure_working_times()
    return +counts
