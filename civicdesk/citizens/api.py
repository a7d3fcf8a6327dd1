"""JSON API operations of the citizens app, registered on civicdesk.api.api.

Citizens report, list their issues, push, unpush, follow, unfollow and give feedback as
the signed-in user (a bearer token or the browser session); the user's Citizen row is made
on first use. Anyone may read an issue's public timeline. No response carries personal data
of anyone but the caller."""

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Header, Query, Schema, Status

from civicdesk.accounts.models import Citizen
from civicdesk.api import api, token_or_session
from civicdesk.assets.services import named_asset
from civicdesk.citizens.public_timeline import public_timeline
from civicdesk.citizens.services.following import (
    choose_issue_channel,
    follow,
    is_following,
    issues_of,
    unfollow,
)
from civicdesk.citizens.services.personal_data import export_personal_data
from civicdesk.following.api_reports import report_once
from civicdesk.issues import reference
from civicdesk.issues.models import Issue
from civicdesk.issues.services import Contact, citizen_for, give_feedback, push, unpush
from civicdesk.issues.sla_state import with_sla_state
from civicdesk.places.models import Jurisdiction
from civicdesk.throttling import limits

TAGS = ["citizens"]


class ErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] | None = None


class ReportIn(Schema):
    service_code: str = Field(..., description="The issue type's code (Open311 service_code)")
    jurisdiction: str | None = Field(
        None, description="The jurisdiction's slug; optional when the site serves one"
    )
    lat: float | None = Field(None, description="WGS84 latitude; or give an address")
    lon: float | None = None
    address: str = ""
    address_id: str = ""
    answers: dict[str, Any] = Field(default_factory=dict, description="By question code")
    description: str = ""
    asset: str = Field(
        "", description="The asset's number (a street light's pole number), for types asking one"
    )


class IssueTypeOut(Schema):
    code: str
    name: str


class ReportOut(Schema):
    id: int = Field(..., description="The public reference number")
    reference: str
    status: str
    issue_type: IssueTypeOut
    submitted_at: datetime
    response_due: datetime | None
    resolution_due: datetime | None
    url: str


class MyIssueOut(Schema):
    id: int
    issue_type: IssueTypeOut
    status: str
    relation: str = Field(..., description="reported, pushed or following")
    area: str | None
    submitted_at: datetime
    response_due: datetime | None
    resolution_due: datetime | None
    sla_state: str | None
    push_count: int
    url: str


class MyIssuesOut(Schema):
    count: int
    items: list[MyIssueOut]


class PushOut(Schema):
    issue: int
    pushed: bool
    changed: bool
    push_count: int


class FollowOut(Schema):
    issue: int
    following: bool
    changed: bool


class IssueAlertsIn(Schema):
    channel: str = Field(
        ...,
        description='"email", "sms", "none" (no alerts) or "default" (the global channel)',
    )


class IssueAlertsOut(Schema):
    issue: int
    channel: str = Field(..., description="The choice: email, sms, none or default")
    alerts_by: str = Field(..., description="Where the issue's alerts go now: email, sms or none")
    following: bool


class FeedbackIn(Schema):
    rating: int = Field(..., description="1 (poor) to 5 (excellent)")
    fixed: bool
    comment: str = Field("", max_length=2000)


class FeedbackOut(Schema):
    id: int
    issue: int
    status: str


class TimelineEntryOut(Schema):
    kind: str
    text: str
    from_value: str
    to_value: str
    note: str
    by: str = Field(..., description="citizen, staff, dispatch, provider or system")
    at: datetime


class TimelineOut(Schema):
    issue: int
    count: int
    items: list[TimelineEntryOut]


class Page(Schema):
    limit: int = Field(20, ge=1, le=100)
    offset: int = Field(0, ge=0, le=10_000)


def _citizen(request: HttpRequest) -> Citizen:
    return citizen_for(Contact(user=request.auth))


def _limit_keys(request: HttpRequest) -> dict[str, str]:
    """The caller's counters: address, account and, for a bearer token, the token."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    key = f"token:{token.strip()}" if scheme.lower() == "bearer" and token.strip() else ""
    return limits.client_keys(request, account=limits.user_account(request.auth), key=key)


def _jurisdiction(slug: str | None) -> Jurisdiction:
    known = reference.jurisdictions()
    if slug is None and len(known) == 1:
        return next(iter(known.values()))
    if slug is None:
        raise ValidationError({"jurisdiction": "required: this site serves several"})
    if slug not in known:
        raise ValidationError({"jurisdiction": f"no jurisdiction {slug!r}"})
    return known[slug]


def _local(instant: datetime | None) -> datetime | None:
    return timezone.localtime(instant) if instant else None


def _report_out(issue: Issue) -> dict[str, Any]:
    return {
        "id": issue.pk,
        "reference": str(issue.pk),
        "status": issue.status,
        "issue_type": issue.issue_type,
        "submitted_at": _local(issue.submitted_at),
        "response_due": _local(issue.response_due),
        "resolution_due": _local(issue.resolution_due),
        "url": f"/issues/{issue.pk}/",
    }


@api.post(
    "/issues",
    auth=token_or_session,
    response={200: ReportOut, 201: ReportOut, 400: ErrorOut, 429: ErrorOut},
    tags=TAGS,
    summary="Report an issue",
)
def report(
    request: HttpRequest,
    payload: ReportIn,
    idempotency_key: str = Header("", alias="Idempotency-Key"),
):
    """Report an issue as the signed-in citizen. The answer carries the reference number and
    the response and resolution deadlines of the service level. Send an Idempotency-Key
    header to make retries safe: a repeat answers 200 with the first report. Beyond the
    rate limits (per address, account and token) the answer is a 429 with Retry-After."""
    keys = _limit_keys(request)
    limits.check(request, limits.REPORT, keys)
    jurisdiction = _jurisdiction(payload.jurisdiction)
    fields = payload.dict(exclude={"jurisdiction", "asset"})
    fields["issue_type_code"] = fields.pop("service_code")
    if asset := named_asset(jurisdiction, payload.service_code, payload.asset):
        fields["asset"] = asset
    issue, created = report_once(request.auth, jurisdiction, fields, idempotency_key)
    if created:
        limits.count(request, limits.REPORT, keys)
    return Status(201 if created else 200, _report_out(issue))


@api.get(
    "/me/issues",
    auth=token_or_session,
    response=MyIssuesOut,
    tags=TAGS,
    summary="My issues: reported, pushed and followed",
)
def my_issues(request: HttpRequest, page: Query[Page]):
    """Newest first, with their deadlines and SLA state."""
    mine = issues_of(_citizen(request))
    rows = (
        with_sla_state(mine)
        .select_related("issue_type", "area")
        .order_by("-submitted_at", "-id")[page.offset : page.offset + page.limit]
    )
    items = [
        {
            "id": issue.pk,
            "issue_type": issue.issue_type,
            "status": issue.status,
            "relation": issue.relation,
            "area": issue.area.name if issue.area else None,
            "submitted_at": issue.submitted_at,
            "response_due": issue.response_due,
            "resolution_due": issue.resolution_due,
            "sla_state": issue.sla_state,
            "push_count": issue.push_count,
            "url": f"/issues/{issue.pk}/",
        }
        for issue in rows
    ]
    return {"count": mine.count(), "items": items}


def _push_out(issue: Issue, pushed: bool, changed: bool) -> dict[str, Any]:
    count = Issue.objects.filter(pk=issue.pk).values_list("push_count", flat=True).get()
    return {"issue": issue.pk, "pushed": pushed, "changed": changed, "push_count": count}


@api.post(
    "/issues/{issue_id}/push",
    auth=token_or_session,
    response={200: PushOut, 400: ErrorOut, 404: ErrorOut, 429: ErrorOut},
    tags=TAGS,
    summary="Push (back) an issue",
)
def push_issue(request: HttpRequest, issue_id: int):
    """Back an open issue someone else reported; the push count rises once per citizen."""
    keys = _limit_keys(request)
    limits.check(request, limits.PUSH, keys)
    issue = get_object_or_404(Issue, pk=issue_id)
    citizen = _citizen(request)
    if issue.reporter_id == citizen.pk:
        raise ValidationError({"issue": "you reported this issue: you follow it already"})
    _, created = push(issue, citizen)
    if created:
        limits.count(request, limits.PUSH, keys)
    return _push_out(issue, True, created)


@api.delete(
    "/issues/{issue_id}/push",
    auth=token_or_session,
    response={200: PushOut, 400: ErrorOut, 404: ErrorOut, 429: ErrorOut},
    tags=TAGS,
    summary="Withdraw a push",
)
def unpush_issue(request: HttpRequest, issue_id: int):
    """Withdrawing counts with pushes: pushing on and off is refused beyond the limit."""
    keys = _limit_keys(request)
    limits.check(request, limits.PUSH, keys)
    issue = get_object_or_404(Issue, pk=issue_id)
    changed = unpush(issue, _citizen(request))
    if changed:
        limits.count(request, limits.PUSH, keys)
    return _push_out(issue, False, changed)


@api.post(
    "/issues/{issue_id}/follow",
    auth=token_or_session,
    response={200: FollowOut, 404: ErrorOut},
    tags=TAGS,
    summary="Follow an issue (get its alerts without pushing it)",
)
def follow_issue(request: HttpRequest, issue_id: int):
    issue = get_object_or_404(Issue, pk=issue_id)
    changed = follow(issue, _citizen(request))
    return {"issue": issue.pk, "following": True, "changed": changed}


@api.delete(
    "/issues/{issue_id}/follow",
    auth=token_or_session,
    response={200: FollowOut, 404: ErrorOut},
    tags=TAGS,
    summary="Stop following an issue (its alerts stop, a push stays)",
)
def unfollow_issue(request: HttpRequest, issue_id: int):
    issue = get_object_or_404(Issue, pk=issue_id)
    changed = unfollow(issue, _citizen(request))
    return {"issue": issue.pk, "following": False, "changed": changed}


@api.put(
    "/issues/{issue_id}/alerts",
    auth=token_or_session,
    response={200: IssueAlertsOut, 400: ErrorOut, 404: ErrorOut},
    tags=TAGS,
    summary="Choose how to be alerted about an issue",
)
def issue_alerts(request: HttpRequest, issue_id: int, payload: IssueAlertsIn):
    """E-mail, SMS, none, or "default" (the channel chosen for all issues). E-mail needs an
    e-mail address and SMS a phone number on the account. Choosing e-mail, SMS or default
    for an issue one does not follow follows it; none stops its alerts."""
    issue = get_object_or_404(Issue, pk=issue_id)
    citizen = _citizen(request)
    alerts_by = choose_issue_channel(citizen, issue, payload.channel)
    return {
        "issue": issue.pk,
        "channel": payload.channel,
        "alerts_by": alerts_by,
        "following": is_following(issue, citizen),
    }


@api.post(
    "/issues/{issue_id}/feedback",
    auth=token_or_session,
    response={201: FeedbackOut, 400: ErrorOut, 404: ErrorOut},
    tags=TAGS,
    summary="Give feedback on a resolution",
)
def feedback(request: HttpRequest, issue_id: int, payload: FeedbackIn):
    """By the reporter or a pusher, once per resolution. "Not fixed" reopens the issue."""
    issue = get_object_or_404(Issue, pk=issue_id)
    given = give_feedback(
        issue,
        _citizen(request),
        rating=payload.rating,
        fixed=payload.fixed,
        comment=payload.comment,
    )
    status = Issue.objects.filter(pk=issue.pk).values_list("status", flat=True).get()
    return Status(201, {"id": given.pk, "issue": issue.pk, "status": status})


@api.get(
    "/issues/{issue_id}/timeline",
    auth=None,
    response={200: TimelineOut, 404: ErrorOut},
    tags=TAGS,
    summary="An issue's public timeline",
)
def timeline(request: HttpRequest, issue_id: int, page: Query[Page]):
    """Public events of the issue and the public summaries of work on it, oldest first.
    Who acted is given only as a role."""
    issue = get_object_or_404(Issue.objects.only("id"), pk=issue_id)
    entries, count = public_timeline(issue, limit=page.limit, offset=page.offset)
    items = [
        {
            "kind": e.kind,
            "text": e.text,
            "from_value": e.from_value,
            "to_value": e.to_value,
            "note": e.note,
            "by": e.by,
            "at": e.at,
        }
        for e in entries
    ]
    return {"issue": issue.pk, "count": count, "items": items}


@api.get(
    "/me/data",
    auth=token_or_session,
    response=dict[str, Any],
    tags=TAGS,
    summary="Everything held about me (POPIA)",
)
def my_data(request: HttpRequest):
    """The caller's contact details, account, alert choices and alerts sent, browsers,
    issues reported (with photos), pushes, follows, feedback and phone-line sessions and
    messages: the same document as the account page's download."""
    return export_personal_data(_citizen(request))
