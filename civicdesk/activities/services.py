"""Use cases of an activity. An activity resolves many issues at once, so its changes
reach every linked issue in set-based statements: the number of queries does not grow
with the number of issues (see docs/decisions.md, "Fan-out")."""

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import BooleanField, Case, Exists, F, OuterRef, Q, QuerySet, Value, When

from civicdesk import timekeeping
from civicdesk.accounts.models import User
from civicdesk.activities.conflicts import check_edits
from civicdesk.activities.models import Activity, ActivityIssue, ActivityStatus
from civicdesk.alerts.services import alert_followers_of_issues
from civicdesk.issues.models import FINAL_STATUSES, OPEN_STATUSES, ClockPause, Issue, Status
from civicdesk.timeline.services import record, record_for_issues
from civicdesk.units.models import Programme

ALLOWED_MOVES = {
    ActivityStatus.PLANNED: {
        ActivityStatus.IN_PROGRESS,
        ActivityStatus.ON_HOLD,
        ActivityStatus.COMPLETED,
        ActivityStatus.CANCELLED,
    },
    ActivityStatus.IN_PROGRESS: {
        ActivityStatus.ON_HOLD,
        ActivityStatus.COMPLETED,
        ActivityStatus.CANCELLED,
    },
    ActivityStatus.ON_HOLD: {
        ActivityStatus.IN_PROGRESS,
        ActivityStatus.PLANNED,
        ActivityStatus.COMPLETED,
        ActivityStatus.CANCELLED,
    },
    ActivityStatus.COMPLETED: set(),
    ActivityStatus.CANCELLED: set(),
}
UNFINISHED = (ActivityStatus.PLANNED, ActivityStatus.IN_PROGRESS, ActivityStatus.ON_HOLD)
# Issue statuses that follow an in-progress activity (needs_info waits on the citizen).
STARTABLE = (Status.SUBMITTED, Status.ACKNOWLEDGED, Status.REOPENED)


def _payload(activity: Activity) -> dict[str, Any]:
    return {
        "activity": activity.pk,
        "title": activity.title,
        "status": activity.status,
        "progress": activity.progress,
        "summary": activity.public_summary,
    }


def _check_details(
    title: str, scheduled_start: datetime | None, scheduled_end: datetime | None
) -> None:
    if not title.strip():
        raise ValidationError({"title": "an activity needs a title"})
    if scheduled_start and scheduled_end and scheduled_end < scheduled_start:
        raise ValidationError({"scheduled_end": "the end comes before the start"})


def _linked(activity: Activity) -> QuerySet[Issue]:
    return Issue.objects.filter(activity_links__activity=activity)


def _has_activity(**conditions: Any) -> Exists:
    return Exists(ActivityIssue.objects.filter(issue=OuterRef("pk"), **conditions))


def _move(
    issues: QuerySet[Issue],
    status: str,
    activity: Activity,
    actor: User | None,
    now: datetime,
    **updates: Any,
) -> int:
    """Move a set of issues to `status` in two statements: the events (which read the old
    status), then one UPDATE."""
    moving = issues.exclude(status=status)
    changed = record_for_issues(
        moving,
        kind="status",
        at=now,
        activity_id=activity.pk,
        actor_id=actor.pk if actor else None,
        actor_role="staff" if actor else "system",
        from_status=True,
        to_value=status,
    )
    if changed:
        moving.update(status=status, updated_at=now, **updates)
    return changed


def _idle(scope: QuerySet[Issue]) -> QuerySet[Issue]:
    """Issues in progress that no longer have an activity in progress."""
    return scope.filter(status=Status.IN_PROGRESS).exclude(
        _has_activity(activity__status=ActivityStatus.IN_PROGRESS)
    )


def _propagate(
    scope: QuerySet[Issue], activity: Activity, actor: User | None, now: datetime
) -> dict[str, int]:
    """Bring issues linked to `activity` in line with their activities (DESIGN.md §3): in
    progress while any activity is; resolved when the activity completing was their last
    unfinished one."""
    scope = scope.exclude(status__in=FINAL_STATUSES)
    if activity.status == ActivityStatus.IN_PROGRESS:
        # While this activity runs its issues can neither stop nor be resolved.
        started = scope.filter(status__in=STARTABLE)
        return {"in_progress": _move(started, Status.IN_PROGRESS, activity, actor, now)}
    counts = {}
    if activity.status == ActivityStatus.COMPLETED:
        done = scope.filter(status__in=OPEN_STATUSES).exclude(
            _has_activity(activity__status__in=UNFINISHED)
        )
        # A paused clock stopped when its pause began: the resolution is judged then.
        ClockPause.objects.filter(
            issue__in=done.filter(paused_at__isnull=False), ended_at=None
        ).update(ended_at=now)
        counts["resolved"] = _move(
            done,
            Status.RESOLVED,
            activity,
            actor,
            now,
            resolved_at=now,
            paused_at=None,
            resolution_met=Case(
                When(resolution_due__isnull=True, then=Value(None)),
                When(paused_at__isnull=False, then=Q(paused_at__lte=F("resolution_due"))),
                default=Q(resolution_due__gte=now),
                output_field=BooleanField(null=True),
            ),
        )
    counts["acknowledged"] = _move(_idle(scope), Status.ACKNOWLEDGED, activity, actor, now)
    return counts


def _alert_followers(
    activity: Activity, scope: QuerySet[Issue], kind: str, now: datetime, digest: str
) -> int:
    """Tell every reporter and pusher of the issues in `scope`; one person following
    several of them shares a digest key, so delivery can send one message."""
    resolved = scope.filter(status=Status.RESOLVED, resolved_at=now)
    payload = _payload(activity)
    sent = alert_followers_of_issues(
        resolved,
        kind="issue_resolved",
        payload=payload | {"feedback_requested": True},
        at=now,
        activity_id=activity.pk,
        digest_key=digest,
    )
    return sent + alert_followers_of_issues(
        scope.filter(status__in=OPEN_STATUSES),
        kind=kind,
        payload=payload,
        at=now,
        activity_id=activity.pk,
        digest_key=digest,
    )


def _lock(activity: Activity) -> Activity:
    return (
        Activity.objects.select_for_update().select_related("programme__unit").get(pk=activity.pk)
    )


@transaction.atomic
def create_activity(
    programme: Programme,
    actor: User,
    *,
    title: str,
    description: str = "",
    public_summary: str = "",
    scheduled_start: datetime | None = None,
    scheduled_end: datetime | None = None,
    assignees: Iterable[User] = (),
    issues: Iterable[Issue | int] = (),
) -> Activity:
    _check_details(title, scheduled_start, scheduled_end)
    now = timekeeping.now()
    activity = Activity.objects.create(
        programme=programme,
        title=title.strip(),
        description=description.strip(),
        public_summary=public_summary.strip(),
        scheduled_start=scheduled_start,
        scheduled_end=scheduled_end,
        created_by=actor,
        created_at=now,
        updated_at=now,
    )
    activity.assignees.set(assignees)
    record(
        activity=activity,
        kind="activity_created",
        actor=actor,
        actor_role="staff",
        to_value=activity.status,
        note=activity.title,
        at=now,
    )
    issues = list(issues)
    if issues:
        link_issues(activity, issues, actor)
    return activity


def _issue_ids(issues: Iterable[Issue | int]) -> list[int]:
    return sorted({i.pk if isinstance(i, Issue) else int(i) for i in issues})


@transaction.atomic
def link_issues(activity: Activity, issues: Iterable[Issue | int], actor: User) -> int:
    """Link issues of the activity's unit to it, in bulk. Linking is the unit's response to
    an issue not yet acknowledged. Returns how many links were new."""
    activity = _lock(activity)
    if activity.status not in UNFINISHED:
        raise ValidationError({"activity": f"the activity is {activity.status}"})
    ids = _issue_ids(issues)
    if not ids:
        raise ValidationError({"issues": "select at least one issue"})
    unit = activity.programme.unit
    eligible = Issue.objects.filter(pk__in=ids, unit=unit, status__in=OPEN_STATUSES)
    found = set(eligible.values_list("pk", flat=True))
    if missing := [i for i in ids if i not in found]:
        raise ValidationError(
            {"issues": f"not open issues of {unit}: {', '.join(map(str, missing))}"}
        )
    now = timekeeping.now()
    new = eligible.exclude(activity_links__activity=activity)
    added = record_for_issues(
        new,
        kind="linked",
        at=now,
        activity_id=activity.pk,
        actor_id=actor.pk,
        to_value=activity.title,
    )
    _insert_links(activity, new, actor, now)
    scope = Issue.objects.filter(pk__in=ids)
    _move(
        scope.filter(status__in=(Status.SUBMITTED, Status.REOPENED)),
        Status.ACKNOWLEDGED,
        activity,
        actor,
        now,
        **_response_updates(now),
    )
    # A linked issue is in progress if this or any other of its activities is.
    started = scope.filter(status__in=STARTABLE).filter(
        _has_activity(activity__status=ActivityStatus.IN_PROGRESS)
    )
    _move(started, Status.IN_PROGRESS, activity, actor, now)
    event = record(
        activity=activity,
        kind="linked",
        actor=actor,
        actor_role="staff",
        to_value=str(added),
        at=now,
    )
    _alert_followers(
        activity,
        scope.filter(activity_links__activity=activity, activity_links__linked_at=now),
        "issue_linked",
        now,
        f"activity-event:{event.pk}",
    )
    return added


def _insert_links(activity: Activity, issues: QuerySet[Issue], actor: User, now: datetime) -> None:
    """Link a set of issues in one INSERT … SELECT, whatever its size."""
    ids_sql, params = issues.values("id").query.sql_with_params()
    sql = (
        f"INSERT INTO {ActivityIssue._meta.db_table} (activity_id, issue_id, linked_at,"
        f" linked_by_id) SELECT %s, i.id, %s, %s FROM {Issue._meta.db_table} i"
        f" WHERE i.id IN ({ids_sql})"
    )
    with connection.cursor() as cursor:
        stamp = connection.ops.adapt_datetimefield_value(now)
        cursor.execute(sql, [activity.pk, stamp, actor.pk, *params])


def _response_updates(now: datetime) -> dict[str, Any]:
    """Record a response at `now` for issues that have none yet, in SQL."""
    return {
        "response_met": Case(
            When(responded_at__isnull=False, then=F("response_met")),
            When(response_due__isnull=True, then=Value(None)),
            default=Q(response_due__gte=now),
            output_field=BooleanField(null=True),
        ),
        "responded_at": Case(
            When(responded_at__isnull=True, then=Value(now)), default=F("responded_at")
        ),
    }


@transaction.atomic
def unlink_issues(activity: Activity, issues: Iterable[Issue | int], actor: User) -> int:
    activity = _lock(activity)
    links = ActivityIssue.objects.filter(activity=activity, issue_id__in=_issue_ids(issues))
    now = timekeeping.now()
    # Only issues linked to this activity are touched: ids of others change nothing.
    linked = list(links.values_list("issue_id", flat=True))
    if not linked:
        return 0
    scope = Issue.objects.filter(pk__in=linked)
    removed = record_for_issues(
        scope,
        kind="unlinked",
        at=now,
        activity_id=activity.pk,
        actor_id=actor.pk,
        from_value=activity.title,
    )
    links.delete()
    _move(_idle(scope), Status.ACKNOWLEDGED, activity, actor, now)
    record(
        activity=activity,
        kind="unlinked",
        actor=actor,
        actor_role="staff",
        to_value=str(removed),
        at=now,
    )
    return removed


@transaction.atomic
def update_activity(
    activity: Activity,
    actor: User,
    *,
    status: str | None = None,
    progress: int | None = None,
    public_summary: str | None = None,
    version: int | None = None,
    base: Mapping[str, Any] | None = None,
) -> Activity:
    """Change what citizens see of an activity; every linked issue follows and every
    reporter and pusher is alerted (on completion, with a request for feedback).

    Only the fields given are written. `version` and `base` are what the editor read:
    a field changed meanwhile to another value raises ActivityConflict (check_edits)."""
    activity = _lock(activity)
    given = {"status": status, "progress": progress, "public_summary": public_summary}
    given = {name: value for name, value in given.items() if value is not None}
    check_edits(
        activity,
        {name: getattr(activity, name) for name in given},
        given,
        base=base,
        version=version,
    )
    now = timekeeping.now()
    errors: dict[str, str] = {}
    if (
        status is not None
        and status != activity.status
        and status not in ALLOWED_MOVES.get(activity.status, set())
    ):
        errors["status"] = f"an activity cannot go from {activity.status} to {status}"
    if progress is not None and (not isinstance(progress, int) or not 0 <= progress <= 100):
        errors["progress"] = "a whole number from 0 to 100"
    if activity.status not in UNFINISHED:
        errors["status"] = f"the activity is {activity.status}"
    if errors:
        raise ValidationError(errors)
    changes: list[tuple[str, str, str, str]] = []
    if status is not None and status != activity.status:
        changes.append(("activity_status", activity.status, status, ""))
        activity.status = status
        if status == ActivityStatus.IN_PROGRESS and activity.started_at is None:
            activity.started_at = now
        if status == ActivityStatus.COMPLETED:
            activity.completed_at = now
            progress = 100
    if progress is not None and progress != activity.progress:
        changes.append(("activity_progress", str(activity.progress), str(progress), ""))
        activity.progress = progress
    if public_summary is not None and public_summary.strip() != activity.public_summary:
        activity.public_summary = public_summary.strip()
        changes.append(("activity_summary", "", "", activity.public_summary))
    if not changes:
        return activity
    activity.updated_at = now
    activity.version += 1
    activity.save(
        update_fields=[
            "status",
            "progress",
            "public_summary",
            "started_at",
            "completed_at",
            "updated_at",
            "version",
        ]
    )
    events = [
        record(
            activity=activity,
            kind=kind,
            actor=actor,
            actor_role="staff",
            from_value=old,
            to_value=new,
            note=note,
            at=now,
        )
        for kind, old, new, note in changes
    ]
    linked = _linked(activity)
    if any(kind == "activity_status" for kind, *_ in changes):
        _propagate(linked, activity, actor, now)
    if activity.status != ActivityStatus.CANCELLED:
        _alert_followers(
            activity, linked, "activity_updated", now, f"activity-event:{events[0].pk}"
        )
    return activity


EDITABLE = ("title", "description", "scheduled_start", "scheduled_end", "assignees")


@transaction.atomic
def edit_activity(
    activity: Activity,
    actor: User,
    *,
    version: int | None = None,
    base: Mapping[str, Any] | None = None,
    **changes: Any,
) -> Activity:
    """Change an activity's internal details (no alerts: citizens see status, progress
    and the public summary); the change is recorded as an internal event.

    `changes` are any of EDITABLE; only those are written, so that two editors changing
    different fields keep both. `version` and `base` are what the editor read: a field
    changed meanwhile to another value raises ActivityConflict (check_edits)."""
    if unknown := set(changes) - set(EDITABLE):
        raise TypeError(f"not editable: {', '.join(sorted(unknown))}")
    activity = _lock(activity)
    current = {name: getattr(activity, name) for name in EDITABLE if name != "assignees"}
    current["assignees"] = list(activity.assignees.all())
    check_edits(activity, current, changes, base=base, version=version)
    new = {name: value for name, value in changes.items() if name != "assignees"}
    if "title" in new:
        new["title"] = new["title"].strip()
    if "description" in new:
        new["description"] = new["description"].strip()
    merged = current | new
    _check_details(merged["title"], merged["scheduled_start"], merged["scheduled_end"])
    changed = [field for field, value in new.items() if current[field] != value]
    if "assignees" in changes:
        assignees = list(changes["assignees"])
        if {u.pk for u in assignees} != {u.pk for u in current["assignees"]}:
            activity.assignees.set(assignees)
            changed.append("assignees")
    if not changed:
        return activity
    now = timekeeping.now()
    for field in changed:
        if field != "assignees":
            setattr(activity, field, new[field])
    activity.updated_at = now
    activity.version += 1
    activity.save(
        update_fields=[f for f in changed if f != "assignees"] + ["updated_at", "version"]
    )
    record(
        activity=activity,
        kind="activity_edited",
        actor=actor,
        actor_role="staff",
        note=", ".join(changed),
        public=False,
        at=now,
    )
    return activity


def cancel_activity(activity: Activity, actor: User, reason: str) -> Activity:
    """Stop an activity; its issues go back to the unit (in progress ones to acknowledged)."""
    if not reason.strip():
        raise ValidationError({"reason": "say why the activity is cancelled"})
    with transaction.atomic():
        activity = update_activity(activity, actor, status=ActivityStatus.CANCELLED)
        record(
            activity=activity,
            kind="activity_cancelled",
            actor=actor,
            actor_role="staff",
            note=reason.strip(),
            public=False,
        )
    return activity
