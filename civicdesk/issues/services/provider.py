"""An outside provider's word on an issue routed to it (by Open311 pull or push).

One entry point moves the issue the way the provider says, within what our lifecycle
allows, and records the provider's description as a public event either way."""

from django.core.exceptions import ValidationError
from django.db import transaction

from civicdesk import timekeeping
from civicdesk.alerts.services import alert_followers
from civicdesk.issues.clock import apply_deadlines, pauses_of
from civicdesk.issues.models import OPEN_STATUSES, ClockPause, Issue, Status
from civicdesk.issues.services.common import (
    close_running_pause,
    deadline_payload,
    lock_issue,
    record_response,
)
from civicdesk.timeline.services import record

# Handing the issue back to the dispatch centre ("not our responsibility"): it stays open.
DISPATCH = "dispatch"
# The statuses a provider can move an issue to, and the statuses it can move it from.
MOVES = {
    Status.ACKNOWLEDGED: (Status.SUBMITTED, Status.REOPENED, Status.IN_PROGRESS),
    Status.IN_PROGRESS: (Status.SUBMITTED, Status.ACKNOWLEDGED, Status.REOPENED),
    Status.RESOLVED: OPEN_STATUSES,
    Status.DUPLICATE: OPEN_STATUSES,
    Status.REJECTED: OPEN_STATUSES,
    Status.REOPENED: (Status.RESOLVED,),
    DISPATCH: OPEN_STATUSES,
}
ALERT_KINDS = {
    Status.ACKNOWLEDGED: "issue_acknowledged",
    Status.RESOLVED: "issue_resolved",
    Status.REJECTED: "issue_rejected",
    Status.REOPENED: "issue_reopened",
    DISPATCH: "issue_rerouted",
}


@transaction.atomic
def apply_provider_update(issue: Issue, target: str, *, note: str = "") -> bool:
    """Move `issue` to `target` (a status of MOVES, or "" for a note only) on the word of
    the outside unit it is routed to. A move our lifecycle does not allow from the issue's
    status (e.g. "in progress" for a closed issue) keeps the status and records the note.
    Returns whether the issue changed; followers are alerted of every public event."""
    if target and target not in MOVES:
        raise ValidationError({"status": f"a provider cannot move an issue to {target!r}"})
    issue = lock_issue(issue)
    note = note.strip()
    now = timekeeping.now()
    moved = bool(target) and issue.status != target and issue.status in MOVES[target]
    if not moved:
        if not note:
            return False
        record(issue=issue, kind="provider_update", actor_role="provider", note=note, at=now)
        issue.updated_at = now
        issue.save(update_fields=["updated_at"])
        alert_followers(
            issue, kind="issue_updated", payload=deadline_payload(issue) | {"note": note}
        )
        return False
    if target == DISPATCH:
        fields = _to_dispatch(issue, note, now)
    else:
        fields = _closing(issue, target, note, now) if target in _CLOSING else []
        if target == Status.REOPENED:
            fields += _reopening(issue, now)
        if target in (Status.ACKNOWLEDGED, Status.IN_PROGRESS):
            fields += record_response(issue, now)
        record(
            issue=issue,
            kind="status",
            actor_role="provider",
            from_value=issue.status,
            to_value=target,
            note=note,
            at=now,
        )
        issue.status = target
    issue.updated_at = now
    issue.save(update_fields=sorted(set(fields + ["status", "updated_at"])))
    payload = deadline_payload(issue) | {"note": note}
    if target == Status.RESOLVED:
        payload["feedback_requested"] = True
    alert_followers(issue, kind=ALERT_KINDS.get(target, "issue_updated"), payload=payload)
    return True


_CLOSING = (Status.RESOLVED, Status.DUPLICATE, Status.REJECTED)


def _closing(issue: Issue, target: str, note: str, now) -> list[str]:
    """Stop the clocks. A paused clock stopped when its pause began: a resolution is
    judged then (as an activity's completion does)."""
    stopped_at = issue.paused_at or now
    fields = record_response(issue, now) + close_running_pause(issue, now)
    if target == Status.RESOLVED:
        issue.resolved_at = now
        issue.resolution_met = (
            None if issue.resolution_due is None else stopped_at <= issue.resolution_due
        )
        return fields + ["resolved_at", "resolution_met"]
    issue.closed_at = now
    fields.append("closed_at")
    if target == Status.REJECTED:
        issue.rejection_reason = note or f"{issue.unit} will take no action"
        fields.append("rejection_reason")
    return fields


def _reopening(issue: Issue, now) -> list[str]:
    """The time it stood resolved does not count against the unit (a pause, as when a
    citizen says it is not fixed)."""
    ClockPause.objects.create(
        issue=issue, reason=ClockPause.Reason.RESOLVED, started_at=issue.resolved_at, ended_at=now
    )
    issue.resolved_at = None
    issue.resolution_met = None
    apply_deadlines(issue, issue.service_level, pauses_of(issue))
    return ["resolved_at", "resolution_met", "response_due", "resolution_due", "service_level"]


def _to_dispatch(issue: Issue, note: str, now) -> list[str]:
    """The provider says it is not theirs: the dispatch centre routes it again. The clock
    and its deadlines run on."""
    record(
        issue=issue,
        kind="routed",
        actor_role="provider",
        from_value=issue.unit.name if issue.unit else "",
        to_value="dispatch centre",
        note=note,
        at=now,
    )
    issue.unit = None
    issue.provider_reference = ""
    return ["unit", "provider_reference"]
