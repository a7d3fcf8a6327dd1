"""The lists staff work from: a unit's inbox, the dispatch centre's queues, candidates to
merge or link. Each is one queryset; pages of it cost a fixed number of queries."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import (
    Avg,
    Case,
    DateTimeField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone

from civicdesk.activities.models import Activity, ActivityIssue
from civicdesk.activities.services import UNFINISHED
from civicdesk.backoffice.models import FollowUp
from civicdesk.backoffice.nearby import centre_of, near
from civicdesk.forwarding.models import Forwarding
from civicdesk.issues.models import OPEN_STATUSES, Issue
from civicdesk.issues.sla_state import with_sla_state
from civicdesk.places.distance import squared_distance
from civicdesk.sla.deadlines import SlaState
from civicdesk.units.models import BusinessUnit, Programme

# Riskiest first: breached, then at risk, on track, and issues without a service level.
RISK_RANK = Case(
    When(sla_state=SlaState.BREACHED.value, then=Value(0)),
    When(sla_state=SlaState.AT_RISK.value, then=Value(1)),
    When(sla_state=SlaState.ON_TRACK.value, then=Value(2)),
    default=Value(3),
    output_field=IntegerField(),
)
# The deadline still running: the response until there is one, then the resolution.
NEXT_DUE = Case(
    When(responded_at__isnull=True, response_due__isnull=False, then=F("response_due")),
    default=F("resolution_due"),
    output_field=DateTimeField(),
)
SORTS = {
    "risk": ("risk_rank", F("next_due").asc(nulls_last=True), "-push_count", "submitted_at"),
    "pushes": ("-push_count", "risk_rank", "submitted_at"),
    "oldest": ("submitted_at", "id"),
    "newest": ("-submitted_at", "-id"),
}
# Columns an inbox row shows (the description is cut in the template).
ROW_FIELDS = (
    "id",
    "issue_type__name",
    "area__name",
    "status",
    "description",
    "address",
    "lat",
    "lon",
    "push_count",
    "submitted_at",
    "response_due",
    "resolution_due",
    "responded_at",
    "paused_at",
    "unit_id",
    "reporter_id",
)


@dataclass(frozen=True)
class InboxFilters:
    issue_type_id: int | None = None
    area_id: int | None = None
    status: str = "open"  # "open", "all" or one status
    sla_state: str = ""
    since: date | None = None
    until: date | None = None
    activity: str = ""  # "", "none" (in no unfinished activity) or "linked"
    sort: str = "risk"


def _local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def unit_issues(unit: BusinessUnit, programme: Programme | None = None) -> QuerySet[Issue]:
    """The issues of a unit's inbox; a programme's inbox is the unit's issues that wait
    for an activity plus those in the programme's own unfinished activities."""
    issues = Issue.objects.filter(unit=unit)
    if programme is not None:
        # Uncorrelated IN lists: PostgreSQL hashes each once; EXISTS … OR EXISTS … would
        # run both subqueries for every issue of the unit.
        in_work = ActivityIssue.objects.filter(activity__status__in=UNFINISHED)
        elsewhere = in_work.exclude(activity__programme=programme).values("issue_id")
        ours = in_work.filter(activity__programme=programme).values("issue_id")
        issues = issues.filter(~Q(pk__in=elsewhere) | Q(pk__in=ours))
    return issues


def inbox(issues: QuerySet[Issue], filters: InboxFilters, now: datetime) -> QuerySet[Issue]:
    """Filtered and sorted, each row annotated with `sla_state`, `risk_rank` and
    `next_due`."""
    if filters.status == "open":
        issues = issues.filter(status__in=OPEN_STATUSES)
    elif filters.status != "all":
        issues = issues.filter(status=filters.status)
    if filters.issue_type_id:
        issues = issues.filter(issue_type_id=filters.issue_type_id)
    if filters.area_id:
        issues = issues.filter(area_id=filters.area_id)
    if filters.since:
        issues = issues.filter(submitted_at__gte=_local_midnight(filters.since))
    if filters.until:
        issues = issues.filter(submitted_at__lt=_local_midnight(filters.until + timedelta(days=1)))
    in_activity = Exists(
        ActivityIssue.objects.filter(issue=OuterRef("pk"), activity__status__in=UNFINISHED)
    )
    if filters.activity == "none":
        issues = issues.filter(~in_activity)
    elif filters.activity == "linked":
        issues = issues.filter(in_activity)
    issues = with_sla_state(issues, now).annotate(risk_rank=RISK_RANK, next_due=NEXT_DUE)
    if filters.sla_state:
        issues = issues.filter(sla_state=filters.sla_state)
    return issues.order_by(*SORTS.get(filters.sort, SORTS["risk"]))


def rows(ids: list[int], now: datetime) -> list[Issue]:
    """The inbox rows of `ids`, in that order, with their SLA state. A page is chosen by
    sorting ids alone, then its rows are read: a sort of narrow tuples, whatever the
    size of the columns shown."""
    found = (
        with_sla_state(Issue.objects.filter(pk__in=ids), now)
        .annotate(next_due=NEXT_DUE)
        .select_related("issue_type", "area")
        .only(*ROW_FIELDS)
        .in_bulk()
    )
    return [found[pk] for pk in ids if pk in found]


def nearby_candidates(issue: Issue, radius: float | None = None) -> QuerySet[Issue]:
    """Open issues of the same type near `issue`: possible duplicates, nearest first."""
    if issue.lat is None:
        return Issue.objects.none()
    candidates = Issue.objects.filter(
        jurisdiction_id=issue.jurisdiction_id,
        issue_type_id=issue.issue_type_id,
        status__in=OPEN_STATUSES,
    ).exclude(pk=issue.pk)
    return near(candidates, issue.lat, issue.lon, radius or settings.NEARBY_RADIUS_METRES)


def link_candidates(activity: Activity, radius: float, same_types: bool = True) -> QuerySet[Issue]:
    """Open issues of the activity's unit, not linked to it, around its linked issues
    (whatever their area), nearest first. Empty if the activity has no placed issue."""
    linked = Issue.objects.filter(activity_links__activity=activity)
    centre = centre_of(linked)
    if centre is None:
        return Issue.objects.none()
    candidates = Issue.objects.filter(
        unit_id=activity.programme.unit_id, status__in=OPEN_STATUSES
    ).exclude(activity_links__activity=activity)
    if same_types:
        candidates = candidates.filter(issue_type__in=linked.values("issue_type"))
    return near(candidates, *centre, radius)


def activities_for_linking(
    unit: BusinessUnit, query: str, centre: tuple[float, float] | None
) -> QuerySet[Activity]:
    """A unit's unfinished activities whose title matches, nearest to `centre` first
    (by the mean point of their issues), then the most recently changed."""
    activities = Activity.objects.filter(programme__unit=unit, status__in=UNFINISHED)
    if query.strip():
        activities = activities.filter(title__icontains=query.strip())
    activities = activities.select_related("programme")
    if centre is None:
        return activities.order_by("-updated_at")
    return (
        activities.annotate(centre_lat=Avg("issues__lat"), centre_lon=Avg("issues__lon"))
        .annotate(distance2=squared_distance(*centre, "centre_lat", "centre_lon"))
        .order_by(F("distance2").asc(nulls_last=True), "-updated_at")
    )


# --- The dispatch centre's queues -----------------------------------------------------

# How long an outside provider may stay silent about an issue sent to it.
PROVIDER_WAIT = timedelta(days=1)
# How close to its resolution deadline an issue shows as "near" when the SLA watch has
# not judged it at risk yet (the watch warns at the service level's first warning).
NEAR_DEADLINE = timedelta(hours=2)
QUEUES = ("unrouted", "unacknowledged", "deadline", "provider", "promises")


def open_issues(scope_filter: Q) -> QuerySet[Issue]:
    return Issue.objects.filter(scope_filter, status__in=OPEN_STATUSES)


def queue(name: str, scope_filter: Q, now: datetime) -> QuerySet[Issue]:
    """One dispatch queue, most urgent first."""
    issues = open_issues(scope_filter)
    if name == "unrouted":
        return issues.filter(unit__isnull=True).order_by("submitted_at", "id")
    if name == "unacknowledged":
        return issues.filter(
            responded_at__isnull=True, response_due__lt=now, paused_at__isnull=True
        ).order_by("response_due", "id")
    if name == "deadline":
        at_risk = Q(
            sla_watch__resolution_due=F("resolution_due"),
            sla_watch__resolution_warn_at__lte=now,
        )
        return (
            issues.filter(resolved_at__isnull=True, paused_at__isnull=True)
            .filter(Q(resolution_due__lte=now + NEAR_DEADLINE) | at_risk)
            .order_by("resolution_due", "id")
        )
    if name == "provider":
        silent = Forwarding.objects.filter(
            issue=OuterRef("pk"), provider__unit_id=OuterRef("unit_id")
        ).filter(
            Q(state=Forwarding.State.FAILED)
            | Q(created_at__lte=now - PROVIDER_WAIT, last_updated_at__isnull=True)
        )
        return (
            issues.filter(unit__is_external=True, responded_at__isnull=True)
            .filter(Exists(silent))
            .order_by("submitted_at", "id")
        )
    if name == "promises":
        # The latest follow-up promised something by a day now past.
        latest_promise = Subquery(
            FollowUp.objects.filter(issue=OuterRef("pk"))
            .order_by("-contacted_at", "-id")
            .values("promised_for")[:1]
        )
        return (
            issues.annotate(promised_for=latest_promise)
            .filter(promised_for__lt=timezone.localdate(now))
            .order_by("promised_for", "id")
        )
    raise ValueError(f"no queue {name!r}")
