"""Moderation through the staff JSON API: POST /api/v1/issues/{id}/moderations, for the
staff of the issue's unit and its dispatchers. The answer never carries the original."""

from datetime import datetime
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Schema
from ninja import Status as Answer

from civicdesk.api import api, token_or_session
from civicdesk.issues.models import Feedback, Issue, Photo
from civicdesk.moderation import services
from civicdesk.timeline.models import Event
from civicdesk.units.access import scope_of

MAX_ID = 2**63 - 1


class ErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] | None = None


class ModerationIn(Schema):
    target: Literal["description", "note", "feedback", "photo"]
    id: int | None = Field(
        None, ge=1, le=MAX_ID, description="The note's event, the feedback or the photo"
    )
    replacement: str = Field(
        "", max_length=4000, description=f'The text shown instead; empty: "{services.REMOVED}"'
    )
    reason: str = Field(..., max_length=500, description="Kept for audit, never shown")


class ModerationOut(Schema):
    id: int
    issue: int
    target: str
    object_id: int | None
    replacement: str = Field(..., description="What the public sees now (empty for a photo)")
    created_at: datetime


@api.post(
    "/issues/{issue_id}/moderations",
    auth=token_or_session,
    response={201: ModerationOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    tags=["staff"],
    summary="Hide a photo or redact a text of an issue",
)
def moderate(request: HttpRequest, issue_id: int, payload: ModerationIn):
    """Redact the description, a note of the issue's timeline or a feedback comment, or hide
    a photo. The public sees the redacted text and that staff moderated; the original is
    kept for audit (administrators only)."""
    issue = get_object_or_404(Issue.objects.only("id", "unit_id", "jurisdiction_id"), pk=issue_id)
    if not scope_of(request.user).covers_issue(issue):
        raise PermissionDenied(f"Issue {issue_id} belongs to another unit.")
    user, reason, replacement = request.user, payload.reason, payload.replacement
    if payload.target == "description":
        done = services.redact_description(issue, user, reason=reason, replacement=replacement)
    elif payload.target == "note":
        event = get_object_or_404(Event, pk=payload.id or 0, issue=issue)
        done = services.redact_note(event, user, reason=reason, replacement=replacement)
    elif payload.target == "feedback":
        feedback = get_object_or_404(Feedback, pk=payload.id or 0, issue=issue)
        done = services.redact_feedback(feedback, user, reason=reason, replacement=replacement)
    else:
        photo = get_object_or_404(Photo, pk=payload.id or 0, issue=issue)
        done = services.hide_photo(photo, user, reason=reason)
    return Answer(
        201,
        {
            "id": done.pk,
            "issue": issue.pk,
            "target": done.target,
            "object_id": done.object_id,
            "replacement": "" if done.target == "photo" else done.replacement,
            "created_at": done.created_at,
        },
    )
