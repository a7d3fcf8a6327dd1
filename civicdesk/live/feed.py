"""How a stream learns that there may be new events: by polling the event table, or by a
Redis pub/sub message when REDIS_URL is set. Either way the event table, read by id after
the client's cursor, is the source of truth, so a missed wake-up loses nothing."""

import json
import time
from collections.abc import Iterable

from django.conf import settings
from django.db.models import Q, QuerySet

from civicdesk.activities.models import ActivityIssue
from civicdesk.timeline.models import Event

RELAY_KEY = "civicdesk:live:relayed"
RELAY_BATCH = 1000


def channel_names(
    event_issue_id: int | None, unit_id: int | None, activity_ids: Iterable[int] = ()
) -> list[str]:
    names = [f"civicdesk:live:issue:{event_issue_id}"] if event_issue_id else []
    names += [f"civicdesk:live:activity:{a}" for a in activity_ids]
    return names + ([f"civicdesk:live:unit:{unit_id}"] if unit_id else [])


# What citizens follow of the work on their issue: its progress and the summary of the
# actions taken (status changes of the work reach the issue itself as its own events).
ACTIVITY_KINDS_FOR_CITIZENS = ("activity_progress", "activity_summary")


def public_events_of_issue(issue_id: int) -> tuple[QuerySet[Event], list[int]]:
    """An issue's public timeline, and the ids of its activities: its own public events and
    the public progress and summaries of the activities it is linked to, from the time it
    was linked. Two queries whatever the size of the history; each activity adds one
    indexed condition, so PostgreSQL still reads only the matching index entries."""
    links = list(
        ActivityIssue.objects.filter(issue_id=issue_id).values_list("activity_id", "linked_at")
    )
    of_issue = Q(issue_id=issue_id)
    for activity_id, linked_at in links:
        of_issue |= Q(
            issue__isnull=True,
            activity_id=activity_id,
            created_at__gte=linked_at,
            kind__in=ACTIVITY_KINDS_FOR_CITIZENS,
        )
    return Event.objects.filter(of_issue, public=True), [a for a, _ in links]


def redis_client():
    import redis  # only with REDIS_URL

    return redis.Redis.from_url(settings.REDIS_URL, socket_timeout=5)


class Waiter:
    """Blocks until a stream should look for new events (or the timeout passes)."""

    def __init__(self, channels: Iterable[str]) -> None:
        self.pubsub = None
        if settings.REDIS_URL:
            self.pubsub = redis_client().pubsub(ignore_subscribe_messages=True)
            self.pubsub.subscribe(*channels)

    def listen(self, channels: Iterable[str]) -> None:
        """Also wake on these channels (an issue linked to another activity)."""
        if self.pubsub is not None:
            self.pubsub.subscribe(*channels)

    def wait(self, timeout: float) -> None:
        if self.pubsub is None:
            time.sleep(min(timeout, settings.LIVE_POLL_SECONDS))
            return
        self.pubsub.get_message(timeout=timeout)

    def close(self) -> None:
        if self.pubsub is not None:
            self.pubsub.close()


def relay() -> int:
    """Publish the events written since the last relay to their issue's and unit's
    channels, or, for an activity's own events, to the activity's channel (run by the
    workers' schedulers; several relaying at once only repeat a wake-up). How many events
    were relayed."""
    client = redis_client()
    last = int(client.get(RELAY_KEY) or 0)
    if last == 0:
        newest = Event.objects.order_by("-id").values_list("id", flat=True).first()
        client.set(RELAY_KEY, newest or 0)
        return 0
    events = list(
        Event.objects.filter(id__gt=last)
        .order_by("id")
        .values_list("id", "issue_id", "issue__unit_id", "activity_id")[:RELAY_BATCH]
    )
    if not events:
        return 0
    pipe = client.pipeline()
    for event_id, issue_id, unit_id, activity_id in events:
        activities = [activity_id] if issue_id is None and activity_id else []
        for name in channel_names(issue_id, unit_id, activities):
            pipe.publish(name, json.dumps({"id": event_id}))
    pipe.set(RELAY_KEY, events[-1][0])
    pipe.execute()
    return len(events)
