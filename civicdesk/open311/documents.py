"""What Open311 says about services and requests, as plain structures for `render`.

Requests are read as `values()` rows with the latest public note and the first visible
photo as correlated subqueries: one query whatever the page size, and no model instances,
because `requests` is the call clients poll hardest."""

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import F, OuterRef, QuerySet, Subquery

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


def _latest(events: QuerySet[Event], field: str) -> Subquery:
    return Subquery(events.order_by("-created_at", "-id").values(field)[:1])


def request_rows(issues: QuerySet[Issue]) -> QuerySet:
    """`status_notes` is the later of the issue's latest public note and the latest public
    summary of an activity it is linked to (what the citizen's timeline shows)."""
    notes = Event.objects.filter(issue=OuterRef("pk"), public=True).exclude(note="")
    summaries = Event.objects.filter(
        activity__links__issue=OuterRef("pk"), kind=ACTIVITY_SUMMARY, public=True
    ).exclude(note="")
    first_photo = (
        Photo.objects.filter(issue=OuterRef("pk"), hidden=False).order_by("id").values("image")[:1]
    )
    return issues.values(
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
        service_code=F("issue_type__code"),
        service_name=F("issue_type__name"),
        agency_responsible=F("unit__name"),
        note=_latest(notes, "note"),
        note_at=_latest(notes, "created_at"),
        summary=_latest(summaries, "note"),
        summary_at=_latest(summaries, "created_at"),
        photo=Subquery(first_photo),
    )


def status_notes(row: dict[str, Any]) -> str:
    if row["summary"] and (row["note"] is None or row["summary_at"] > row["note_at"]):
        return row["summary"]
    return row["note"] or ""


def media_url(row: dict[str, Any]) -> str:
    if row["photo"]:
        return f"{settings.SITE_URL.rstrip('/')}/{settings.MEDIA_URL.strip('/')}/{row['photo']}"
    return row["media_url"]


def request_item(row: dict[str, Any], zone: ZoneInfo) -> dict[str, Any]:
    """One request as GET answers it: never a reporter's name, contact, device or account."""
    return {
        "service_request_id": str(row["id"]),
        "status": open311_status(row["status"]),
        "status_notes": status_notes(row),
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
        "media_url": media_url(row),
    }
