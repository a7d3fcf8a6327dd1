"""Delivering the outbox. A worker claims due alerts with a conditional update (pending →
sending, with a lease), sends one message per recipient and digest key, and records each
message's outcome as soon as it is known: a worker killed mid-batch leaves its unsent
alerts to be claimed again when the lease runs out, and none that went out is resent."""

import logging
import secrets
from collections import Counter
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core import signing
from django.db.models import Q, QuerySet

from civicdesk import timekeeping
from civicdesk.accounts.models import AlertChannel
from civicdesk.alerts.channels import DeliveryError
from civicdesk.alerts.channels.email import EmailSender
from civicdesk.alerts.channels.push import send_push
from civicdesk.alerts.channels.sms import SmsSender
from civicdesk.alerts.messages import compose, unsubscribe_path
from civicdesk.alerts.models import Alert, IssueAlertChoice, PushSubscription

logger = logging.getLogger(__name__)
Channel = Alert.Channel
State = Alert.State
UNSUBSCRIBE_SALT = "civicdesk.alerts.unsubscribe"


class Undeliverable(Exception):
    """Nothing to send to (no address, erased, alerts about the issue turned off): the alert
    is cancelled."""


def _claimable(now: datetime) -> Q:
    lease = now - timedelta(seconds=settings.ALERTS_LEASE_SECONDS)
    return Q(state=State.PENDING, next_attempt_at__lte=now) | Q(
        state=State.SENDING, claimed_at__lt=lease
    )


def has_due_alerts() -> bool:
    return Alert.objects.filter(_claimable(timekeeping.now())).exists()


def claim(limit: int, now: datetime) -> list[Alert]:
    """Take up to `limit` due alerts, and the rest of their digests (a recipient's alerts
    sharing a digest key), for this worker alone."""
    token = secrets.token_hex(8)
    picked = list(
        Alert.objects.filter(_claimable(now))
        .order_by("next_attempt_at", "id")
        .values_list("id", "citizen_id", "digest_key")[:limit]
    )
    if not picked:
        return []
    together = Q(id__in=[pk for pk, _, _ in picked])
    for citizen_id, digest_key in {(c, d) for _, c, d in picked if c and d}:
        together |= Q(citizen_id=citizen_id, digest_key=digest_key)
    # One statement, its condition checked again under each row's lock: of two workers
    # one wins each alert, and a digest is never split between them (each would send its
    # part as a message of its own).
    Alert.objects.filter(_claimable(now)).filter(together).update(
        state=State.SENDING, claimed_at=now, claim=token
    )
    return list(
        # The partial index on claimed_at (alerts being sent) finds them.
        Alert.objects.filter(state=State.SENDING, claimed_at=now, claim=token)
        .select_related("citizen__alert_preference", "user", "unit", "issue")
        .prefetch_related("citizen__push_subscriptions")
        .order_by("id")
    )


def _groups(alerts: list[Alert]) -> list[list[Alert]]:
    groups: dict[tuple, list[Alert]] = {}
    for alert in alerts:
        if alert.citizen_id and alert.digest_key:
            key: tuple = ("digest", alert.citizen_id, alert.digest_key, alert.channel)
        else:
            key = ("alert", alert.pk)
        groups.setdefault(key, []).append(alert)
    return list(groups.values())


def quiet_until(alert: Alert, now: datetime) -> datetime | None:
    """The end of the citizen's quiet hours if `now` falls in them (SMS and push only)."""
    preference = getattr(alert.citizen, "alert_preference", None) if alert.citizen else None
    if preference is None or preference.quiet_from is None or preference.quiet_until is None:
        return None
    tz = ZoneInfo(settings.TIME_ZONE)
    local = now.astimezone(tz)
    start, end = preference.quiet_from, preference.quiet_until
    t = local.time()
    inside = start <= t < end if start < end else (t >= start or t < end)
    if not inside:
        return None
    day = local.date() if t < end else local.date() + timedelta(days=1)
    return datetime.combine(day, end, tzinfo=tz)


def unsubscribe_token(citizen_id: int) -> str:
    return signing.dumps(citizen_id, salt=UNSUBSCRIBE_SALT)


def read_unsubscribe_token(token: str) -> int:
    """The citizen id in a token; raises signing.BadSignature when forged."""
    return int(signing.loads(token, salt=UNSUBSCRIBE_SALT))


class Senders:
    """The open connections of one batch, closed together."""

    def __init__(self) -> None:
        self.email = EmailSender()
        self.sms = SmsSender()

    def close(self) -> None:
        self.email.close()
        self.sms.close()


def _send(group: list[Alert], senders: Senders, now: datetime) -> datetime | None:
    """Send one message for a group, or say until when it waits (quiet hours). Raises
    Undeliverable or DeliveryError when it did not go out."""
    first = group[0]
    citizen = first.citizen
    if citizen is not None:
        if citizen.erased_at is not None:
            raise Undeliverable("the citizen's data was erased")
        language = citizen.language or settings.LANGUAGE_CODE
        preference = getattr(citizen, "alert_preference", None)
        subscriptions = list(citizen.push_subscriptions.all())
        channel = first.channel
        if preference is not None and preference.push and subscriptions:
            channel = Channel.PUSH
        if channel in (Channel.SMS, Channel.PUSH) and (until := quiet_until(first, now)):
            return until
        if channel == Channel.PUSH:
            message = compose(group, language, None)
            payload = {"title": "Civic Desk", "body": message.headline, "url": message.url}
            _push_all(subscriptions, payload)
        elif channel == Channel.SMS:
            if not citizen.phone:
                raise Undeliverable("no phone number")
            senders.sms.send(citizen.phone, compose(group, language, None).sms)
        else:
            if not citizen.email:
                raise Undeliverable("no e-mail address")
            message = compose(group, language, unsubscribe_path(unsubscribe_token(citizen.pk)))
            senders.email.send(
                citizen.email, message.subject, message.text, message.html, message.unsubscribe_url
            )
        return None
    address = first.user.email if first.user else first.payload.get("to") or first.unit.email
    if not address:
        if first.channel == Channel.INBOX:
            return None  # the staff inbox is the alert itself
        raise Undeliverable("no e-mail address")
    message = compose(group, settings.LANGUAGE_CODE, None)
    senders.email.send(address, message.subject, message.text, message.html, None)
    return None


def _push_all(subscriptions: list[PushSubscription], payload: dict) -> None:
    """Push to every browser of the citizen; forget the ones the push service says are
    gone. Fails only when no browser took the message."""
    delivered, errors = 0, []
    for subscription in subscriptions:
        try:
            send_push(subscription.info(), payload)
            delivered += 1
        except DeliveryError as exc:
            errors.append(exc)
            if exc.permanent:
                subscription.delete()
    if not delivered:
        raise DeliveryError("; ".join(map(str, errors)), permanent=all(e.permanent for e in errors))


def backoff(attempts: int) -> timedelta:
    seconds = settings.ALERTS_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, settings.ALERTS_RETRY_MAX_SECONDS))


def _settle(group: list[Alert], token: str, **fields) -> None:
    # Only while the claim is still ours (a lease that ran out may have passed them on).
    Alert.objects.filter(id__in=[a.pk for a in group], claim=token).update(claim="", **fields)


def _turned_off(group: list[Alert]) -> list[Alert]:
    """The alerts of a citizen's group about issues they chose no alerts for, maybe after
    the alerts were written (a digest may span several issues)."""
    first = group[0]
    issue_ids = {a.issue_id for a in group if a.issue_id}
    if not (first.citizen_id and issue_ids):
        return []
    off = set(
        IssueAlertChoice.objects.filter(
            citizen_id=first.citizen_id, issue_id__in=issue_ids, channel=AlertChannel.NONE
        ).values_list("issue_id", flat=True)
    )
    return [a for a in group if a.issue_id in off]


def _deliver(group: list[Alert], senders: Senders, now: datetime) -> str:
    first = group[0]
    token = first.claim
    if off := _turned_off(group):
        _settle(off, token, state=State.CANCELLED, last_error="alerts about the issue are off")
        group = [a for a in group if a not in off]
        if not group:
            return "cancelled"
        first = group[0]
    try:
        until = _send(group, senders, now)
    except Undeliverable as exc:
        _settle(group, token, state=State.CANCELLED, last_error=str(exc))
        return "cancelled"
    except Exception as exc:
        permanent = isinstance(exc, DeliveryError) and exc.permanent
        if not isinstance(exc, DeliveryError):
            logger.exception("alert %s could not be delivered", first.pk)
        attempts = first.attempts + 1
        if permanent or attempts >= settings.ALERTS_MAX_ATTEMPTS:
            _settle(group, token, state=State.FAILED, attempts=attempts, last_error=str(exc))
            return "failed"
        _settle(
            group,
            token,
            state=State.PENDING,
            attempts=attempts,
            last_error=str(exc),
            next_attempt_at=now + backoff(attempts),
        )
        return "retried"
    if until is not None:
        _settle(group, token, state=State.PENDING, next_attempt_at=until)
        return "deferred"
    _settle(group, token, state=State.SENT, attempts=first.attempts + 1, sent_at=now)
    return "sent"


def deliver_due(limit: int | None = None) -> Counter:
    """Claim and deliver one batch of due alerts; how many groups ended how."""
    now = timekeeping.now()
    alerts = claim(limit or settings.ALERTS_BATCH_SIZE, now)
    outcomes: Counter = Counter()
    senders = Senders()
    try:
        for group in _groups(alerts):
            outcomes[_deliver(group, senders, timekeeping.now())] += 1
    finally:
        senders.close()
    return outcomes


def retry(alerts: QuerySet[Alert]) -> int:
    """Send failed (or cancelled) alerts again, from a fresh count of attempts."""
    return alerts.filter(state__in=[State.FAILED, State.CANCELLED]).update(
        state=State.PENDING, attempts=0, next_attempt_at=timekeeping.now(), last_error=""
    )
