"""Citizens' feedback on a resolution."""

from django.core.exceptions import ValidationError
from django.db import transaction

from civicdesk import timekeeping
from civicdesk.accounts.models import Citizen
from civicdesk.alerts.services import alert_followers, alert_unit
from civicdesk.issues.clock import apply_deadlines, pauses_of
from civicdesk.issues.models import (
    ClockPause,
    Feedback,
    Issue,
    Push,
    Status,
)
from civicdesk.issues.services.common import (
    deadline_payload,
    lock_issue,
    set_status,
    transition_error,
)
from civicdesk.timeline.services import record


@transaction.atomic
def give_feedback(
    issue: Issue, citizen: Citizen, *, rating: int, fixed: bool, comment: str = ""
) -> Feedback:
    """Feedback on a resolution by the reporter or a pusher. "Not fixed" reopens the issue
    (the clock resumes, having paused while the issue stood resolved) and tells the unit;
    "fixed" from the reporter closes it."""
    issue = lock_issue(issue)
    if issue.status not in (Status.RESOLVED, Status.CLOSED):
        raise transition_error(issue, "given feedback")
    is_reporter = citizen.pk == issue.reporter_id
    if not is_reporter and not Push.objects.filter(issue=issue, citizen=citizen).exists():
        raise ValidationError({"citizen": "only the reporter and pushers give feedback"})
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise ValidationError({"rating": "a whole number from 1 to 5"})
    if Feedback.objects.filter(
        issue=issue, citizen=citizen, created_at__gte=issue.resolved_at
    ).exists():
        raise ValidationError({"citizen": "feedback on this resolution was already given"})
    now = timekeeping.now()
    feedback = Feedback.objects.create(
        issue=issue,
        citizen=citizen,
        rating=rating,
        fixed=fixed,
        comment=comment.strip(),
        created_at=now,
    )
    record(
        issue=issue,
        kind="feedback",
        actor_role="citizen",
        to_value="fixed" if fixed else "not fixed",
        public=True,
        at=now,
    )
    if not fixed:
        ClockPause.objects.create(
            issue=issue,
            reason=ClockPause.Reason.RESOLVED,
            started_at=issue.resolved_at,
            ended_at=now,
        )
        issue.resolved_at = issue.closed_at = None
        issue.resolution_met = None
        apply_deadlines(issue, issue.service_level, pauses_of(issue))
        fields = [
            "resolved_at",
            "closed_at",
            "resolution_met",
            "response_due",
            "resolution_due",
            "service_level",
        ]
        fields += set_status(
            issue, Status.REOPENED, None, now, note="A citizen says it is not fixed"
        )
        issue.save(update_fields=fields)
        if issue.unit:
            alert_unit(
                issue.unit, kind="issue_reopened", payload=deadline_payload(issue), issue=issue
            )
        alert_followers(issue, kind="issue_reopened", payload=deadline_payload(issue))
    elif is_reporter and issue.status == Status.RESOLVED:
        issue.closed_at = now
        fields = ["closed_at"] + set_status(issue, Status.CLOSED, None, now)
        issue.save(update_fields=fields)
    return feedback
