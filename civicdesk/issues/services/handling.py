"""Staff and dispatch handling an issue: acknowledge, re-route, reject, merge, ask, note."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F

from civicdesk import timekeeping
from civicdesk.accounts.models import AlertChannel, Citizen, User
from civicdesk.alerts.services import (
    alert_channel_for,
    alert_citizens,
    alert_followers,
    alert_unit,
)
from civicdesk.issues.clock import apply_deadlines, pauses_of
from civicdesk.issues.models import (
    FINAL_STATUSES,
    OPEN_STATUSES,
    ClockPause,
    Issue,
    Push,
    Status,
)
from civicdesk.issues.routing import service_level_for
from civicdesk.issues.services.common import (
    actor_role,
    close_running_pause,
    deadline_payload,
    lock_issue,
    record_response,
    set_status,
    transition_error,
)
from civicdesk.timeline.models import Event
from civicdesk.timeline.services import record
from civicdesk.units.models import BusinessUnit


@transaction.atomic
def acknowledge(issue: Issue, actor: User, note: str = "") -> Issue:
    issue = lock_issue(issue)
    if issue.status not in (Status.SUBMITTED, Status.REOPENED):
        raise transition_error(issue, "acknowledged")
    now = timekeeping.now()
    fields = record_response(issue, now) + set_status(
        issue, Status.ACKNOWLEDGED, actor, now, note=note
    )
    issue.save(update_fields=fields)
    alert_followers(issue, kind="issue_acknowledged", payload=deadline_payload(issue))
    return issue


def add_note(issue: Issue, actor: User, note: str) -> Event:
    """An internal note on an issue: staff and dispatch read it, citizens never do."""
    if not note.strip():
        raise ValidationError({"note": "the note is empty"})
    if len(note) > 4000:
        raise ValidationError({"note": "at most 4,000 characters"})
    return record(
        issue=issue,
        kind="note",
        actor=actor,
        actor_role=actor_role(actor),
        note=note.strip(),
        public=False,
    )


@transaction.atomic
def reroute(
    issue: Issue, unit: BusinessUnit, actor: User, *, reason: str = "", provider_reference: str = ""
) -> Issue:
    """Send an issue to another unit or provider. The SLA clock keeps its original start;
    the new unit's service level sets the deadlines. Links to the old unit's unfinished
    activities are removed."""
    from civicdesk.activities.models import ActivityIssue, ActivityStatus

    issue = lock_issue(issue)
    if issue.status not in OPEN_STATUSES:
        raise transition_error(issue, "re-routed")
    if unit.jurisdiction_id != issue.jurisdiction_id:
        raise ValidationError({"unit": f"{unit} does not serve {issue.jurisdiction}"})
    if unit.pk == issue.unit_id:
        raise ValidationError({"unit": f"Issue {issue.pk} is already with {unit}"})
    now = timekeeping.now()
    record(
        issue=issue,
        kind="routed",
        actor=actor,
        actor_role=actor_role(actor),
        from_value=issue.unit.name if issue.unit else "dispatch centre",
        to_value=unit.name,
        note=reason,
        at=now,
    )
    ActivityIssue.objects.filter(issue=issue).exclude(activity__programme__unit=unit).exclude(
        activity__status__in=[ActivityStatus.COMPLETED, ActivityStatus.CANCELLED]
    ).delete()
    fields = ["unit", "provider_reference", "service_level", "response_due", "resolution_due"]
    issue.unit = unit
    issue.provider_reference = provider_reference.strip()
    apply_deadlines(issue, service_level_for(unit, issue.issue_type), pauses_of(issue))
    if issue.responded_at is not None and issue.response_due is not None:
        issue.response_met = issue.responded_at <= issue.response_due
        fields.append("response_met")
    if issue.status == Status.IN_PROGRESS:
        fields += set_status(issue, Status.ACKNOWLEDGED, actor, now)
    issue.updated_at = now
    issue.save(update_fields=sorted(set(fields + ["updated_at"])))
    alert_followers(
        issue, kind="issue_rerouted", payload=deadline_payload(issue) | {"unit": unit.name}
    )
    from civicdesk.forwarding.services import queue_forwarding  # forwarding uses issues

    queue_forwarding(issue)
    return issue


@transaction.atomic
def reject(issue: Issue, actor: User, reason: str) -> Issue:
    """Refuse an issue that is not actionable; the citizen sees the reason."""
    issue = lock_issue(issue)
    if not reason.strip():
        raise ValidationError({"reason": "a rejection needs a reason the citizen can read"})
    if issue.status not in OPEN_STATUSES:
        raise transition_error(issue, "rejected")
    now = timekeeping.now()
    issue.rejection_reason = reason.strip()
    issue.closed_at = now
    fields = (
        ["rejection_reason", "closed_at"]
        + record_response(issue, now)
        + close_running_pause(issue, now)
    )
    fields += set_status(issue, Status.REJECTED, actor, now, note=issue.rejection_reason)
    issue.save(update_fields=fields)
    alert_followers(
        issue,
        kind="issue_rejected",
        payload=deadline_payload(issue) | {"reason": issue.rejection_reason},
    )
    return issue


@transaction.atomic
def merge_duplicate(duplicate: Issue, original: Issue, actor: User) -> Issue:
    """Close `duplicate` into `original`; its reporter and pushers now push the original."""
    # Lock in id order so two merges of the same pair cannot deadlock.
    locked = {i.pk: lock_issue(i) for i in sorted((original, duplicate), key=lambda i: i.pk)}
    original, duplicate = locked[original.pk], locked[duplicate.pk]
    if duplicate.pk == original.pk:
        raise ValidationError({"original": "an issue cannot duplicate itself"})
    if duplicate.jurisdiction_id != original.jurisdiction_id:
        raise ValidationError({"original": "both issues must be in the same jurisdiction"})
    if duplicate.status not in OPEN_STATUSES:
        raise transition_error(duplicate, "merged")
    if original.status in FINAL_STATUSES:
        raise transition_error(original, "merged into")
    now = timekeeping.now()
    supporters = set(Push.objects.filter(issue=duplicate).values_list("citizen_id", flat=True))
    if duplicate.reporter_id:
        supporters.add(duplicate.reporter_id)
    supporters.discard(original.reporter_id)
    supporters -= set(Push.objects.filter(issue=original).values_list("citizen_id", flat=True))
    Push.objects.bulk_create(
        [Push(issue=original, citizen_id=c, created_at=now) for c in supporters]
    )
    _move_follows(duplicate, original, now)
    original.push_count = F("push_count") + len(supporters)
    original.updated_at = now
    original.save(update_fields=["push_count", "updated_at"])
    original.refresh_from_db(fields=["push_count"])
    record(
        issue=original,
        kind="merged",
        actor=actor,
        actor_role=actor_role(actor),
        from_value=str(duplicate.pk),
        to_value=str(original.pk),
        at=now,
    )
    duplicate.duplicate_of = original
    duplicate.closed_at = now
    fields = (
        ["duplicate_of", "closed_at"]
        + record_response(duplicate, now)
        + close_running_pause(duplicate, now)
    )
    fields += set_status(
        duplicate, Status.DUPLICATE, actor, now, note=f"Duplicate of issue {original.pk}"
    )
    duplicate.save(update_fields=fields)
    alert_followers(
        duplicate,
        kind="issue_merged",
        payload=deadline_payload(duplicate) | {"original": original.pk},
    )
    return original


def _move_follows(duplicate: Issue, original: Issue, now) -> None:
    """Citizens who followed the duplicate follow the original, unless they already hear
    about it as its reporter or a pusher (pushes were moved just before)."""
    from civicdesk.following.models import Follow

    hearing = set(Push.objects.filter(issue=original).values_list("citizen_id", flat=True))
    hearing.add(original.reporter_id)
    followers = Follow.objects.filter(issue=duplicate).exclude(citizen_id__in=hearing - {None})
    Follow.objects.bulk_create(
        [
            Follow(citizen_id=c, issue=original, created_at=now)
            for c in followers.values_list("citizen_id", flat=True)
        ],
        ignore_conflicts=True,
    )


def _status_from_activities(issue: Issue) -> str:
    from civicdesk.activities.models import ActivityStatus

    if issue.activities.filter(status=ActivityStatus.IN_PROGRESS).exists():
        return Status.IN_PROGRESS
    return Status.ACKNOWLEDGED


@transaction.atomic
def request_info(issue: Issue, actor: User, question: str) -> Issue:
    """Ask the reporter for more information; the SLA clock pauses until they answer.
    Asking is a response by the unit if none was recorded yet."""
    issue = lock_issue(issue)
    if not question.strip():
        raise ValidationError({"question": "say what information is needed"})
    if issue.status not in (
        Status.SUBMITTED,
        Status.ACKNOWLEDGED,
        Status.IN_PROGRESS,
        Status.REOPENED,
    ):
        raise transition_error(issue, "put on hold for information")
    if issue.reporter is None or alert_channel_for(issue.reporter, issue) == AlertChannel.NONE:
        raise ValidationError({"question": "the reporter left no way to be contacted"})
    now = timekeeping.now()
    ClockPause.objects.create(
        issue=issue, reason=ClockPause.Reason.NEEDS_INFO, started_at=now, created_by=actor
    )
    issue.paused_at = now
    fields = ["paused_at"] + record_response(issue, now)
    fields += set_status(issue, Status.NEEDS_INFO, actor, now, note=question.strip())
    issue.save(update_fields=fields)
    alert_citizens(
        [issue.reporter],
        kind="info_requested",
        payload=deadline_payload(issue) | {"question": question.strip()},
        issue=issue,
    )
    return issue


@transaction.atomic
def answer_info(issue: Issue, citizen: Citizen, answer: str) -> Issue:
    """The reporter answers; the clock resumes and its deadlines move by the pause."""
    issue = lock_issue(issue)
    if issue.status != Status.NEEDS_INFO:
        raise transition_error(issue, "answered")
    if citizen.pk != issue.reporter_id:
        raise ValidationError({"citizen": "only the reporter can answer"})
    if not answer.strip():
        raise ValidationError({"answer": "the answer is empty"})
    now = timekeeping.now()
    fields = close_running_pause(issue, now)
    record(
        issue=issue,
        kind="info_given",
        actor_role="citizen",
        note=answer.strip(),
        public=False,
        at=now,
    )
    apply_deadlines(issue, issue.service_level, pauses_of(issue))
    fields += ["response_due", "resolution_due", "service_level"]
    fields += set_status(issue, _status_from_activities(issue), None, now)
    issue.save(update_fields=fields)
    if issue.unit:
        alert_unit(issue.unit, kind="info_given", payload=deadline_payload(issue), issue=issue)
    return issue
