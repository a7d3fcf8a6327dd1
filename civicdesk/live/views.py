"""Server-sent events: an issue's public timeline (anyone; no personal data) and a unit's
inbox (its staff only). Event ids are the SSE ids, so a browser reconnecting with
Last-Event-ID gets exactly what it missed."""

import json
import logging
import time
from collections.abc import Callable, Iterator

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import close_old_connections
from django.db.models import QuerySet
from django.http import HttpRequest, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from civicdesk.issues.models import Issue
from civicdesk.live.feed import Waiter, channel_names, public_events_of_issue
from civicdesk.timeline.models import Event
from civicdesk.twofactor import gate
from civicdesk.units.access import scope_of
from civicdesk.units.models import BusinessUnit

BATCH = 100
logger = logging.getLogger(__name__)


def public_event(event: Event) -> dict:
    return {
        "issue": event.issue_id,
        "activity": event.activity_id,
        "kind": event.kind,
        "from": event.from_value,
        "to": event.to_value,
        "note": event.note,
        "by": event.actor_role,
        "at": event.created_at.isoformat(),
    }


def staff_event(event: Event) -> dict:
    return public_event(event) | {"public": event.public, "actor": event.actor_id}


def _cursor(request: HttpRequest, events: QuerySet[Event]) -> int:
    """Where to start: the browser's Last-Event-ID, else ?after=, else from now on."""
    raw = request.headers.get("Last-Event-ID") or request.GET.get("after")
    if raw and raw.isdecimal():
        return int(raw)
    return events.order_by("-id").values_list("id", flat=True).first() or 0


def _stream(
    events: QuerySet[Event],
    cursor: int,
    channels: list[str],
    shape: Callable[[Event], dict],
    relink: Callable[[], tuple[QuerySet[Event], list[str]]] | None = None,
) -> Iterator[str]:
    """Send the events after `cursor`, then wait for more. When the issue's links to
    activities change, `relink` gives the events and channels to follow from then on."""
    waiter = Waiter(channels)
    started = last_sent = time.monotonic()
    try:
        yield "retry: 2000\n\n"
        while time.monotonic() - started < settings.LIVE_STREAM_SECONDS:
            batch = list(events.filter(id__gt=cursor).order_by("id")[:BATCH])
            for event in batch:
                cursor = event.pk
                yield f"id: {event.pk}\nevent: {event.kind}\ndata: {json.dumps(shape(event))}\n\n"
            if relink and any(e.kind in ("linked", "unlinked") for e in batch):
                events, more = relink()
                waiter.listen(more)
            if batch:
                last_sent = time.monotonic()
                continue
            if time.monotonic() - last_sent >= settings.LIVE_KEEPALIVE_SECONDS:
                yield ": keepalive\n\n"
                last_sent = time.monotonic()
            close_old_connections()  # hold no connection while waiting
            waiter.wait(settings.LIVE_KEEPALIVE_SECONDS)
    except Exception as exc:
        # The database or Redis went away (a restart, a shut-down): end this stream; the
        # browser reconnects after the retry delay with its Last-Event-ID and misses nothing.
        logger.warning("live stream ended: %r", exc)
    finally:
        waiter.close()


def _response(stream: Iterator[str]) -> StreamingHttpResponse:
    response = StreamingHttpResponse(stream, content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # proxies must not hold events back
    return response


@require_GET
def issue_events(request: HttpRequest, issue_id: int) -> StreamingHttpResponse:
    """An issue's public timeline, with the public events of its activities."""
    issue = get_object_or_404(Issue, pk=issue_id)

    def relink() -> tuple[QuerySet[Event], list[str]]:
        events, activity_ids = public_events_of_issue(issue.pk)
        return events, channel_names(issue.pk, None, activity_ids)

    events, channels = relink()
    cursor = _cursor(request, events)
    return _response(_stream(events, cursor, channels, public_event, relink))


@require_GET
def unit_events(request: HttpRequest, unit_id: int) -> StreamingHttpResponse:
    unit = get_object_or_404(BusinessUnit, pk=unit_id)
    if not scope_of(request.user).covers_unit(unit) or gate.missing_step(request):
        raise PermissionDenied
    events = Event.objects.filter(issue__unit_id=unit.pk)
    cursor = _cursor(request, events)
    return _response(_stream(events, cursor, channel_names(None, unit.pk), staff_event))
