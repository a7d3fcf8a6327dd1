"""What Open311 says about services and requests, as plain structures for `render`.

Requests are read as `values()` rows, not model instances, because `requests` is the call
clients poll hardest."""

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.db.models import F, QuerySet
from django.urls import reverse

from civicdesk.activities.models import ActivityIssue
from civicdesk.assets.forms import ASSET_ATTRIBUTE
from civicdesk.assets.kinds import kind_label, number_label
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
        "metadata": has_attributes or bool(issue_type.asset_kind),
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
        ]
        + asset_attribute(issue_type),
    }


def asset_attribute(issue_type: IssueType) -> list[dict[str, Any]]:
    """For a type that asks for an asset and has no question of its own for it, the
    attribute that names the asset (also accepted as `address_id`)."""
    questions = issue_type.questions.all()
    if not issue_type.asset_kind or any(q.code == ASSET_ATTRIBUTE for q in questions):
        return []
    kind = kind_label(issue_type.asset_kind).lower()
    return [
        {
            "variable": True,
            "code": ASSET_ATTRIBUTE,
            "datatype": "string",
            "required": issue_type.asset_required,
            "datatype_description": f"The number on the {kind}; also accepted as address_id.",
            "order": max((q.order for q in questions), default=0) + 1,
            "description": str(number_label(issue_type.asset_kind)),
            "values": [],
        }
    ]


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


def _notes_and_photos(ids: list[int]) -> tuple[dict[int, str], dict[int, int]]:
    """For each issue, its latest public note (its own events' and its activities' public
    summaries, as the citizen's timeline shows them) and its first visible photo.

    One plain SQL statement: built with the ORM these three small lookups cost more to
    compile than to run, and this is the hottest call of the API."""
    event, link = Event._meta.db_table, ActivityIssue._meta.db_table
    photo = Photo._meta.db_table
    marks = ", ".join(["%s"] * len(ids))
    sql = f"""
        SELECT 'n', issue_id, created_at, id, note FROM {event}
        WHERE issue_id IN ({marks}) AND public AND note <> ''
        UNION ALL
        SELECT 'n', l.issue_id, e.created_at, e.id, e.note
        FROM {event} e JOIN {link} l ON l.activity_id = e.activity_id
        WHERE l.issue_id IN ({marks}) AND e.kind = %s AND e.public AND e.note <> ''
        UNION ALL
        SELECT 'p', issue_id, NULL, id, image FROM {photo}
        WHERE issue_id IN ({marks}) AND NOT hidden
    """
    notes: dict[int, tuple] = {}
    photos: dict[int, tuple] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, [*ids, *ids, ACTIVITY_SUMMARY, *ids])
        for what, issue_id, at, pk, text in cursor.fetchall():
            if what == "n":
                if issue_id not in notes or (at, pk) > notes[issue_id][:2]:
                    notes[issue_id] = (at, pk, text)
            elif issue_id not in photos or pk < photos[issue_id][0]:
                photos[issue_id] = (pk, text)
    return (
        {issue_id: found[2] for issue_id, found in notes.items()},
        {issue_id: found[0] for issue_id, found in photos.items()},
    )


def request_items(issues: QuerySet[Issue], zone: ZoneInfo) -> list[dict[str, Any]]:
    """A page of requests in two queries whatever its size: the rows, then their notes
    and photos."""
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
    notes, photos = _notes_and_photos([row["id"] for row in rows])
    return [
        request_item(row, zone, notes.get(row["id"], ""), photos.get(row["id"])) for row in rows
    ]


def media_url(row: dict[str, Any], photo: int | None) -> str:
    """The photo's public address (a hidden photo has none), never its file's: the stored
    name is no business of the public and the file outlives hiding."""
    if photo is not None:
        return settings.SITE_URL.rstrip("/") + reverse("citizens:photo", args=[photo])
    return row["media_url"]


def request_item(
    row: dict[str, Any], zone: ZoneInfo, notes: str, photo: int | None
) -> dict[str, Any]:
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
