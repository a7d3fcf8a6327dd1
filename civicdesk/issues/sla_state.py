"""An issue's overall SLA state in SQL, for lists that sort and filter on it: on track, at
risk, breached while open; met or missed once resolved (the resolution decides). A breached
response makes an open issue breached. `issues.clock.sla_readings` reads each clock of one
issue in Python, with the same states.

An open clock is judged at `now`, or at the start of a running pause (the stored deadline
is the one that stood when the pause began). "At risk" starts at the first warning the
SLA watch computed in working time (`slawatch.ClockWatch`); an issue the watch has not
seen yet is on track until its deadline passes."""

from datetime import datetime

from django.db.models import Case, CharField, F, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce

from civicdesk import timekeeping
from civicdesk.issues.models import Issue, Status
from civicdesk.sla.deadlines import SlaState


def sla_state_expression(now: datetime | None = None) -> Case:
    judged_at = Coalesce(F("paused_at"), Value(now or timekeeping.now()))
    awaiting_response = Q(responded_at__isnull=True, response_due__isnull=False)
    return Case(
        When(resolution_met=True, then=Value(SlaState.MET.value)),
        When(resolution_met=False, then=Value(SlaState.MISSED.value)),
        When(
            Q(status__in=(Status.DUPLICATE, Status.REJECTED))
            | Q(resolution_due__isnull=True)
            | Q(resolved_at__isnull=False),
            then=Value(None),
        ),
        When(
            Q(resolution_due__lt=judged_at) | (awaiting_response & Q(response_due__lt=judged_at)),
            then=Value(SlaState.BREACHED.value),
        ),
        # A watch row made for a deadline that has since moved does not count.
        When(
            Q(
                sla_watch__resolution_due=F("resolution_due"),
                sla_watch__resolution_warn_at__lte=judged_at,
            )
            | (
                awaiting_response
                & Q(
                    sla_watch__response_due=F("response_due"),
                    sla_watch__response_warn_at__lte=judged_at,
                )
            ),
            then=Value(SlaState.AT_RISK.value),
        ),
        default=Value(SlaState.ON_TRACK.value),
        output_field=CharField(null=True),
    )


def with_sla_state(issues: QuerySet[Issue], now: datetime | None = None) -> QuerySet[Issue]:
    """`issues` annotated with `sla_state` (a SlaState value, or None without a service level
    or for duplicates and rejections)."""
    return issues.annotate(sla_state=sla_state_expression(now))
