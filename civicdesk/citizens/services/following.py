"""Following an issue, and how its alerts reach the citizen.

A citizen follows an issue they reported or pushed already; others follow it by a Follow
row. Per issue a citizen may choose a channel other than their global one
(alerts.IssueAlertChoice: e-mail, SMS or none), honoured when alerts are written and,
for none, again at delivery. Unfollowing one's own report or push chooses none, and
following it again lifts that, so "following" always means "gets the issue's alerts"."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, CharField, Q, QuerySet, Value, When
from django.utils.translation import gettext as _

from civicdesk.accounts.models import AlertChannel, Citizen
from civicdesk.alerts.models import IssueAlertChoice
from civicdesk.alerts.preferences import set_issue_channel
from civicdesk.following.models import Follow
from civicdesk.issues.models import Issue, Push

# The choice that removes a per-issue channel: alerts go on the citizen's global channel.
DEFAULT = "default"
ISSUE_CHANNELS = (DEFAULT, AlertChannel.EMAIL, AlertChannel.SMS, AlertChannel.NONE)


def issues_of(citizen: Citizen) -> QuerySet[Issue]:
    """The issues a citizen reported, pushes or follows ("My issues"), each annotated with
    `relation`: reported, pushed or following."""
    pushed = Push.objects.filter(citizen=citizen).values("issue_id")
    followed = Follow.objects.filter(citizen=citizen).values("issue_id")
    return Issue.objects.filter(
        Q(reporter=citizen) | Q(id__in=pushed) | Q(id__in=followed)
    ).annotate(
        relation=Case(
            When(reporter=citizen, then=Value("reported")),
            When(id__in=pushed, then=Value("pushed")),
            default=Value("following"),
            output_field=CharField(),
        )
    )


def _reported_or_pushed(issue: Issue, citizen: Citizen) -> bool:
    return (
        issue.reporter_id == citizen.pk
        or Push.objects.filter(issue=issue, citizen=citizen).exists()
    )


def _turned_off(issue: Issue, citizen: Citizen) -> bool:
    return IssueAlertChoice.objects.filter(
        issue=issue, citizen=citizen, channel=AlertChannel.NONE
    ).exists()


def _lift_none(issue: Issue, citizen: Citizen) -> bool:
    lifted, _ = IssueAlertChoice.objects.filter(
        issue=issue, citizen=citizen, channel=AlertChannel.NONE
    ).delete()
    return bool(lifted)


@transaction.atomic
def follow(issue: Issue, citizen: Citizen) -> bool:
    """Get the issue's alerts from now on; True when the citizen was not following it. A
    choice of e-mail or SMS for the issue stays; a choice of none is lifted."""
    lifted = _lift_none(issue, citizen)
    if _reported_or_pushed(issue, citizen):
        return lifted
    try:
        with transaction.atomic():
            Follow.objects.create(issue=issue, citizen=citizen)
    except IntegrityError:  # followed already (or concurrently)
        return lifted
    return True


@transaction.atomic
def unfollow(issue: Issue, citizen: Citizen) -> bool:
    """Stop the issue's alerts; True when the citizen was following it."""
    unfollowed, _ = Follow.objects.filter(issue=issue, citizen=citizen).delete()
    if _reported_or_pushed(issue, citizen):
        return set_issue_channel(citizen, issue, AlertChannel.NONE)
    return bool(unfollowed) and not _turned_off(issue, citizen)


def is_following(issue: Issue, citizen: Citizen) -> bool:
    if _turned_off(issue, citizen):
        return False
    return _reported_or_pushed(issue, citizen) or (
        Follow.objects.filter(issue=issue, citizen=citizen).exists()
    )


def issue_channel(issue: Issue, citizen: Citizen) -> str:
    """The citizen's choice for the issue: e-mail, SMS, none, or "default" (their global
    channel)."""
    chosen = IssueAlertChoice.objects.filter(issue=issue, citizen=citizen).first()
    return chosen.channel if chosen else DEFAULT


def issue_channels(citizen: Citizen, issue_ids: list[int]) -> dict[int, str]:
    """The citizen's choices for these issues, by issue id; issues without one are left out
    (they follow the global channel)."""
    return dict(
        IssueAlertChoice.objects.filter(citizen=citizen, issue_id__in=issue_ids).values_list(
            "issue_id", "channel"
        )
    )


@transaction.atomic
def choose_issue_channel(citizen: Citizen, issue: Issue, channel: str) -> str:
    """How alerts about one issue reach the citizen: "email", "sms", "none", or "default"
    (the global channel). E-mail needs an e-mail address and SMS a phone number on the
    citizen. Choosing a way to be alerted about an issue one does not follow follows it;
    none stops its alerts, also those already waiting to be sent. Returns the channel
    the issue's alerts now go on ("none" for no alerts)."""
    if channel not in ISSUE_CHANNELS:
        raise ValidationError(
            {"channel": _("Choose your default, e-mail, SMS or no alerts.")}, code="invalid"
        )
    if channel == AlertChannel.SMS and not citizen.phone:
        raise ValidationError(
            {"channel": _("Add a mobile number on your account page to get SMS alerts.")},
            code="no_phone",
        )
    if channel == AlertChannel.EMAIL and not citizen.email:
        raise ValidationError(
            {"channel": _("Your account has no e-mail address.")}, code="no_email"
        )
    if channel != AlertChannel.NONE and not _reported_or_pushed(issue, citizen):
        Follow.objects.get_or_create(issue=issue, citizen=citizen)
    set_issue_channel(citizen, issue, None if channel == DEFAULT else channel)
    return citizen.alert_channel if channel == DEFAULT else channel
