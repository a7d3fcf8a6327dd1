"""Reporting from the web: nearby duplicates, retries made safe."""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import IntegrityError, transaction

from civicdesk.accounts.models import Citizen
from civicdesk.assets.models import Asset
from civicdesk.catalogue.models import IssueType
from civicdesk.citizens.models import ReportKey
from civicdesk.issues.models import OPEN_STATUSES, Issue, Source
from civicdesk.issues.photos import prepare_photos
from civicdesk.issues.services import Contact, report_issue
from civicdesk.places.distance import box_around, distance_metres
from civicdesk.places.models import Jurisdiction

NEARBY_LIMIT = 5
KEY_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


@dataclass(frozen=True)
class Nearby:
    issue: Issue
    metres: int


def nearby_open_issues(
    issue_type: IssueType, lat: float, lon: float, radius: float | None = None
) -> list[Nearby]:
    """Open issues of this type within `radius` metres (settings.NEARBY_RADIUS_METRES),
    nearest first, at most NEARBY_LIMIT. One query: a bounding box on the (lat, lon)
    index, then the exact distance for the few rows inside it."""
    radius = settings.NEARBY_RADIUS_METRES if radius is None else radius
    candidates = Issue.objects.filter(
        issue_type=issue_type, status__in=OPEN_STATUSES, **box_around(lat, lon, radius)
    ).only("id", "lat", "lon", "description", "address", "status", "push_count", "submitted_at")[
        :200
    ]
    found = []
    for issue in candidates:
        metres = distance_metres(lat, lon, issue.lat, issue.lon)
        if metres <= radius:
            found.append(Nearby(issue=issue, metres=round(metres)))
    found.sort(key=lambda n: (n.metres, -n.issue.push_count))
    return found[:NEARBY_LIMIT]


def check_key(key: str) -> str:
    if not KEY_PATTERN.match(key or ""):
        raise ValidationError({"idempotency_key": "16 to 64 letters, digits, - or _"})
    return key


@transaction.atomic
def _report_with_key(key: str, fields: dict[str, Any]) -> Issue:
    issue = report_issue(**fields)
    ReportKey.objects.create(key=key, issue=issue, created_at=issue.submitted_at)
    return issue


def report_from_web(
    *,
    jurisdiction: Jurisdiction,
    issue_type_code: str,
    key: str,
    lat: float | None,
    lon: float | None,
    address: str = "",
    description: str = "",
    answers: dict[str, Any] | None = None,
    reporter: Contact | Citizen | None = None,
    photos: Sequence[File] = (),
    submitted_at: datetime | None = None,
    asset: Asset | None = None,
    share_photo_location: bool = False,
) -> tuple[Issue, bool]:
    """Report an issue from the web form (or its offline queue), once per key: a retry
    with the same key answers with the first issue. Returns (issue, created). Photos keep
    their GPS position only with `share_photo_location` (issues.photos)."""
    check_key(key)
    existing = ReportKey.objects.filter(key=key).select_related("issue").first()
    if existing is not None:
        return existing.issue, False
    fields = {
        "jurisdiction": jurisdiction,
        "issue_type_code": issue_type_code,
        "lat": lat,
        "lon": lon,
        "address": address,
        "description": description,
        "answers": answers,
        "reporter": reporter,
        "photos": prepare_photos(list(photos), share_location=share_photo_location),
        "source": Source.WEB,
        "submitted_at": submitted_at,
        "asset": asset,
    }
    try:
        return _report_with_key(key, fields), True
    except IntegrityError:
        # Another request with this key committed first; ours rolled back entirely.
        existing = ReportKey.objects.filter(key=key).select_related("issue").first()
        if existing is None:
            raise
        return existing.issue, False
