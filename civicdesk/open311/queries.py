"""GET requests and GET servicerequestupdates: the spec's filters and our extensions."""

import math
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import (
    ExpressionWrapper,
    F,
    FloatField,
    Q,
    QuerySet,
    Value,
)
from django.http import QueryDict

from civicdesk import timekeeping
from civicdesk.catalogue.models import IssueType
from civicdesk.issues.models import OPEN_STATUSES, Issue
from civicdesk.open311 import params
from civicdesk.open311.documents import request_items
from civicdesk.open311.render import Open311Error
from civicdesk.places.models import Jurisdiction

MAX_PAGE_SIZE = 1000
MAX_SPAN = timedelta(days=90)
MAX_RADIUS_METRES = 50_000
METRES_PER_DEGREE_LAT = 110_574
METRES_PER_DEGREE_LON_AT_EQUATOR = 111_320


def date_window(
    data: QueryDict, zone: ZoneInfo, default_span: timedelta
) -> tuple[datetime, datetime] | None:
    """The spec's start_date/end_date: at most 90 days apart; one alone spans 90 days from
    it; neither means the last `default_span`."""
    start = params.w3c_datetime(data, "start_date", zone)
    end = params.w3c_datetime(data, "end_date", zone)
    if start and end:
        if end < start:
            raise Open311Error(400, "end_date is before start_date")
        if end - start > MAX_SPAN:
            raise Open311Error(400, "start_date and end_date may be at most 90 days apart")
        return start, end
    if start:
        return start, start + MAX_SPAN
    if end:
        return end - MAX_SPAN, end
    now = timekeeping.now()
    return now - default_span, now


def _statuses(data: QueryDict) -> Q:
    wanted = set(params.comma_list(data, "status"))
    unknown = wanted - {"open", "closed"}
    if unknown:
        raise Open311Error(400, "status must be open, closed or both (comma-separated)")
    if wanted == {"open"}:
        return Q(status__in=OPEN_STATUSES)
    if wanted == {"closed"}:
        return ~Q(status__in=OPEN_STATUSES)
    return Q()


def _near(issues: QuerySet[Issue], data: QueryDict) -> QuerySet[Issue]:
    """`bbox`, or `lat`/`long` with `radius` in metres: a local flat-earth distance, exact
    enough within tens of kilometres and plain arithmetic on every database; the circle's
    box first, so an index on (lat, lon) can narrow it."""
    box = params.bounding_box(data)
    if box:
        west, south, east, north = box
        issues = issues.filter(lon__gte=west, lon__lte=east, lat__gte=south, lat__lte=north)
    lat = params.number(data, "lat", -90, 90)
    lon = params.number(data, "long", -180, 180)
    radius = params.number(data, "radius", 1, MAX_RADIUS_METRES)
    if (lat is None) != (lon is None) or (radius is not None and lat is None):
        raise Open311Error(400, "a point search needs lat and long (radius is optional)")
    if lat is None:
        return issues
    radius = radius or 1000
    lon_scale = METRES_PER_DEGREE_LON_AT_EQUATOR * math.cos(math.radians(lat))
    dlat, dlon = radius / METRES_PER_DEGREE_LAT, radius / max(lon_scale, 1.0)
    dy = (F("lat") - Value(lat)) * Value(float(METRES_PER_DEGREE_LAT))
    dx = (F("lon") - Value(lon)) * Value(lon_scale)
    return (
        issues.filter(
            lat__gte=lat - dlat, lat__lte=lat + dlat, lon__gte=lon - dlon, lon__lte=lon + dlon
        )
        .alias(distance_squared=ExpressionWrapper(dx * dx + dy * dy, output_field=FloatField()))
        .filter(distance_squared__lte=radius * radius)
    )


# Ids are bigints: a longer number is no id (and would overflow the column).
MAX_ID_DIGITS = 18


def request_ids(data: QueryDict) -> list[int]:
    found = params.comma_list(data, "service_request_id")
    if not all(i.isdecimal() and len(i) <= MAX_ID_DIGITS for i in found):
        raise Open311Error(400, "service_request_id must be a comma-separated list of ids")
    return [int(i) for i in found[:MAX_PAGE_SIZE]]


def find_requests(jurisdiction: Jurisdiction, data: QueryDict) -> list[dict[str, Any]]:
    """GET requests: newest first, at most 1,000 per page."""
    zone = ZoneInfo(jurisdiction.time_zone)
    page = params.positive_int(data, "page", 1, 10_000)
    page_size = params.positive_int(data, "page_size", MAX_PAGE_SIZE, MAX_PAGE_SIZE)
    issues = Issue.objects.filter(jurisdiction=jurisdiction)
    ids = request_ids(data)
    if ids:
        # The spec: a list of ids overrides every other parameter.
        issues = issues.filter(pk__in=ids)
    else:
        codes = params.comma_list(data, "service_code")
        if codes:
            type_ids = IssueType.objects.filter(jurisdiction=jurisdiction, code__in=codes)
            issues = issues.filter(issue_type_id__in=list(type_ids.values_list("id", flat=True)))
        updated_after = params.w3c_datetime(data, "updated_after", zone)
        updated_before = params.w3c_datetime(data, "updated_before", zone)
        if updated_after:
            issues = issues.filter(updated_at__gt=updated_after)
        if updated_before:
            issues = issues.filter(updated_at__lte=updated_before)
        # Clients syncing by update time ask for old requests' changes: no default window.
        dated = data.get("start_date") or data.get("end_date")
        if dated or not (updated_after or updated_before):
            start, end = date_window(data, zone, MAX_SPAN)
            issues = issues.filter(submitted_at__gte=start, submitted_at__lte=end)
        issues = _near(issues.filter(_statuses(data)), data)
    offset = (page - 1) * page_size
    return request_items(issues.order_by("-submitted_at", "-id")[offset : offset + page_size], zone)


def find_request(jurisdiction: Jurisdiction, request_id: str) -> dict[str, Any] | None:
    if not request_id.isdecimal() or len(request_id) > MAX_ID_DIGITS:
        return None
    issues = Issue.objects.filter(jurisdiction=jurisdiction, pk=int(request_id))
    found = request_items(issues, ZoneInfo(jurisdiction.time_zone))
    return found[0] if found else None
