"""What Open311 says about services and requests, as plain structures for `render`.

Requests are read as `values()` rows, not model instances, because `requests` is the call
clients poll hardest."""

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import F, QuerySet

from civicdesk.catalogue.models import IssueType
from civicdesk.issues.models import OPEN_STATUSES, Issue, Photo, Status
from civicdesk.timeline.models import Event

# Our statuses as the extended statuses of the servicerequestupdates extension.
EXTENDED_STATUS = {
    Status.SUBMITTED: "OPEN",
    Status.ACKNOWLEDGED: "INVESTIGATING",
    Status.NEEDS_INFO: "INVESTIGATING",
    Status.IN_PROGRESS: "IN_PROGRESS",
    Status.RESOLVED: "FIXED",
    Status.CLOSED: "CLOSED",
    Status.DUPLICATE: "DUPLICATE",
    Status.REJECTED: "NO_FURTHER_ACTION",
    Status.REOPENED: "REOPEN",
}
OPEN_VALUES = frozenset(str(s) for s in OPEN_STATUSES)
# The event of an activity's public summary of actions taken, written by its staff.
ACTIVITY_SUMMARY = "activity_summary"


def open311_status(status: str) -> str:
    return "open" if status in OPEN_VALUES else "closed"


def w3c(instant: datetime | None, zone: ZoneInfo) -> str | None:
    return instant.astimezone(zone).isoformat(timespec="seconds") if instant else None


def service_item(issue_type: IssueType, has_attributes: bool) -> dict[str, Any]:
    return {
        "service_code": issue_type.code,
        "service_name": issue_type.name,
        "description": issue_type.description,
        "metadata": has_attributes,
        "type": "realtime",
        "keywords": issue_type.keywords,
        "group": issue_type.group,
    }


def service_definition(issue_type: IssueType) -> dict[str, Any]:
    return {
        "service_code": issue_type.code,
        "attributes": [
            {
                "variable": q.variable,
                "code": q.code,
                "datatype": q.datatype,
                "required": q.required,
                "datatype_description": q.datatype_description,
                "order": q.order,
                "description": q.description,
                "values": [{"key": v["key"], "name": v["name"]} for v in q.values],
            }
            for q in issue_type.questions.all()
        ],
    }


def service_notice(response_due: datetime | None, resolution_due: datetime | None, zone) -> str:
    """The promise of the service level, in the jurisdiction's local time."""
    if response_due is None and resolution_due is None:
        return "Received. The dispatch centre will route it and set its deadlines."
    parts = []
    if response_due:
        parts.append(f"response due by {response_due.astimezone(zone):%Y-%m-%d %H:%M %Z}")
    if resolution_due:
        parts.append(f"resolution due by {resolution_due.astimezone(zone):%Y-%m-%d %H:%M %Z}")
    return "Received: " + "; ".join(parts) + "."


REQUEST_COLUMNS = (
    "id",
    "status",
    "description",
    "address",
    "address_id",
    "lat",
    "lon",
    "media_url",
    "submitted_at",
    "updated_at",
    "response_due",
    "resolution_due",
)


def _latest_notes(ids: list[int]) -> dict[int, str]:
    """Each issue's latest public note: its own events' and its activities' public
    summaries (what the citizen's timeline shows), whichever came last."""
    latest: dict[int, tuple] = {}
    own = (
        Event.objects.filter(issue_id__in=ids, public=True)
        .exclude(note="")
        .values_list("issue_id", "created_at", "id", "note")
    )
    summaries = (
        Event.objects.filter(activity__links__issue_id__in=ids, kind=ACTIVITY_SUMMARY, public=True)
        .exclude(note="")
        .values_list("activity__links__issue_id", "created_at", "id", "note")
    )
    for rows in (own, summaries):
        for issue_id, at, pk, note in rows:
            if issue_id not in latest or (at, pk) > latest[issue_id][:2]:
                latest[issue_id] = (at, pk, note)
    return {issue_id: found[2] for issue_id, found in latest.items()}


def _first_photos(ids: list[int]) -> dict[int, str]:
    photos = Photo.objects.filter(issue_id__in=ids, hidden=False).order_by("-id")
    return dict(photos.values_list("issue_id", "image"))  # the last write wins: the first


def request_items(issues: QuerySet[Issue], zone: ZoneInfo) -> list[dict[str, Any]]:
    """A page of requests in four plain queries (the rows, notes, activity summaries and
    photos of the page), whatever the page size: correlated subqueries would do it in one,
    but Django takes longer to compile them than the database takes to run all four."""
    rows = list(
        issues.values(
            *REQUEST_COLUMNS,
            service_code=F("issue_type__code"),
            service_name=F("issue_type__name"),
            agency_responsible=F("unit__name"),
        )
    )
    if not rows:
        return []
    ids = [row["id"] for row in rows]
    notes, photos = _latest_notes(ids), _first_photos(ids)
    return [
        request_item(row, zone, notes.get(row["id"], ""), photos.get(row["id"], "")) for row in rows
    ]


def media_url(row: dict[str, Any], photo: str) -> str:
    if photo:
        return f"{settings.SITE_URL.rstrip('/')}/{settings.MEDIA_URL.strip('/')}/{photo}"
    return row["media_url"]


def request_item(row: dict[str, Any], zone: ZoneInfo, notes: str, photo: str) -> dict[str, Any]:
    """One request as GET answers it: never a reporter's name, contact, device or account."""
    return {
        "service_request_id": str(row["id"]),
        "status": open311_status(row["status"]),
        "status_notes": notes,
        "service_name": row["service_name"],
        "service_code": row["service_code"],
        "description": row["description"],
        "agency_responsible": row["agency_responsible"] or "",
        "service_notice": service_notice(row["response_due"], row["resolution_due"], zone),
        "requested_datetime": w3c(row["submitted_at"], zone),
        "updated_datetime": w3c(row["updated_at"], zone),
        "expected_datetime": w3c(row["resolution_due"], zone),
        "address": row["address"],
        "address_id": row["address_id"],
        "zipcode": "",
        "lat": row["lat"],
        "long": row["lon"],
        "media_url": media_url(row, photo),
    }
