"""Staff operations of the JSON API, registered on civicdesk.api.api: units and
programmes, the issues a user acts for (filtered, paged), handling an issue (acknowledge,
re-route, reject, merge) and activities (create, change, link and unlink issues).

Every operation asks `units.access` what the caller acts for: staff for their units,
dispatchers for their jurisdictions, superusers for all. Another unit's issue or activity
is a 403; input the services refuse is a 400 with field names, and changes nothing.
An issue's `id` is its public reference (Open311's service_request_id)."""

from collections.abc import Iterable
from datetime import datetime
from typing import Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Schema
from ninja import Status as Answer

from civicdesk.accounts.models import User
from civicdesk.activities.conflicts import ActivityConflict
from civicdesk.activities.models import Activity, ActivityIssue, ActivityStatus
from civicdesk.activities.services import (
    create_activity,
    link_issues,
    unlink_issues,
    update_activity,
)
from civicdesk.api import Id, Instant, api, token_or_session
from civicdesk.issues.models import Issue, Status
from civicdesk.issues.services import acknowledge, merge_duplicate, reject, reroute
from civicdesk.issues.sla_state import with_sla_state
from civicdesk.sla.deadlines import SlaState
from civicdesk.units.access import Scope, scope_of, visible_issues
from civicdesk.units.models import BusinessUnit, Programme

TAGS = ["staff"]
MAX_LIMIT = 200
# Beyond a 64-bit integer an offset overflows the database's OFFSET (a 500).
MAX_OFFSET = 1_000_000_000


class ErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] | None = None


ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut}


class Named(Schema):
    id: int
    name: str


class UnitOut(Schema):
    id: int
    slug: str
    name: str
    jurisdiction: str = Field(..., description="The jurisdiction's slug")
    is_external: bool = Field(..., description="An outside provider")
    issue_types: list[str] = Field(..., description="Codes of the issue types it responds to")
    programmes: list[Named]


class ProgrammeOut(Schema):
    id: int
    name: str
    description: str
    unit: Named


class IssueTypeOut(Schema):
    code: str
    name: str


class IssueOut(Schema):
    id: int = Field(..., description="The public reference (Open311 service_request_id)")
    issue_type: IssueTypeOut
    status: str
    sla_state: str | None
    unit: Named | None
    area: Named | None
    lat: float | None
    lon: float | None
    address: str
    description: str
    push_count: int
    submitted_at: datetime
    response_due: datetime | None
    resolution_due: datetime | None
    responded_at: datetime | None
    resolved_at: datetime | None
    response_met: bool | None
    resolution_met: bool | None
    provider_reference: str
    duplicate_of: int | None
    rejection_reason: str
    activities: list[int]


# Issue fields served as they are stored (or annotated, for sla_state).
PLAIN_ISSUE_FIELDS = [
    name
    for name in IssueOut.model_fields
    if name not in ("id", "issue_type", "unit", "area", "activities", "duplicate_of")
]


class IssuePage(Schema):
    count: int
    limit: int
    offset: int
    items: list[IssueOut]


class IssueFilters(Schema):
    unit: Id | None = Field(None, description="A business unit's id")
    type: str | None = Field(None, description="An issue type's code")
    status: list[Status] | None = Field(None, description="One or more statuses")
    area: Id | None = Field(None, description="An area's id")
    sla_state: list[SlaState] | None = Field(None, description="on_track, at_risk, breached…")
    limit: int = Field(50, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


class NoteIn(Schema):
    note: str = ""


class RerouteIn(Schema):
    unit: Id = Field(..., description="The id of the unit or outside provider to send it to")
    reason: str = ""
    provider_reference: str = Field("", description="The provider's own reference number")


class RejectIn(Schema):
    reason: str = Field(..., description="Why it is not actionable; the citizen sees it")


class MergeIn(Schema):
    into: Id = Field(..., description="The id of the issue it duplicates")


class ActivityIn(Schema):
    programme: Id
    title: str
    description: str = ""
    summary: str = Field("", description="Public summary of actions taken")
    scheduled_start: Instant | None = None
    scheduled_end: Instant | None = None
    issue_ids: list[Id] = Field(default_factory=list, description="Issues to link at once")


class ActivityChange(Schema):
    status: ActivityStatus | None = None
    progress: int | None = Field(None, ge=0, le=100)
    summary: str | None = Field(None, description="Public summary of actions taken")
    version: int | None = Field(
        None,
        ge=1,
        description="The version you read: if the activity changed since, the answer is a"
        " 409 with the current activity and nothing changes. Without it, the fields given"
        " overwrite whatever is there.",
    )


class IssueIdsIn(Schema):
    issue_ids: list[Id] = Field(..., min_length=1)


class ActivityOut(Schema):
    id: int
    programme: Named
    title: str
    description: str
    status: str
    progress: int
    summary: str
    scheduled_start: datetime | None
    scheduled_end: datetime | None
    issue_ids: list[int]
    version: int = Field(..., description="Rises with every change of the activity's own fields")


class ConflictOut(Schema):
    detail: str
    fields: list[str] = Field(..., description="The fields changed meanwhile")
    current: ActivityOut


class LinkOut(Schema):
    changed: int = Field(..., description="How many links were added or removed")
    activity: ActivityOut


def _scope(request: HttpRequest) -> Scope:
    scope = scope_of(request.user)
    if not scope.is_staff_member:
        raise PermissionDenied("This API is for the staff of a business unit.")
    return scope


def _visible_units(scope: Scope) -> QuerySet[BusinessUnit]:
    units = BusinessUnit.objects.select_related("jurisdiction")
    if scope.everything:
        return units
    return units.filter(
        Q(pk__in=scope.unit_ids) | Q(jurisdiction_id__in=scope.dispatch_jurisdiction_ids)
    )


def _issues(user: User, *, everywhere: bool = False) -> QuerySet[Issue]:
    issues = Issue.objects.all() if everywhere else visible_issues(user)
    return (
        with_sla_state(issues)
        .select_related("issue_type", "unit", "area")
        .prefetch_related(Prefetch("activity_links", ActivityIssue.objects.only("activity_id")))
    )


def _issue_out(issue: Issue) -> dict[str, Any]:
    return {
        "id": issue.pk,
        "issue_type": {"code": issue.issue_type.code, "name": issue.issue_type.name},
        "status": issue.status,
        "unit": issue.unit and {"id": issue.unit.pk, "name": issue.unit.name},
        "area": issue.area and {"id": issue.area.pk, "name": issue.area.name},
        "activities": sorted(link.activity_id for link in issue.activity_links.all()),
        **{name: getattr(issue, name) for name in PLAIN_ISSUE_FIELDS},
        "duplicate_of": issue.duplicate_of_id,
    }


def _acting_on(request: HttpRequest, issue_id: int) -> Issue:
    """The issue, if the caller acts for it (404 if there is none, 403 if another unit's)."""
    issue = get_object_or_404(Issue.objects.only("id", "unit_id", "jurisdiction_id"), pk=issue_id)
    if not _scope(request).covers_issue(issue):
        raise PermissionDenied(f"Issue {issue_id} belongs to another unit.")
    return issue


def _fresh(request: HttpRequest, issue_id: int) -> dict[str, Any]:
    return _issue_out(_issues(request.user).get(pk=issue_id))


def _activity(request: HttpRequest, activity_id: int) -> Activity:
    activity = get_object_or_404(Activity.objects.select_related("programme__unit"), pk=activity_id)
    if not _scope(request).covers_unit(activity.programme.unit):
        raise PermissionDenied(f"Activity {activity_id} belongs to another unit.")
    return activity


def _activity_out(activity: Activity) -> dict[str, Any]:
    return {
        "id": activity.pk,
        "programme": {"id": activity.programme_id, "name": activity.programme.name},
        "title": activity.title,
        "description": activity.description,
        "status": activity.status,
        "progress": activity.progress,
        "summary": activity.public_summary,
        "scheduled_start": activity.scheduled_start,
        "scheduled_end": activity.scheduled_end,
        "issue_ids": sorted(
            ActivityIssue.objects.filter(activity=activity).values_list("issue_id", flat=True)
        ),
        "version": activity.version,
    }


@api.exception_handler(ActivityConflict)
def on_activity_conflict(request: HttpRequest, conflict: ActivityConflict) -> HttpResponse:
    names = {"public_summary": "summary"}
    body = {
        "detail": str(conflict),
        "fields": [names.get(name, name) for name in conflict.fields],
        "current": _activity_out(conflict.activity),
    }
    return api.create_response(request, body, status=409)


def _require_issues(request: HttpRequest, ids: Iterable[int]) -> list[int]:
    """All the issues exist (else 400, nothing changes) and the caller acts for them (403)."""
    ids = sorted(set(ids))
    found = {i.pk: i for i in Issue.objects.filter(pk__in=ids).only("unit_id", "jurisdiction_id")}
    if missing := [i for i in ids if i not in found]:
        raise ValidationError({"issue_ids": [f"no such issue: {', '.join(map(str, missing))}"]})
    scope = _scope(request)
    if others := [i for i in ids if not scope.covers_issue(found[i])]:
        raise PermissionDenied(f"Issues of another unit: {', '.join(map(str, others))}.")
    return ids


def _as_issue_ids(error: ValidationError) -> ValidationError:
    """The activity services call the list `issues`; this API calls it `issue_ids`."""
    if hasattr(error, "error_dict") and "issues" in error.error_dict:
        return ValidationError(
            {("issue_ids" if k == "issues" else k): v for k, v in error.error_dict.items()}
        )
    return error


@api.get("/units", auth=token_or_session, response={200: list[UnitOut], **ERRORS}, tags=TAGS)
def list_units(request: HttpRequest):
    """Business units and outside providers the caller acts for (dispatchers: all of their
    jurisdictions', to route to)."""
    units = _visible_units(_scope(request)).prefetch_related("issue_types", "programmes")
    return [
        {
            "id": u.pk,
            "slug": u.slug,
            "name": u.name,
            "jurisdiction": u.jurisdiction.slug,
            "is_external": u.is_external,
            "issue_types": sorted(t.code for t in u.issue_types.all()),
            "programmes": [{"id": p.pk, "name": p.name} for p in u.programmes.all()],
        }
        for u in units.order_by("name", "pk")
    ]


@api.get(
    "/programmes", auth=token_or_session, response={200: list[ProgrammeOut], **ERRORS}, tags=TAGS
)
def list_programmes(request: HttpRequest):
    units = _visible_units(_scope(request)).values("pk")
    programmes = Programme.objects.filter(unit__in=units).select_related("unit")
    return [
        {
            "id": p.pk,
            "name": p.name,
            "description": p.description,
            "unit": {"id": p.unit.pk, "name": p.unit.name},
        }
        for p in programmes.order_by("unit__name", "name")
    ]


@api.get("/issues", auth=token_or_session, response={200: IssuePage, **ERRORS}, tags=TAGS)
def list_issues(request: HttpRequest, filters: Query[IssueFilters]):
    """The issues the caller acts for, newest first, filtered and paged."""
    _scope(request)
    issues = _issues(request.user)
    if filters.unit is not None:
        issues = issues.filter(unit_id=filters.unit)
    if filters.type:
        issues = issues.filter(issue_type__code=filters.type)
    if filters.status:
        issues = issues.filter(status__in=filters.status)
    if filters.area is not None:
        issues = issues.filter(area_id=filters.area)
    if filters.sla_state:
        issues = issues.filter(sla_state__in=filters.sla_state)
    page = issues.order_by("-submitted_at", "-pk")[filters.offset : filters.offset + filters.limit]
    return {
        "count": issues.count(),
        "limit": filters.limit,
        "offset": filters.offset,
        "items": [_issue_out(i) for i in page],
    }


@api.post(
    "/issues/{issue_id}/acknowledge",
    auth=token_or_session,
    response={200: IssueOut, **ERRORS},
    tags=TAGS,
)
def acknowledge_issue(request: HttpRequest, issue_id: int, payload: NoteIn | None = None):
    """The unit's response: it has seen the issue and will act."""
    acknowledge(_acting_on(request, issue_id), request.user, note=payload.note if payload else "")
    return _fresh(request, issue_id)


@api.post(
    "/issues/{issue_id}/reroute",
    auth=token_or_session,
    response={200: IssueOut, **ERRORS},
    tags=TAGS,
)
def reroute_issue(request: HttpRequest, issue_id: int, payload: RerouteIn):
    """Send the issue to another unit or an outside provider; the clock keeps its start."""
    issue = _acting_on(request, issue_id)
    unit = BusinessUnit.objects.filter(pk=payload.unit).first()
    if unit is None:
        raise ValidationError({"unit": [f"no such unit: {payload.unit}"]})
    reroute(
        issue,
        unit,
        request.user,
        reason=payload.reason,
        provider_reference=payload.provider_reference,
    )
    # Sent to another unit, the issue may have left the caller's scope: the answer still
    # shows where it went.
    return _issue_out(_issues(request.user, everywhere=True).get(pk=issue_id))


@api.post(
    "/issues/{issue_id}/reject",
    auth=token_or_session,
    response={200: IssueOut, **ERRORS},
    tags=TAGS,
)
def reject_issue(request: HttpRequest, issue_id: int, payload: RejectIn):
    reject(_acting_on(request, issue_id), request.user, payload.reason)
    return _fresh(request, issue_id)


@api.post(
    "/issues/{issue_id}/merge", auth=token_or_session, response={200: IssueOut, **ERRORS}, tags=TAGS
)
def merge_issue(request: HttpRequest, issue_id: int, payload: MergeIn):
    """Close the issue as a duplicate of `into`; its reporter and pushers push that one.
    Answers with the issue merged into."""
    duplicate = _acting_on(request, issue_id)
    if not Issue.objects.filter(pk=payload.into).exists():
        raise ValidationError({"into": [f"no such issue: {payload.into}"]})
    original = _acting_on(request, payload.into)
    merge_duplicate(duplicate, original, request.user)
    return _fresh(request, payload.into)


@api.post("/activities", auth=token_or_session, response={201: ActivityOut, **ERRORS}, tags=TAGS)
def new_activity(request: HttpRequest, payload: ActivityIn):
    """Create an activity in a programme, optionally linking issues at once."""
    scope = _scope(request)
    programme = Programme.objects.select_related("unit").filter(pk=payload.programme).first()
    if programme is None:
        raise ValidationError({"programme": [f"no such programme: {payload.programme}"]})
    if not scope.covers_unit(programme.unit):
        raise PermissionDenied(f"Programme {programme.pk} belongs to another unit.")
    issue_ids = _require_issues(request, payload.issue_ids) if payload.issue_ids else []
    try:
        activity = create_activity(
            programme,
            request.user,
            title=payload.title,
            description=payload.description,
            public_summary=payload.summary,
            scheduled_start=payload.scheduled_start,
            scheduled_end=payload.scheduled_end,
            issues=issue_ids,
        )
    except ValidationError as error:
        raise _as_issue_ids(error) from None
    return Answer(201, _activity_out(activity))


@api.patch(
    "/activities/{activity_id}",
    auth=token_or_session,
    response={200: ActivityOut, 409: ConflictOut, **ERRORS},
    tags=TAGS,
)
def change_activity(request: HttpRequest, activity_id: int, payload: ActivityChange):
    """Status, progress and public summary; every linked issue follows and its reporters
    and pushers are alerted. Only the fields given change; send the `version` you read to
    be told (409) rather than overwrite a change made since."""
    activity = update_activity(
        _activity(request, activity_id),
        request.user,
        status=payload.status,
        progress=payload.progress,
        public_summary=payload.summary,
        version=payload.version,
    )
    return _activity_out(activity)


def _relink(
    request: HttpRequest, activity_id: int, ids: list[int], action: Literal["link", "unlink"]
) -> dict[str, Any]:
    activity = _activity(request, activity_id)
    ids = _require_issues(request, ids)
    service = link_issues if action == "link" else unlink_issues
    try:
        changed = service(activity, ids, request.user)
    except ValidationError as error:
        raise _as_issue_ids(error) from None
    activity.refresh_from_db()
    return {"changed": changed, "activity": _activity_out(activity)}


@api.post(
    "/activities/{activity_id}/issues",
    auth=token_or_session,
    response={200: LinkOut, **ERRORS},
    tags=TAGS,
)
def link_activity_issues(request: HttpRequest, activity_id: int, payload: IssueIdsIn):
    """Link open issues of the activity's unit; linking acknowledges the unacknowledged."""
    return _relink(request, activity_id, payload.issue_ids, "link")


@api.delete(
    "/activities/{activity_id}/issues",
    auth=token_or_session,
    response={200: LinkOut, **ERRORS},
    tags=TAGS,
)
def unlink_activity_issues(request: HttpRequest, activity_id: int, payload: IssueIdsIn):
    return _relink(request, activity_id, payload.issue_ids, "unlink")
