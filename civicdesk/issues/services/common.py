"""Helpers shared by the issue use cases: locking, status changes, responses, payloads."""

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError

from civicdesk.accounts.models import User
from civicdesk.issues.models import (
    ClockPause,
    Issue,
)
from civicdesk.timeline.services import record


def actor_role(actor: User | None) -> str:
    if actor is None:
        return "system"
    return "dispatch" if actor.dispatch_roles.exists() else "staff"


def transition_error(issue: Issue, action: str) -> ValidationError:
    return ValidationError(
        f"Issue {issue.pk} is {issue.status}: it cannot be {action}.", code="invalid_transition"
    )


def lock_issue(issue: Issue) -> Issue:
    """Re-read the issue under a row lock so concurrent changes queue instead of racing."""
    return Issue.objects.select_for_update().select_related("issue_type").get(pk=issue.pk)


def deadline_payload(issue: Issue) -> dict[str, Any]:
    """What an alert about the issue's deadlines says (its issue is the alert's own)."""
    return {
        "issue_type": issue.issue_type.name,
        "status": issue.status,
        "response_due": issue.response_due.isoformat() if issue.response_due else None,
        "resolution_due": issue.resolution_due.isoformat() if issue.resolution_due else None,
    }


def record_response(issue: Issue, now: datetime) -> list[str]:
    """Record the unit's first response, if it has not been recorded yet."""
    if issue.responded_at is not None:
        return []
    issue.responded_at = now
    issue.response_met = None if issue.response_due is None else now <= issue.response_due
    return ["responded_at", "response_met"]


def set_status(
    issue: Issue,
    status: str,
    actor: User | None,
    now: datetime,
    *,
    note: str = "",
    public: bool = True,
) -> list[str]:
    record(
        issue=issue,
        kind="status",
        actor=actor,
        actor_role=actor_role(actor),
        from_value=issue.status,
        to_value=status,
        note=note,
        public=public,
        at=now,
    )
    issue.status = status
    issue.updated_at = now
    return ["status", "updated_at"]


def close_running_pause(issue: Issue, now: datetime) -> list[str]:
    if issue.paused_at is None:
        return []
    ClockPause.objects.filter(issue=issue, ended_at=None).update(ended_at=now)
    issue.paused_at = None
    return ["paused_at"]
