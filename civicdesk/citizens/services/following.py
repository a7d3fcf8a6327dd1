"""Following an issue: getting its alerts without pushing it.

A citizen follows an issue they reported or pushed already; others follow it by a Follow
row. Unfollowing one's own report or push mutes it (alerts.IssueMute, honoured at
delivery), and following it again lifts the mute, so "following" always means "gets the
issue's alerts"."""

from django.db import IntegrityError, transaction

from civicdesk.accounts.models import Citizen
from civicdesk.alerts.models import IssueMute
from civicdesk.following.models import Follow
from civicdesk.issues.models import Issue, Push


def _reported_or_pushed(issue: Issue, citizen: Citizen) -> bool:
    return (
        issue.reporter_id == citizen.pk
        or Push.objects.filter(issue=issue, citizen=citizen).exists()
    )


@transaction.atomic
def follow(issue: Issue, citizen: Citizen) -> bool:
    """Get the issue's alerts from now on; True when the citizen was not following it."""
    unmuted, _ = IssueMute.objects.filter(issue=issue, citizen=citizen).delete()
    if _reported_or_pushed(issue, citizen):
        return bool(unmuted)
    try:
        with transaction.atomic():
            Follow.objects.create(issue=issue, citizen=citizen)
    except IntegrityError:  # followed already (or concurrently)
        return False
    return True


@transaction.atomic
def unfollow(issue: Issue, citizen: Citizen) -> bool:
    """Stop the issue's alerts; True when the citizen was following it."""
    unfollowed, _ = Follow.objects.filter(issue=issue, citizen=citizen).delete()
    if _reported_or_pushed(issue, citizen):
        _, muted = IssueMute.objects.get_or_create(issue=issue, citizen=citizen)
        return muted
    return bool(unfollowed)


def is_following(issue: Issue, citizen: Citizen) -> bool:
    if IssueMute.objects.filter(issue=issue, citizen=citizen).exists():
        return False
    return _reported_or_pushed(issue, citizen) or (
        Follow.objects.filter(issue=issue, citizen=citizen).exists()
    )
