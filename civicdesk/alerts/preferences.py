"""Citizens' choices about alerts: unsubscribing, browser push, quiet hours, and the channel
for one issue."""

from datetime import time

from django.db import transaction

from civicdesk import timekeeping
from civicdesk.accounts.models import AlertChannel, Citizen
from civicdesk.alerts.models import Alert, IssueAlertChoice, Preference, PushSubscription
from civicdesk.issues.models import Issue


@transaction.atomic
def unsubscribe(citizen_id: int) -> bool:
    """Stop all e-mail alerts to a citizen (the one-click unsubscribe link); pending ones
    are cancelled, and issues for which they chose e-mail follow their default (now none).
    False when there is no such citizen."""
    updated = Citizen.objects.filter(pk=citizen_id, alert_channel=AlertChannel.EMAIL).update(
        alert_channel=AlertChannel.NONE
    )
    IssueAlertChoice.objects.filter(citizen_id=citizen_id, channel=AlertChannel.EMAIL).delete()
    Alert.objects.filter(
        citizen_id=citizen_id, channel=Alert.Channel.EMAIL, state=Alert.State.PENDING
    ).update(state=Alert.State.CANCELLED, last_error="unsubscribed")
    return bool(updated) or Citizen.objects.filter(pk=citizen_id).exists()


@transaction.atomic
def subscribe_push(citizen: Citizen, *, endpoint: str, p256dh: str, auth: str) -> PushSubscription:
    """Register a browser for Web Push; from now on alerts go to the citizen's browsers."""
    subscription, _ = PushSubscription.objects.update_or_create(
        endpoint=endpoint, defaults={"citizen": citizen, "p256dh": p256dh, "auth": auth}
    )
    Preference.objects.update_or_create(citizen=citizen, defaults={"push": True})
    return subscription


def set_quiet_hours(citizen: Citizen, quiet_from: time | None, quiet_until: time | None) -> None:
    """No SMS or push between these local times (e-mail waits in the inbox anyway)."""
    Preference.objects.update_or_create(
        citizen=citizen, defaults={"quiet_from": quiet_from, "quiet_until": quiet_until}
    )


def set_issue_channel(citizen: Citizen, issue: Issue, channel: str | None) -> bool:
    """Alerts about one issue on this channel (e-mail, SMS or "none"), or, with None, on the
    citizen's global channel again. Checks nothing (citizens.services.following does);
    True when the choice changed."""
    if channel is None:
        deleted, _ = IssueAlertChoice.objects.filter(citizen=citizen, issue=issue).delete()
        return bool(deleted)
    changed = (
        IssueAlertChoice.objects.filter(citizen=citizen, issue=issue)
        .exclude(channel=channel)
        .update(channel=channel, chosen_at=timekeeping.now())
    )
    if changed:
        return True
    _, created = IssueAlertChoice.objects.get_or_create(
        citizen=citizen, issue=issue, defaults={"channel": channel}
    )
    return created
