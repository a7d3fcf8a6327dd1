"""Hiding photos and redacting citizens' text, one use case a function, each in one
transaction. The issue's own rows keep only the redacted text (so every page, feed,
Open311 answer and export shows it without knowing about moderation); the original goes to
a Moderation row for audit; a public timeline event says that staff moderated, never what
was there. Only staff of the issue's unit, its jurisdiction's dispatchers and superusers
may moderate (units.access)."""

import uuid
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from civicdesk import timekeeping
from civicdesk.accounts.models import User
from civicdesk.issues.models import Feedback, Issue, Photo
from civicdesk.issues.services.common import lock_issue
from civicdesk.moderation.models import Moderation
from civicdesk.timeline.models import Event
from civicdesk.timeline.services import record
from civicdesk.units.access import require_issue

Target = Moderation.Target
# What replaces a text when staff give no replacement of their own.
REMOVED = "[removed by staff]"
HIDDEN_FOLDER = "hidden"


def _checked(issue: Issue, moderator: User, reason: str, replacement: str) -> tuple[str, str]:
    require_issue(moderator, issue)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why (kept for audit, not shown to the public).")})
    return reason.strip(), replacement.strip() or REMOVED


def _moderated(
    issue: Issue,
    moderator: User,
    target: str,
    *,
    object_id=None,
    original="",
    replacement="",
    reason: str,
) -> Moderation:
    now = timekeeping.now()
    Issue.objects.filter(pk=issue.pk).update(updated_at=now)
    record(
        issue=issue, kind="moderated", actor=moderator, actor_role="staff", to_value=target, at=now
    )
    return Moderation.objects.create(
        issue=issue,
        target=target,
        object_id=object_id,
        original=original,
        replacement=replacement,
        reason=reason,
        moderator=moderator,
        created_at=now,
    )


@transaction.atomic
def redact_description(
    issue: Issue, moderator: User, *, reason: str, replacement: str = ""
) -> Moderation:
    reason, replacement = _checked(issue, moderator, reason, replacement)
    issue = lock_issue(issue)
    original = issue.description
    Issue.objects.filter(pk=issue.pk).update(description=replacement)
    return _moderated(
        issue,
        moderator,
        Target.DESCRIPTION,
        original=original,
        replacement=replacement,
        reason=reason,
    )


@transaction.atomic
def redact_note(event: Event, moderator: User, *, reason: str, replacement: str = "") -> Moderation:
    """Redact the note of one of an issue's own events (a rejection reason also where the
    issue keeps it)."""
    if event.issue_id is None or not event.note:
        raise ValidationError(
            {"note": _("Only a note of an issue's own timeline can be redacted.")}
        )
    issue = Issue.objects.get(pk=event.issue_id)
    reason, replacement = _checked(issue, moderator, reason, replacement)
    issue = lock_issue(issue)
    event = Event.objects.get(pk=event.pk)
    original = event.note
    Event.objects.filter(pk=event.pk).update(note=replacement)
    if issue.rejection_reason and issue.rejection_reason == original:
        Issue.objects.filter(pk=issue.pk).update(rejection_reason=replacement)
    return _moderated(
        issue,
        moderator,
        Target.NOTE,
        object_id=event.pk,
        original=original,
        replacement=replacement,
        reason=reason,
    )


@transaction.atomic
def redact_feedback(
    feedback: Feedback, moderator: User, *, reason: str, replacement: str = ""
) -> Moderation:
    issue = Issue.objects.get(pk=feedback.issue_id)
    reason, replacement = _checked(issue, moderator, reason, replacement)
    issue = lock_issue(issue)
    feedback = Feedback.objects.get(pk=feedback.pk)
    original = feedback.comment
    Feedback.objects.filter(pk=feedback.pk).update(comment=replacement)
    return _moderated(
        issue,
        moderator,
        Target.FEEDBACK,
        object_id=feedback.pk,
        original=original,
        replacement=replacement,
        reason=reason,
    )


@transaction.atomic
def hide_photo(photo: Photo, moderator: User, *, reason: str) -> Moderation:
    """Hide a photo: no public page, feed or API shows or serves it any more, and its file
    moves to a new, unguessable name, so that an address someone kept leads nowhere."""
    issue = Issue.objects.get(pk=photo.issue_id)
    reason, _replacement = _checked(issue, moderator, reason, "")
    issue = lock_issue(issue)
    photo = Photo.objects.select_for_update().get(pk=photo.pk)
    if photo.hidden:
        raise ValidationError({"photo": _("This photo is hidden already.")})
    old_name = photo.image.name
    storage = photo.image.storage
    with photo.image.open("rb") as stored:
        content = stored.read()
    suffix = PurePosixPath(old_name).suffix or ".jpg"
    new_name = storage.save(f"{HIDDEN_FOLDER}/{uuid.uuid4().hex}{suffix}", ContentFile(content))
    Photo.objects.filter(pk=photo.pk).update(hidden=True, image=new_name)
    transaction.on_commit(lambda: storage.delete(old_name))
    return _moderated(
        issue,
        moderator,
        Target.PHOTO,
        object_id=photo.pk,
        original=old_name,
        replacement=new_name,
        reason=reason,
    )
