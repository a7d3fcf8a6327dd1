"""Use cases of the back office that the core apps do not have: follow-ups, a manual
escalation, a unit's escalation rules, and acting on a selection of issues at once."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet

from civicdesk import timekeeping
from civicdesk.accounts.models import User
from civicdesk.alerts.services import alert_staff_of_issues, alert_unit
from civicdesk.backoffice.models import FollowUp
from civicdesk.issues.models import OPEN_STATUSES, Issue
from civicdesk.issues.services.common import actor_role, deadline_payload
from civicdesk.slawatch.models import Clock, EscalationRule
from civicdesk.timeline.services import record
from civicdesk.units.models import BusinessUnit, Membership

# The most issues one bulk action handles: a page of the inbox at its largest.
MAX_SELECTION = 500


@transaction.atomic
def log_follow_up(
    issue: Issue,
    actor: User,
    *,
    contacted: str,
    contacted_at: datetime | None = None,
    promised: str = "",
    promised_for: date | None = None,
) -> FollowUp:
    """Record that someone was chased about an issue and what they promised; an internal
    event keeps it in the issue's staff timeline."""
    now = timekeeping.now()
    contacted_at = contacted_at or now
    errors: dict[str, str] = {}
    if not contacted.strip():
        errors["contacted"] = "say who was contacted"
    elif len(contacted.strip()) > 200:
        errors["contacted"] = "at most 200 characters"
    if contacted_at > now + timedelta(minutes=5):
        errors["contacted_at"] = "a follow-up is logged after the contact, not before"
    if promised_for is not None and not promised.strip():
        errors["promised"] = "say what was promised for that date"
    if errors:
        raise ValidationError(errors)
    follow_up = FollowUp.objects.create(
        issue=issue,
        contacted=contacted.strip(),
        contacted_at=contacted_at,
        promised=promised.strip(),
        promised_for=promised_for,
        recorded_by=actor,
        created_at=now,
    )
    note = f"Contacted {follow_up.contacted}"
    if follow_up.promised:
        note += f"; promised: {follow_up.promised}"
        if promised_for:
            note += f" by {promised_for.isoformat()}"
    record(
        issue=issue,
        kind="follow_up",
        actor=actor,
        actor_role=actor_role(actor),
        to_value=follow_up.contacted,
        note=note,
        public=False,
        at=now,
    )
    return follow_up


def unit_managers(unit: BusinessUnit) -> QuerySet[User]:
    return User.objects.filter(
        memberships__programme__unit=unit,
        memberships__role=Membership.Role.MANAGER,
        is_active=True,
    ).distinct()


@transaction.atomic
def escalate_now(issue: Issue, actor: User, note: str = "") -> int:
    """Tell the managers of the issue's unit at once (the unit's inbox if it has none),
    without waiting for the unit's escalation rules. Returns how many were told."""
    issue = Issue.objects.select_related("unit", "issue_type").get(pk=issue.pk)
    if issue.unit_id is None:
        raise ValidationError({"issue": "route the issue to a unit before escalating it"})
    if issue.status not in OPEN_STATUSES:
        raise ValidationError({"issue": f"issue {issue.pk} is {issue.status}: nothing to chase"})
    now = timekeeping.now()
    clock = Clock.RESPONSE if issue.responded_at is None else Clock.RESOLUTION
    payload = {"clock": clock, "manual": True, "by": actor.get_username(), "note": note.strip()}
    one = Issue.objects.filter(pk=issue.pk)
    told = 0
    for manager_id in unit_managers(issue.unit).values_list("id", flat=True):
        told += alert_staff_of_issues(
            one, kind="escalation", payload=payload, at=now, user_id=manager_id
        )
    if not told:
        alert_unit(
            issue.unit, kind="escalation", payload=payload | deadline_payload(issue), issue=issue
        )
        told = 1
    record(
        issue=issue,
        kind="escalated",
        actor=actor,
        actor_role=actor_role(actor),
        to_value=issue.unit.name,
        note=note.strip(),
        public=False,
        at=now,
    )
    return told


def _check_rule(rule: EscalationRule) -> None:
    errors: dict[str, str] = {}
    if rule.after is not None and rule.after < timedelta(0):
        errors["after"] = "a time after the breach, zero or more"
    if rule.repeat_every is not None and rule.repeat_every < timedelta(minutes=5):
        errors["repeat_every"] = "at least 5 minutes, or empty to tell once"
    if rule.recipient == EscalationRule.Recipient.USER and rule.user_id is not None:
        members = Membership.objects.filter(programme__unit_id=rule.unit_id, user_id=rule.user_id)
        if not members.exists():
            errors["user"] = "name a member of this unit"
    if errors:
        raise ValidationError(errors)
    rule.full_clean()


@transaction.atomic
def save_escalation_rule(rule: EscalationRule) -> EscalationRule:
    """Add or change one of a unit's escalation rules; the SLA watch applies it from its
    next sweep. Fields that do not go with the recipient are cleared."""
    if rule.recipient != EscalationRule.Recipient.USER:
        rule.user = None
    if rule.recipient != EscalationRule.Recipient.EMAIL:
        rule.email = ""
    _check_rule(rule)
    rule.save()
    return rule


@transaction.atomic
def remove_escalation_rule(rule: EscalationRule) -> None:
    """Remove a rule with the record of what it escalated."""
    rule.delete()


@dataclass
class BulkOutcome:
    """What a bulk action did: how many issues it changed, and why others were skipped."""

    done: int = 0
    skipped: dict[int, str] = field(default_factory=dict)


def for_each_issue(issues: Iterable[Issue], action: Callable[[Issue], object]) -> BulkOutcome:
    """Apply a single-issue use case to each issue, each in its own transaction, so that
    one issue that cannot take it (already acknowledged, no contact) does not undo the
    rest. The caller bounds the selection (MAX_SELECTION)."""
    outcome = BulkOutcome()
    for issue in issues:
        try:
            with transaction.atomic():
                action(issue)
        except ValidationError as exc:
            outcome.skipped[issue.pk] = " ".join(exc.messages)
        else:
            outcome.done += 1
    return outcome
