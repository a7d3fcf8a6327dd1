"""POPIA: everything held about one citizen, as one document, and its erasure.

The export and the erasure walk the same tables, so that what a citizen can download is
what erasure removes; docs/decisions.md says what is kept after erasure and why."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from civicdesk import timekeeping
from civicdesk.accounts.models import AlertChannel, Citizen, User
from civicdesk.alerts.models import Alert, IssueAlertChoice, Preference, PushSubscription
from civicdesk.following.models import ApiReport, Follow
from civicdesk.issues.models import Feedback, Issue, Photo, Push
from civicdesk.moderation.models import Moderation
from civicdesk.open311.models import Submission
from civicdesk.phonelines.models import InboundSms, PhoneProfile, UssdSession
from civicdesk.timeline.models import Event

# Events whose note is the citizen's own words (an answer to staff's question).
CITIZEN_NOTE_KINDS = ("info_given",)


def _when(value) -> str | None:
    return value.isoformat() if value else None


def _account(user: User | None) -> dict[str, Any] | None:
    if user is None:
        return None
    return {
        "username": user.username,
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "date_joined": _when(user.date_joined),
        "last_login": _when(user.last_login),
        "api_tokens": [
            {"name": t.name, "prefix": t.prefix, "created_at": _when(t.created_at)}
            for t in user.api_tokens.order_by("id")
        ],
        "api_reports": [
            {"issue": r.issue_id, "idempotency_key": r.idempotency_key}
            for r in ApiReport.objects.filter(user=user).order_by("id")
        ],
    }


def _reported(citizen: Citizen) -> list[dict[str, Any]]:
    issues = Issue.objects.filter(reporter=citizen).select_related("issue_type").order_by("id")
    photos: dict[int, list[str]] = {}
    for photo in Photo.objects.filter(issue__reporter=citizen).order_by("id"):
        photos.setdefault(photo.issue_id, []).append(f"/photos/{photo.pk}/")
    submissions = {
        s.issue_id: s for s in Submission.objects.filter(issue__reporter=citizen).order_by("id")
    }
    answers: dict[int, list[dict[str, Any]]] = {}
    for event in Event.objects.filter(
        issue__reporter=citizen, kind__in=CITIZEN_NOTE_KINDS
    ).order_by("id"):
        answers.setdefault(event.issue_id, []).append(
            {"at": _when(event.created_at), "text": event.note}
        )
    rows = []
    for issue in issues:
        submission = submissions.get(issue.pk)
        rows.append(
            {
                "id": issue.pk,
                "url": f"/issues/{issue.pk}/",
                "issue_type": issue.issue_type.code,
                "status": issue.status,
                "source": issue.source,
                "submitted_at": _when(issue.submitted_at),
                "description": issue.description,
                "address": issue.address,
                "lat": issue.lat,
                "lon": issue.lon,
                "answers": issue.answers,
                "photos": photos.get(issue.pk, []),
                "answers_to_staff": answers.get(issue.pk, []),
                "open311_device_id": submission.device_id if submission else "",
                "open311_account_id": submission.account_id if submission else "",
            }
        )
    return rows


def _phone(citizen: Citizen) -> dict[str, Any]:
    profile = PhoneProfile.objects.filter(citizen=citizen).first()
    return {
        "language_chosen_at": _when(profile.language_chosen_at) if profile else None,
        "ussd_sessions": [
            {
                "session_id": s.session_id,
                "started_at": _when(s.started_at),
                "network_code": s.network_code,
                "last_text": s.last_text,
                "issue": s.issue_id,
            }
            for s in UssdSession.objects.filter(citizen=citizen).order_by("id")
        ],
        "text_messages": [
            {
                "received_at": _when(m.received_at),
                "to": m.to,
                "text": m.text,
                "reply": m.reply,
                "outcome": m.outcome,
                "issue": m.issue_id,
            }
            for m in InboundSms.objects.filter(citizen=citizen).order_by("id")
        ],
    }


def export_personal_data(citizen: Citizen) -> dict[str, Any]:
    """Every row held about `citizen`, as plain JSON-ready data."""
    preference = Preference.objects.filter(citizen=citizen).first()
    return {
        "exported_at": _when(timekeeping.now()),
        "citizen": {
            "id": citizen.pk,
            "name": citizen.name,
            "email": citizen.email,
            "phone": citizen.phone,
            "alert_channel": citizen.alert_channel,
            "language": citizen.language,
            "created_at": _when(citizen.created_at),
            "erased_at": _when(citizen.erased_at),
        },
        "account": _account(citizen.user),
        "alert_preferences": {
            "push": preference.push if preference else False,
            "quiet_from": _when(preference.quiet_from) if preference else None,
            "quiet_until": _when(preference.quiet_until) if preference else None,
            "per_issue": [
                {"issue": c.issue_id, "channel": c.channel, "chosen_at": _when(c.chosen_at)}
                for c in IssueAlertChoice.objects.filter(citizen=citizen).order_by("id")
            ],
        },
        "browser_push_subscriptions": [
            {
                "endpoint": s.endpoint,
                "p256dh": s.p256dh,
                "auth": s.auth,
                "created_at": _when(s.created_at),
            }
            for s in PushSubscription.objects.filter(citizen=citizen).order_by("id")
        ],
        "issues_reported": _reported(citizen),
        "pushes": [
            {"issue": p.issue_id, "at": _when(p.created_at)}
            for p in Push.objects.filter(citizen=citizen).order_by("id")
        ],
        "follows": [
            {"issue": f.issue_id, "at": _when(f.created_at)}
            for f in Follow.objects.filter(citizen=citizen).order_by("id")
        ],
        "feedback": [
            {
                "issue": f.issue_id,
                "rating": f.rating,
                "fixed": f.fixed,
                "comment": f.comment,
                "at": _when(f.created_at),
            }
            for f in Feedback.objects.filter(citizen=citizen).order_by("id")
        ],
        "alerts": [
            {
                "kind": a.kind,
                "channel": a.channel,
                "state": a.state,
                "issue": a.issue_id,
                "created_at": _when(a.created_at),
                "sent_at": _when(a.sent_at),
            }
            for a in Alert.objects.filter(citizen=citizen).order_by("id")
        ],
        "phone": _phone(citizen),
        "redacted_by_staff": [
            {
                "issue": r.issue_id,
                "what": r.target,
                "original": r.original,
                "shown_instead": r.replacement,
                "at": _when(r.created_at),
            }
            for r in _moderated_originals(citizen).order_by("id")
        ],
    }


def _moderated_originals(citizen: Citizen):
    """Staff's redactions of the citizen's own words (their reports' descriptions, their
    feedback, their answers to staff): the originals kept for audit."""
    reported = Issue.objects.filter(reporter=citizen).values("pk")
    feedback = Feedback.objects.filter(citizen=citizen).values("pk")
    answers = Event.objects.filter(issue__in=reported, kind__in=CITIZEN_NOTE_KINDS).values("pk")
    Target = Moderation.Target
    return Moderation.objects.filter(
        Q(target=Target.DESCRIPTION, issue__in=reported)
        | Q(target=Target.FEEDBACK, object_id__in=feedback)
        | Q(target=Target.NOTE, object_id__in=answers)
    )


@transaction.atomic
def erase_citizen(citizen: Citizen) -> Citizen:
    """Erase every personal field held about `citizen` (POPIA). Their reports, pushes and
    feedback ratings stay, unnamed; the row stays, blank, so that they count once. A staff
    account is closed by an administrator, not here."""
    citizen = Citizen.objects.select_for_update().get(pk=citizen.pk)
    user = citizen.user
    if user is not None and (user.is_staff or user.is_superuser):
        raise ValidationError(_("Staff accounts are closed by an administrator."))
    _moderated_originals(citizen).update(original="")
    reported = Issue.objects.filter(reporter=citizen).values("pk")
    Submission.objects.filter(issue__in=reported).update(device_id="", account_id="")
    Event.objects.filter(issue__in=reported, kind__in=CITIZEN_NOTE_KINDS).update(note="")
    Feedback.objects.filter(citizen=citizen).update(comment="")
    Follow.objects.filter(citizen=citizen).delete()
    PushSubscription.objects.filter(citizen=citizen).delete()
    Preference.objects.filter(citizen=citizen).delete()
    IssueAlertChoice.objects.filter(citizen=citizen).delete()
    PhoneProfile.objects.filter(citizen=citizen).delete()
    UssdSession.objects.filter(citizen=citizen).delete()
    InboundSms.objects.filter(citizen=citizen).delete()
    Alert.objects.filter(citizen=citizen, state=Alert.State.PENDING).update(
        state=Alert.State.CANCELLED
    )
    # The outbox keeps that an alert went out, not what it said or to where.
    Alert.objects.filter(citizen=citizen).update(payload={}, last_error="", digest_key="")
    citizen.name = citizen.email = citizen.phone = ""
    citizen.alert_channel = AlertChannel.NONE
    citizen.erased_at = timekeeping.now()
    citizen.user = None
    citizen.save(update_fields=["name", "email", "phone", "alert_channel", "erased_at", "user"])
    if user is not None:
        user.delete()
    return citizen
