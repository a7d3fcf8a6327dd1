"""Forwarding issues to outside providers and bringing their updates back.

An issue routed to an outside unit with a provider gets a Forwarding row in the routing
transaction; a task sends it after the commit, with retries and growing delays. Open311
providers' updates come back by pulling (`pull_all_updates`, periodic) or by push
(`receive_update`, behind POST servicerequestupdates)."""

import logging
from collections.abc import Mapping
from datetime import datetime, timedelta

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q

from civicdesk import timekeeping
from civicdesk.forwarding.client import Open311Client, ProviderError
from civicdesk.forwarding.models import Forwarding, Provider
from civicdesk.forwarding.outbound import email_message, request_fields
from civicdesk.forwarding.updates import apply_update, from_request, from_update
from civicdesk.issues.models import FINAL_STATUSES, Issue
from civicdesk.open311.models import ClientApplication
from civicdesk.timeline.services import record

log = logging.getLogger(__name__)

RETRY_BASE = timedelta(minutes=1)
RETRY_MAX = timedelta(hours=6)
# A send claimed longer ago than this was lost with its worker: it is tried again.
SENDING_LEASE = timedelta(minutes=5)
# How far back the first pull of servicerequestupdates looks, and how much each pull
# overlaps the previous one (for clocks that disagree a little).
FIRST_PULL = timedelta(days=1)
PULL_OVERLAP = timedelta(minutes=5)
IDS_PER_CALL = 50
ACTIVE = (Forwarding.State.PENDING, Forwarding.State.SENDING, Forwarding.State.TOKEN)


def _client(provider: Provider) -> Open311Client:
    return Open311Client(
        provider.endpoint, api_key=provider.api_key, jurisdiction_id=provider.jurisdiction_id
    )


def _enqueue(forwarding: Forwarding) -> None:
    from civicdesk.forwarding.tasks import forward_issue

    transaction.on_commit(
        lambda: forward_issue.using(run_after=forwarding.next_attempt_at).enqueue(forwarding.pk)
    )


def queue_forwarding(issue: Issue) -> Forwarding | None:
    """Call in the transaction that routed `issue`: withdraw what went to other providers
    and, if its unit is an outside one with an active provider, queue the send."""
    Forwarding.objects.filter(issue=issue, state__in=ACTIVE + (Forwarding.State.SENT,)).exclude(
        provider__unit_id=issue.unit_id
    ).update(state=Forwarding.State.WITHDRAWN)
    if issue.unit is None or not issue.unit.is_external:
        return None
    provider = Provider.objects.filter(unit=issue.unit, active=True).first()
    if provider is None:
        return None
    forwarding = Forwarding.objects.create(
        issue=issue,
        provider=provider,
        next_attempt_at=timekeeping.now(),
        created_at=timekeeping.now(),
    )
    _enqueue(forwarding)
    return forwarding


def _claim(forwarding_id: int, now: datetime) -> Forwarding | None:
    """Take a due send for this process; None if another has it or it is not due."""
    claimed = Forwarding.objects.filter(
        pk=forwarding_id, state=Forwarding.State.PENDING, next_attempt_at__lte=now
    ).update(state=Forwarding.State.SENDING, attempts=F("attempts") + 1, claimed_at=now)
    if not claimed:
        return None
    return Forwarding.objects.select_related(
        "provider__unit", "issue__issue_type", "issue__reporter"
    ).get(pk=forwarding_id)


def backoff(attempts: int) -> timedelta:
    return min(RETRY_BASE * 2 ** max(attempts - 1, 0), RETRY_MAX)


def forward(forwarding_id: int) -> Forwarding | None:
    """Send one queued forwarding if it is due. The call to the provider runs outside any
    transaction; a failure is retried later, up to the provider's maximum of attempts."""
    now = timekeeping.now()
    forwarding = _claim(forwarding_id, now)
    if forwarding is None:
        return None
    provider, issue = forwarding.provider, forwarding.issue
    try:
        if provider.kind == Provider.Kind.EMAIL:
            email_message(issue, provider).send()
            answer = {}
        else:
            answer = _client(provider).post_request(request_fields(issue, provider))
    except (ProviderError, OSError) as exc:
        return _failed(forwarding, str(exc), permanent=getattr(exc, "permanent", False))
    with transaction.atomic():
        forwarding.sent_at = timekeeping.now()
        forwarding.token = answer.get("token", "")
        forwarding.last_error = ""
        forwarding.save(update_fields=["sent_at", "token", "last_error"])
        _sent(forwarding, answer.get("service_request_id", ""))
    return forwarding


def _failed(forwarding: Forwarding, error: str, *, permanent: bool) -> Forwarding:
    """Schedule the next try, or give up; staff see why in an internal event."""
    now = timekeeping.now()
    give_up = permanent or forwarding.attempts >= forwarding.provider.max_attempts
    forwarding.last_error = error[:2000]
    if give_up:
        forwarding.state = Forwarding.State.FAILED
        forwarding.next_attempt_at = None
    else:
        forwarding.state = Forwarding.State.PENDING
        forwarding.next_attempt_at = now + backoff(forwarding.attempts)
    with transaction.atomic():
        forwarding.save(update_fields=["state", "next_attempt_at", "last_error"])
        if give_up:
            record(
                issue=forwarding.issue,
                kind="forward_failed",
                to_value=str(forwarding.provider.unit),
                note=forwarding.last_error,
                public=False,
                at=now,
            )
        else:
            _enqueue(forwarding)
    log.warning("forwarding %s, try %s: %s", forwarding.pk, forwarding.attempts, error)
    return forwarding


def _sent(forwarding: Forwarding, service_request_id: str) -> None:
    """The provider has the issue. With its id known, keep it as the issue's reference
    and tell the citizen where the issue went; a token waits to be resolved."""
    now = timekeeping.now()
    forwarding.claimed_at = None
    if forwarding.provider.kind == Provider.Kind.OPEN311 and not service_request_id:
        forwarding.state = Forwarding.State.TOKEN
        forwarding.next_attempt_at = now
        forwarding.save(update_fields=["state", "next_attempt_at", "claimed_at"])
        return
    forwarding.state = Forwarding.State.SENT
    forwarding.service_request_id = service_request_id
    forwarding.next_attempt_at = None
    forwarding.save(update_fields=["state", "service_request_id", "next_attempt_at", "claimed_at"])
    unit = forwarding.provider.unit
    issue = forwarding.issue
    if service_request_id:
        Issue.objects.filter(pk=issue.pk, unit=unit).update(
            provider_reference=service_request_id, updated_at=now
        )
    how = f"reference {service_request_id}" if service_request_id else "by e-mail"
    record(issue=issue, kind="forwarded", to_value=unit.name, note=f"Sent to {unit}, {how}", at=now)


def resolve_token(forwarding: Forwarding) -> bool:
    """Ask the provider for the id behind the token it answered with; True once known."""
    try:
        service_request_id = _client(forwarding.provider).resolve_token(forwarding.token)
    except ProviderError as exc:
        log.warning("token of forwarding %s: %s", forwarding.pk, exc)
        return False
    if not service_request_id:
        return False
    with transaction.atomic():
        locked = Forwarding.objects.select_for_update().get(pk=forwarding.pk)
        if locked.state != Forwarding.State.TOKEN:
            return locked.state == Forwarding.State.SENT
        forwarding.refresh_from_db()
        _sent(forwarding, service_request_id)
    return True


@transaction.atomic
def retry(forwarding: Forwarding) -> Forwarding:
    """Staff try a failed forwarding again (after fixing the provider's settings)."""
    if forwarding.state != Forwarding.State.FAILED:
        raise ValidationError(
            {"state": f"only a failed forwarding is retried, not {forwarding.state}"}
        )
    forwarding.state = Forwarding.State.PENDING
    forwarding.attempts = 0
    forwarding.next_attempt_at = timekeeping.now()
    forwarding.save(update_fields=["state", "attempts", "next_attempt_at"])
    _enqueue(forwarding)
    return forwarding


def forward_due() -> int:
    """Send every forwarding that is due, including sends lost with a crashed worker.
    The tasks queued on routing normally do this; the sweep catches what they missed."""
    now = timekeeping.now()
    Forwarding.objects.filter(
        state=Forwarding.State.SENDING, claimed_at__lt=now - SENDING_LEASE
    ).update(state=Forwarding.State.PENDING, next_attempt_at=now)
    due = Forwarding.objects.filter(state=Forwarding.State.PENDING, next_attempt_at__lte=now)
    return sum(forward(pk) is not None for pk in due.values_list("pk", flat=True))


def _tracked(provider: Provider):
    """Forwardings whose issue is still with the provider and can still change."""
    return Forwarding.objects.filter(
        provider=provider,
        state=Forwarding.State.SENT,
        issue__unit_id=provider.unit_id,
    ).exclude(Q(service_request_id="") | Q(issue__status__in=FINAL_STATUSES))


def pull_updates(provider: Provider) -> int:
    """Bring one Open311 provider's news here: resolve tokens, then apply its
    servicerequestupdates since the last pull, then the current state of each tracked
    request (for providers without the updates extension). Returns updates applied."""
    for forwarding in provider.forwardings.filter(state=Forwarding.State.TOKEN):
        resolve_token(forwarding)
    client = _client(provider)
    # Dates go out in whole seconds: round up, or this second's updates would wait.
    now = timekeeping.now().replace(microsecond=0) + timedelta(seconds=1)
    start = (provider.pulled_until or now - FIRST_PULL) - PULL_OVERLAP
    tracked = {f.service_request_id: f for f in _tracked(provider)}
    applied = 0
    try:
        for entry in _updates_feed(client, provider, start, now):
            forwarding = tracked.get(str(entry.get("service_request_id", "")))
            if forwarding is not None:
                applied += _apply_pulled(forwarding, entry, from_update)
        ids = sorted(tracked)
        for chunk in (ids[i : i + IDS_PER_CALL] for i in range(0, len(ids), IDS_PER_CALL)):
            for request in client.requests(chunk):
                forwarding = tracked.get(str(request.get("service_request_id", "")))
                if forwarding is not None:
                    applied += _apply_pulled(forwarding, request, from_request)
    except ProviderError as exc:
        Provider.objects.filter(pk=provider.pk).update(last_pull_error=str(exc)[:2000])
        raise
    Provider.objects.filter(pk=provider.pk).update(pulled_until=now, last_pull_error="")
    return applied


def _updates_feed(client: Open311Client, provider: Provider, start: datetime, end: datetime):
    """The provider's servicerequestupdates; a provider without that extension refuses
    the call, and its requests' states are all there is."""
    try:
        return client.updates(start, end)
    except ProviderError as exc:
        if not exc.permanent:
            raise
        log.info("%s has no servicerequestupdates: %s", provider, exc)
        return []


def _apply_pulled(forwarding: Forwarding, entry: dict, parse) -> int:
    try:
        update = parse(entry)
    except ValidationError as exc:
        log.warning("provider %s sent a bad update: %s", forwarding.provider_id, exc)
        return 0
    return int(apply_update(forwarding, update))


def has_active_providers() -> bool:
    """Whether the periodic pull has anyone to ask (the scheduler's cheap check)."""
    return Provider.objects.filter(active=True).exists()


def pull_all_updates() -> dict[str, int]:
    """The periodic job: send what is due, then pull every active Open311 provider. One
    provider being down does not stop the others."""
    counts = {"forwarded": forward_due(), "updates": 0, "providers_failed": 0}
    for provider in Provider.objects.filter(active=True, kind=Provider.Kind.OPEN311):
        try:
            counts["updates"] += pull_updates(provider)
        except ProviderError as exc:
            log.warning("pulling from %s: %s", provider, exc)
            counts["providers_failed"] += 1
    return counts


def receive_update(*, application: ClientApplication, params: Mapping[str, str]) -> str:
    """An update pushed by a provider to POST servicerequestupdates with its own key.
    `service_request_id` is the provider's id. Returns the update_id to echo back.

    Raises PermissionDenied if `application` is no provider's push key, ValidationError
    for bad or missing fields, ObjectDoesNotExist if no issue of that provider has the id."""
    providers = Provider.objects.filter(push_application=application, active=True)
    if not providers.exists():
        raise PermissionDenied(f"{application} is not a provider's key for pushing updates")
    update = from_update(params)
    forwarding = (
        Forwarding.objects.filter(
            provider__in=providers,
            service_request_id=str(params["service_request_id"]).strip(),
            state=Forwarding.State.SENT,
        )
        .order_by("-pk")
        .first()
    )
    if forwarding is None:
        raise ObjectDoesNotExist(
            f"no issue with service_request_id {params['service_request_id']} is with this provider"
        )
    apply_update(forwarding, update)
    return update.update_id
