"""An issue's public timeline for the JSON API: the same entries, in the same words, as the
issue page (its public events and the public progress and summaries of its activities).
Only the actor's role is shown, never who."""

from dataclasses import dataclass
from datetime import datetime

from civicdesk.citizens.views import labels
from civicdesk.issues.models import Issue
from civicdesk.live.feed import public_events_of_issue


@dataclass(frozen=True)
class Entry:
    id: int
    kind: str
    text: str
    from_value: str
    to_value: str
    note: str
    by: str
    at: datetime


def public_timeline(issue: Issue, *, limit: int, offset: int = 0) -> tuple[list[Entry], int]:
    """A page of the timeline, oldest first, and the number of entries; three queries."""
    events, _activities = public_events_of_issue(issue.pk)
    total = events.count()
    page = events.order_by("created_at", "id")[offset : offset + limit]
    return [
        Entry(
            id=event.pk,
            kind=event.kind,
            text=labels.describe(event),
            from_value=event.from_value,
            to_value=event.to_value,
            note=event.note if labels.shows_note(event) else "",
            by=event.actor_role,
            at=event.created_at,
        )
        for event in page
    ], total
