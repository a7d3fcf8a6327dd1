"""GET servicerequestupdates: what happened to requests, for clients that sync.

An update is a public event of a request, or the public summary of an activity the request
is linked to (so a third-party app shows what the city's own pages show). Each carries the
request's status as it stood at that moment."""

from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import QueryDict

from civicdesk.activities.models import ActivityIssue
from civicdesk.open311 import params
from civicdesk.open311.documents import ACTIVITY_SUMMARY, EXTENDED_STATUS, w3c
from civicdesk.open311.queries import MAX_PAGE_SIZE, date_window, request_ids
from civicdesk.places.models import Jurisdiction
from civicdesk.timeline.models import Event

DEFAULT_SPAN = timedelta(hours=24)

# Public events without a note still deserve a sentence in a client's timeline.
EVENT_DESCRIPTIONS = {
    "reported": "Request received.",
    "routed": "Assigned to the responsible unit.",
    "unrouted": "Passed to the dispatch centre for routing.",
    "linked": "Included in a planned piece of work.",
    "unlinked": "No longer part of that piece of work.",
    "pushed": "Another resident reported the same problem.",
    "merged": "Merged with a report of the same problem.",
    "unpushed": "A resident withdrew their push.",
    "feedback": "The resident gave feedback on the resolution.",
    "provider_update": "Update from the service provider.",
}


def _status_then(issue: str, at: str, event_id: str | None) -> Coalesce:
    """The issue's status after its latest status event up to the given event; without an
    event id, after every status event of that instant (an activity's summary is written
    just before the issue changes it causes, in the same transaction)."""
    upto = Q(created_at__lt=OuterRef(at))
    if event_id is None:
        upto |= Q(created_at=OuterRef(at))
    else:
        upto |= Q(created_at=OuterRef(at), id__lte=OuterRef(event_id))
    latest = (
        Event.objects.filter(upto, issue=OuterRef(issue), kind="status")
        .order_by("-created_at", "-id")
        .values("to_value")[:1]
    )
    return Coalesce(Subquery(latest), Value("submitted"))


def _issue_events(jurisdiction: Jurisdiction, start, end, ids: list[int]) -> QuerySet:
    events = Event.objects.filter(
        issue__jurisdiction=jurisdiction, public=True, created_at__gte=start, created_at__lte=end
    )
    if ids:
        events = events.filter(issue_id__in=ids)
    return events.order_by("created_at", "id").values(
        "issue_id",
        "kind",
        "note",
        "created_at",
        event_id=F("id"),
        status=_status_then("issue", "created_at", "id"),
    )


def _activity_summaries(jurisdiction: Jurisdiction, start, end, ids: list[int]) -> QuerySet:
    # One filter() call: every condition on activity__events is about the same event.
    links = ActivityIssue.objects.filter(
        Q(activity__events__created_at__gte=F("linked_at")),
        issue__jurisdiction=jurisdiction,
        activity__events__kind=ACTIVITY_SUMMARY,
        activity__events__public=True,
        activity__events__created_at__gte=start,
        activity__events__created_at__lte=end,
    )
    if ids:
        links = links.filter(issue_id__in=ids)
    return links.order_by("activity__events__created_at", "activity__events__id").values(
        "issue_id",
        event_id=F("activity__events__id"),
        kind=F("activity__events__kind"),
        note=F("activity__events__note"),
        created_at=F("activity__events__created_at"),
        status=_status_then("issue", "activity__events__created_at", None),
    )


def _describe(kind: str, status: str) -> str:
    if kind == "status":
        return f"Status changed to {status.replace('_', ' ')}."
    return EVENT_DESCRIPTIONS.get(kind, "Updated.")


def find_updates(jurisdiction: Jurisdiction, data: QueryDict) -> list[dict[str, Any]]:
    """Updates in the window (the last 24 hours by default), oldest first, paged."""
    zone = ZoneInfo(jurisdiction.time_zone)
    page = params.positive_int(data, "page", 1, 10_000)
    page_size = params.positive_int(data, "page_size", MAX_PAGE_SIZE, MAX_PAGE_SIZE)
    start, end = date_window(data, zone, DEFAULT_SPAN)
    ids = request_ids(data)
    # Each source is sorted; the page of the merge lies within the first `upto` of each.
    upto = page * page_size
    rows = list(_issue_events(jurisdiction, start, end, ids)[:upto])
    for row in _activity_summaries(jurisdiction, start, end, ids)[:upto]:
        row["update_id"] = f"{row['event_id']}-{row['issue_id']}"
        rows.append(row)
    rows.sort(key=lambda row: (row["created_at"], row["event_id"], row["issue_id"]))
    return [
        {
            "update_id": row.get("update_id", str(row["event_id"])),
            "service_request_id": str(row["issue_id"]),
            "status": EXTENDED_STATUS.get(row["status"], "OPEN"),
            "updated_datetime": w3c(row["created_at"], zone),
            "description": row["note"] or _describe(row["kind"], row["status"]),
            "media_url": "",
            "external_status_code": row["status"],
        }
        for row in rows[upto - page_size : upto]
    ]
