"""An issue's public timeline: its public events and the public summaries of the activities
it is linked to (from the time it was linked). Only the actor's role is shown, never who."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import F
from django.utils.translation import gettext as _

from civicdesk.activities.models import ActivityIssue
from civicdesk.issues.models import Issue, Status
from civicdesk.timeline.models import Event

ACTIVITY_SUMMARY = "activity_summary"


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


def describe(kind: str, from_value: str, to_value: str) -> str:
    """A sentence for an event, for timelines that show no staff note."""
    if kind == "status":
        label = Status(to_value).label if to_value in Status.values else to_value
        return _("Status changed to %(status)s.") % {"status": str(label).lower()}
    texts = {
        "reported": _("Issue reported."),
        "routed": _("Assigned to %(unit)s.") % {"unit": to_value},
        "unrouted": _("Passed to the dispatch centre for routing."),
        "linked": _("Included in a planned piece of work."),
        "unlinked": _("No longer part of that piece of work."),
        "pushed": _("Another resident pushed this issue."),
        "unpushed": _("A resident withdrew their push."),
        "merged": _("Merged with a report of the same problem."),
        "feedback": _("A resident said it is fixed.")
        if to_value == "fixed"
        else _("A resident said it is not fixed."),
        ACTIVITY_SUMMARY: _("Update on the work."),
        "provider_update": _("Update from the service provider."),
    }
    return texts.get(kind, _("Updated."))


def _entry(row: dict) -> Entry:
    return Entry(
        id=row["event_id"],
        kind=row["kind"],
        text=describe(row["kind"], row["from_value"], row["to_value"]),
        from_value=row["from_value"],
        to_value=row["to_value"],
        note=row["note"],
        by=row["actor_role"],
        at=row["created_at"],
    )


FIELDS = ("kind", "from_value", "to_value", "note", "actor_role", "created_at")


def public_timeline(issue: Issue, *, limit: int, offset: int = 0) -> tuple[list[Entry], int]:
    """A page of the timeline, oldest first, and the number of entries; four queries."""
    events = Event.objects.filter(issue=issue, public=True)
    summaries = ActivityIssue.objects.filter(
        issue=issue,
        activity__events__kind=ACTIVITY_SUMMARY,
        activity__events__public=True,
        activity__events__created_at__gte=F("linked_at"),
    )
    upto = offset + limit
    # Each source is sorted: the page of the merge lies within the first `upto` of each.
    rows = list(events.order_by("created_at", "id").values(*FIELDS, event_id=F("id"))[:upto])
    rows += summaries.order_by("activity__events__created_at", "activity__events__id").values(
        event_id=F("activity__events__id"),
        **{field: F(f"activity__events__{field}") for field in FIELDS},
    )[:upto]
    rows.sort(key=lambda row: (row["created_at"], row["event_id"]))
    total = events.count() + summaries.count()
    return [_entry(row) for row in rows[offset:upto]], total
