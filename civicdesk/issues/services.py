"""Use cases of an issue, each in one transaction, writing its events and alerts."""

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Min

from civicdesk import timekeeping
from civicdesk.accounts.models import AlertChannel, Citizen, User
from civicdesk.alerts.services import alert_citizens, alert_followers, alert_unit
from civicdesk.catalogue.models import IssueType
from civicdesk.catalogue.services import validate_answers
from civicdesk.issues.clock import apply_deadlines, pauses_of
from civicdesk.issues.models import (
    FINAL_STATUSES,
    OPEN_STATUSES,
    ClockPause,
    Feedback,
    Issue,
    Push,
    Source,
    Status,
)
from civicdesk.issues.routing import route, service_level_for
from civicdesk.places.models import Area, Jurisdiction
from civicdesk.timeline.services import record
from civicdesk.units.models import BusinessUnit

# How far outside its areas' bounding box a point may lie and still belong to a jurisdiction.
JURISDICTION_MARGIN_DEGREES = 0.05


@dataclass(frozen=True)
class Contact:
    """How to reach the person reporting or pushing; all optional (anonymous is allowed)."""

    name: str = ""
    email: str = ""
    phone: str = ""
    user: User | None = None


def citizen_for(contact: Contact | Citizen | None) -> Citizen | None:
    """The citizen row for a contact: the signed-in user's, or one matched by e-mail, then
    phone, so that one person is one recipient however they reach us."""
    if contact is None or isinstance(contact, Citizen):
        return contact
    email = contact.email.strip().lower()
    phone = "".join(ch for ch in contact.phone if ch.isdigit() or ch == "+")
    if not (contact.user or email or phone):
        return None
    citizen = None
    if contact.user is not None:
        citizen = Citizen.objects.filter(user=contact.user).first()
        email = email or contact.user.email.lower()
    if citizen is None and email:
        citizen = Citizen.objects.filter(email=email, erased_at=None).order_by("id").first()
    if citizen is None and phone:
        citizen = Citizen.objects.filter(phone=phone, erased_at=None).order_by("id").first()
    if citizen is None:
        channel = AlertChannel.EMAIL if email else AlertChannel.SMS if phone else AlertChannel.NONE
        return Citizen.objects.create(
            user=contact.user,
            name=contact.name.strip(),
            email=email,
            phone=phone,
            alert_channel=channel,
        )
    changed = []
    for field, value in (("name", contact.name.strip()), ("email", email), ("phone", phone)):
        if value and not getattr(citizen, field):
            setattr(citizen, field, value)
            changed.append(field)
    if changed:
        citizen.save(update_fields=changed)
    return citizen


def _actor_role(actor: User | None) -> str:
    if actor is None:
        return "system"
    return "dispatch" if actor.dispatch_roles.exists() else "staff"


def _transition_error(issue: Issue, action: str) -> ValidationError:
    return ValidationError(
        f"Issue {issue.pk} is {issue.status}: it cannot be {action}.", code="invalid_transition"
    )


def _lock(issue: Issue) -> Issue:
    """Re-read the issue under a row lock so concurrent changes queue instead of racing."""
    return Issue.objects.select_for_update().select_related("issue_type").get(pk=issue.pk)


def _deadline_payload(issue: Issue) -> dict[str, Any]:
    return {
        "issue": issue.pk,
        "issue_type": issue.issue_type.name,
        "status": issue.status,
        "response_due": issue.response_due.isoformat() if issue.response_due else None,
        "resolution_due": issue.resolution_due.isoformat() if issue.resolution_due else None,
    }


def _validate_location(jurisdiction: Jurisdiction, lat: Any, lon: Any) -> tuple[float, float]:
    try:
        lat, lon = float(lat), float(lon)
    except (TypeError, ValueError) as exc:
        raise ValidationError({"location": "latitude and longitude must be numbers"}) from exc
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValidationError({"location": "not a valid WGS84 latitude and longitude"})
    box = Area.objects.filter(jurisdiction=jurisdiction).aggregate(
        min_lat=Min("min_lat"),
        max_lat=Max("max_lat"),
        min_lon=Min("min_lon"),
        max_lon=Max("max_lon"),
    )
    m = JURISDICTION_MARGIN_DEGREES
    if box["min_lat"] is not None and not (
        box["min_lat"] - m <= lat <= box["max_lat"] + m
        and box["min_lon"] - m <= lon <= box["max_lon"] + m
    ):
        raise ValidationError({"location": f"the point is outside {jurisdiction.name}"})
    return lat, lon


@transaction.atomic
def report_issue(
    *,
    jurisdiction: Jurisdiction,
    issue_type_code: str,
    lat: Any,
    lon: Any,
    description: str = "",
    address: str = "",
    answers: dict[str, Any] | None = None,
    reporter: Contact | Citizen | None = None,
    source: str = Source.WEB,
    submitted_at: datetime | None = None,
) -> Issue:
    """Validate and save a report, route it, set its deadlines and alert its reporter."""
    errors: dict[str, Any] = {}
    issue_type = (
        IssueType.objects.filter(jurisdiction=jurisdiction, code=issue_type_code, active=True)
        .prefetch_related("questions")
        .first()
    )
    if issue_type is None:
        errors["issue_type"] = [f"{issue_type_code!r} is not an issue type of {jurisdiction}"]
    else:
        try:
            answers = validate_answers(issue_type, answers)
        except ValidationError as exc:
            errors.update({f"answers.{k}": v for k, v in exc.message_dict.items()})
    try:
        lat, lon = _validate_location(jurisdiction, lat, lon)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if len(description) > 4000:
        errors["description"] = ["at most 4,000 characters"]
    if len(address) > 300:
        errors["address"] = ["at most 300 characters"]
    if errors:
        raise ValidationError(errors)

    where = route(jurisdiction, issue_type, lat, lon)
    issue = Issue(
        jurisdiction=jurisdiction,
        issue_type=issue_type,
        answers=answers,
        description=description.strip(),
        address=address.strip(),
        lat=lat,
        lon=lon,
        area=where.area,
        unit=where.unit,
        reporter=citizen_for(reporter),
        source=source,
        submitted_at=submitted_at or timekeeping.now(),
    )
    issue.updated_at = issue.submitted_at
    apply_deadlines(issue, service_level_for(where.unit, issue_type), pauses=[])
    issue.save()
    record(
        issue=issue,
        kind="reported",
        actor_role="citizen",
        to_value=Status.SUBMITTED,
        at=issue.submitted_at,
    )
    record(
        issue=issue,
        kind="routed" if where.unit else "unrouted",
        to_value=where.unit.name if where.unit else "dispatch centre",
        at=issue.submitted_at,
    )
    if issue.reporter:
        alert_citizens(
            [issue.reporter], kind="issue_received", payload=_deadline_payload(issue), issue=issue
        )
    return issue


def _respond(issue: Issue, now: datetime) -> list[str]:
    """Record the unit's first response, if it has not been recorded yet."""
    if issue.responded_at is not None:
        return []
    issue.responded_at = now
    issue.response_met = None if issue.response_due is None else now <= issue.response_due
    return ["responded_at", "response_met"]


def _set_status(
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
        actor_role=_actor_role(actor),
        from_value=issue.status,
        to_value=status,
        note=note,
        public=public,
        at=now,
    )
    issue.status = status
    issue.updated_at = now
    return ["status", "updated_at"]


@transaction.atomic
def acknowledge(issue: Issue, actor: User, note: str = "") -> Issue:
    issue = _lock(issue)
    if issue.status not in (Status.SUBMITTED, Status.REOPENED):
        raise _transition_error(issue, "acknowledged")
    now = timekeeping.now()
    fields = _respond(issue, now) + _set_status(issue, Status.ACKNOWLEDGED, actor, now, note=note)
    issue.save(update_fields=fields)
    alert_followers(issue, kind="issue_acknowledged", payload=_deadline_payload(issue))
    return issue


@transaction.atomic
def reroute(
    issue: Issue, unit: BusinessUnit, actor: User, *, reason: str = "", provider_reference: str = ""
) -> Issue:
    """Send an issue to another unit or provider. The SLA clock keeps its original start;
    the new unit's service level sets the deadlines. Links to the old unit's unfinished
    activities are removed."""
    from civicdesk.activities.models import ActivityIssue, ActivityStatus

    issue = _lock(issue)
    if issue.status not in OPEN_STATUSES:
        raise _transition_error(issue, "re-routed")
    if unit.jurisdiction_id != issue.jurisdiction_id:
        raise ValidationError({"unit": f"{unit} does not serve {issue.jurisdiction}"})
    if unit.pk == issue.unit_id:
        raise ValidationError({"unit": f"Issue {issue.pk} is already with {unit}"})
    now = timekeeping.now()
    record(
        issue=issue,
        kind="routed",
        actor=actor,
        actor_role=_actor_role(actor),
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
        fields += _set_status(issue, Status.ACKNOWLEDGED, actor, now)
    issue.updated_at = now
    issue.save(update_fields=sorted(set(fields + ["updated_at"])))
    alert_followers(
        issue, kind="issue_rerouted", payload=_deadline_payload(issue) | {"unit": unit.name}
    )
    return issue


def _close_running_pause(issue: Issue, now: datetime) -> list[str]:
    if issue.paused_at is None:
        return []
    ClockPause.objects.filter(issue=issue, ended_at=None).update(ended_at=now)
    issue.paused_at = None
    return ["paused_at"]


@transaction.atomic
def reject(issue: Issue, actor: User, reason: str) -> Issue:
    """Refuse an issue that is not actionable; the citizen sees the reason."""
    issue = _lock(issue)
    if not reason.strip():
        raise ValidationError({"reason": "a rejection needs a reason the citizen can read"})
    if issue.status not in OPEN_STATUSES:
        raise _transition_error(issue, "rejected")
    now = timekeeping.now()
    issue.rejection_reason = reason.strip()
    issue.closed_at = now
    fields = (
        ["rejection_reason", "closed_at"] + _respond(issue, now) + _close_running_pause(issue, now)
    )
    fields += _set_status(issue, Status.REJECTED, actor, now, note=issue.rejection_reason)
    issue.save(update_fields=fields)
    alert_followers(
        issue,
        kind="issue_rejected",
        payload=_deadline_payload(issue) | {"reason": issue.rejection_reason},
    )
    return issue


@transaction.atomic
def merge_duplicate(duplicate: Issue, original: Issue, actor: User) -> Issue:
    """Close `duplicate` into `original`; its reporter and pushers now push the original."""
    original, duplicate = _lock(original), _lock(duplicate)
    if duplicate.pk == original.pk:
        raise ValidationError({"original": "an issue cannot duplicate itself"})
    if duplicate.jurisdiction_id != original.jurisdiction_id:
        raise ValidationError({"original": "both issues must be in the same jurisdiction"})
    if duplicate.status not in OPEN_STATUSES:
        raise _transition_error(duplicate, "merged")
    if original.status in FINAL_STATUSES:
        raise _transition_error(original, "merged into")
    now = timekeeping.now()
    supporters = set(Push.objects.filter(issue=duplicate).values_list("citizen_id", flat=True))
    if duplicate.reporter_id:
        supporters.add(duplicate.reporter_id)
    supporters.discard(original.reporter_id)
    supporters -= set(Push.objects.filter(issue=original).values_list("citizen_id", flat=True))
    Push.objects.bulk_create(
        [Push(issue=original, citizen_id=c, created_at=now) for c in supporters]
    )
    original.push_count = F("push_count") + len(supporters)
    original.updated_at = now
    original.save(update_fields=["push_count", "updated_at"])
    original.refresh_from_db(fields=["push_count"])
    record(
        issue=original,
        kind="merged",
        actor=actor,
        actor_role=_actor_role(actor),
        from_value=str(duplicate.pk),
        to_value=str(original.pk),
        at=now,
    )
    duplicate.duplicate_of = original
    duplicate.closed_at = now
    fields = (
        ["duplicate_of", "closed_at"]
        + _respond(duplicate, now)
        + _close_running_pause(duplicate, now)
    )
    fields += _set_status(
        duplicate, Status.DUPLICATE, actor, now, note=f"Duplicate of issue {original.pk}"
    )
    duplicate.save(update_fields=fields)
    alert_followers(
        duplicate,
        kind="issue_merged",
        payload=_deadline_payload(duplicate) | {"original": original.pk},
    )
    return original


@transaction.atomic
def push(issue: Issue, supporter: Contact | Citizen) -> tuple[Push | None, bool]:
    """Back an existing issue. Pushing twice, or pushing one's own report, changes nothing."""
    citizen = citizen_for(supporter)
    if citizen is None:
        raise ValidationError({"contact": "a push needs an account, an e-mail or a phone number"})
    issue = _lock(issue)
    if issue.status not in OPEN_STATUSES:
        raise _transition_error(issue, "pushed")
    if issue.reporter_id == citizen.pk:
        return None, False
    existing = Push.objects.filter(issue=issue, citizen=citizen).first()
    if existing:
        return existing, False
    try:
        with transaction.atomic():
            created = Push.objects.create(
                issue=issue, citizen=citizen, created_at=timekeeping.now()
            )
    except IntegrityError:
        return Push.objects.get(issue=issue, citizen=citizen), False
    now = timekeeping.now()
    Issue.objects.filter(pk=issue.pk).update(push_count=F("push_count") + 1, updated_at=now)
    record(issue=issue, kind="pushed", actor_role="citizen", at=now)
    return created, True


def _status_from_activities(issue: Issue) -> str:
    from civicdesk.activities.models import ActivityStatus

    if issue.activities.filter(status=ActivityStatus.IN_PROGRESS).exists():
        return Status.IN_PROGRESS
    return Status.ACKNOWLEDGED


@transaction.atomic
def request_info(issue: Issue, actor: User, question: str) -> Issue:
    """Ask the reporter for more information; the SLA clock pauses until they answer.
    Asking is a response by the unit if none was recorded yet."""
    issue = _lock(issue)
    if not question.strip():
        raise ValidationError({"question": "say what information is needed"})
    if issue.status not in (
        Status.SUBMITTED,
        Status.ACKNOWLEDGED,
        Status.IN_PROGRESS,
        Status.REOPENED,
    ):
        raise _transition_error(issue, "put on hold for information")
    if issue.reporter is None or issue.reporter.alert_channel == AlertChannel.NONE:
        raise ValidationError({"question": "the reporter left no way to be contacted"})
    now = timekeeping.now()
    ClockPause.objects.create(
        issue=issue, reason=ClockPause.Reason.NEEDS_INFO, started_at=now, created_by=actor
    )
    issue.paused_at = now
    fields = ["paused_at"] + _respond(issue, now)
    fields += _set_status(issue, Status.NEEDS_INFO, actor, now, note=question.strip())
    issue.save(update_fields=fields)
    alert_citizens(
        [issue.reporter],
        kind="info_requested",
        payload=_deadline_payload(issue) | {"question": question.strip()},
        issue=issue,
    )
    return issue


@transaction.atomic
def answer_info(issue: Issue, citizen: Citizen, answer: str) -> Issue:
    """The reporter answers; the clock resumes and its deadlines move by the pause."""
    issue = _lock(issue)
    if issue.status != Status.NEEDS_INFO:
        raise _transition_error(issue, "answered")
    if citizen.pk != issue.reporter_id:
        raise ValidationError({"citizen": "only the reporter can answer"})
    if not answer.strip():
        raise ValidationError({"answer": "the answer is empty"})
    now = timekeeping.now()
    fields = _close_running_pause(issue, now)
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
    fields += _set_status(issue, _status_from_activities(issue), None, now)
    issue.save(update_fields=fields)
    if issue.unit:
        alert_unit(issue.unit, kind="info_given", payload=_deadline_payload(issue), issue=issue)
    return issue


@transaction.atomic
def give_feedback(
    issue: Issue, citizen: Citizen, *, rating: int, fixed: bool, comment: str = ""
) -> Feedback:
    """Feedback on a resolution by the reporter or a pusher. "Not fixed" reopens the issue
    (the clock resumes, having paused while the issue stood resolved) and tells the unit;
    "fixed" from the reporter closes it."""
    issue = _lock(issue)
    if issue.status not in (Status.RESOLVED, Status.CLOSED):
        raise _transition_error(issue, "given feedback")
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
        fields += _set_status(
            issue, Status.REOPENED, None, now, note="A citizen says it is not fixed"
        )
        issue.save(update_fields=fields)
        if issue.unit:
            alert_unit(
                issue.unit, kind="issue_reopened", payload=_deadline_payload(issue), issue=issue
            )
        alert_followers(issue, kind="issue_reopened", payload=_deadline_payload(issue))
    elif is_reporter and issue.status == Status.RESOLVED:
        issue.closed_at = now
        fields = ["closed_at"] + _set_status(issue, Status.CLOSED, None, now)
        issue.save(update_fields=fields)
    return feedback
