"""What the public list, map and area pages read: filters, keyset pages, and map data that
aggregates into grid cells in SQL when a view holds many issues. Each function makes a
fixed number of queries whatever the number of issues, and none reads personal data."""

import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Avg, Count, F, Max, Min, Q, QuerySet
from django.db.models.functions import Floor
from django.utils import timezone

from civicdesk.issues.models import OPEN_STATUSES, Issue, Status
from civicdesk.issues.sla_state import with_sla_state
from civicdesk.places.models import Area

PAGE_SIZE = 20
# A view holding more issues than this gets grid cells instead of points.
MAX_POINTS = 2000
# Grid cells about this many screen pixels wide, and never more than this many a side.
CELL_PIXELS = 64
MAX_CELLS_PER_SIDE = 40
FIXED_STATUSES = (Status.RESOLVED, Status.CLOSED)

# The columns public pages show: nothing about who reported or pushed.
LIST_FIELDS = (
    "id",
    "status",
    "submitted_at",
    "push_count",
    "description",
    "address",
    "lat",
    "lon",
    "response_due",
    "resolution_due",
    "responded_at",
    "resolved_at",
    "paused_at",
    "response_met",
    "resolution_met",
    "issue_type__name",
    "issue_type__group",
    "area__name",
)


class Sort:
    NEWEST = "newest"
    PUSHED = "pushed"


@dataclass(frozen=True)
class Filters:
    issue_type: int | None = None
    status: str = "open"  # open, fixed, all, or one status
    area: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    sort: str = Sort.NEWEST


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def filtered(filters: Filters) -> QuerySet[Issue]:
    issues = Issue.objects.all()
    if filters.status == "open":
        issues = issues.filter(status__in=OPEN_STATUSES)
    elif filters.status == "fixed":
        issues = issues.filter(status__in=FIXED_STATUSES)
    elif filters.status in Status.values:
        issues = issues.filter(status=filters.status)
    if filters.issue_type is not None:
        issues = issues.filter(issue_type_id=filters.issue_type)
    if filters.area is not None:
        issues = issues.filter(area_id=filters.area)
    if filters.date_from is not None:
        issues = issues.filter(submitted_at__gte=_day_start(filters.date_from))
    if filters.date_to is not None:
        issues = issues.filter(submitted_at__lt=_day_start(filters.date_to + timedelta(days=1)))
    return issues


# Keyset paging: a page starts after the last row of the previous one, so deep pages cost
# what the first does. The cursor is "<sort value>_<id>" of that row.


def _order(sort: str) -> tuple[str, str]:
    return ("-push_count", "-id") if sort == Sort.PUSHED else ("-submitted_at", "-id")


def cursor_of(issue: Issue, sort: str) -> str:
    value = str(issue.push_count) if sort == Sort.PUSHED else issue.submitted_at.isoformat()
    return f"{value}_{issue.pk}"


def _after(issues: QuerySet[Issue], sort: str, cursor: str) -> QuerySet[Issue]:
    """Rows after the cursor; an unreadable cursor means the first page."""
    value, _, raw_id = cursor.rpartition("_")
    try:
        last_id = int(raw_id)
        if sort == Sort.PUSHED:
            count = int(value)
            return issues.filter(Q(push_count__lt=count) | Q(push_count=count, id__lt=last_id))
        at = datetime.fromisoformat(value)
    except ValueError:
        return issues
    if at.tzinfo is None:
        return issues
    return issues.filter(Q(submitted_at__lt=at) | Q(submitted_at=at, id__lt=last_id))


@dataclass(frozen=True)
class ListPage:
    issues: list[Issue]
    next_cursor: str | None


def issue_page(filters: Filters, cursor: str = "", size: int = PAGE_SIZE) -> ListPage:
    """One page of the public list, in one query."""
    issues = filtered(filters)
    if cursor:
        issues = _after(issues, filters.sort, cursor)
    rows = list(
        with_sla_state(issues.select_related("issue_type", "area").only(*LIST_FIELDS)).order_by(
            *_order(filters.sort)
        )[: size + 1]
    )
    more = len(rows) > size
    rows = rows[:size]
    return ListPage(rows, cursor_of(rows[-1], filters.sort) if more else None)


# The map


@dataclass(frozen=True)
class Box:
    south: float
    west: float
    north: float
    east: float


def cell_size(box: Box, zoom: int) -> float:
    """Degrees per grid cell: about CELL_PIXELS at this zoom, coarser when the box is large
    for the zoom, so no view has more than MAX_CELLS_PER_SIDE² cells."""
    at_zoom = CELL_PIXELS * 360 / (256 * 2**zoom)
    span = max(box.north - box.south, box.east - box.west)
    return max(at_zoom, span / MAX_CELLS_PER_SIDE)


def map_data(filters: Filters, box: Box, zoom: int) -> dict:
    """The issues in the box: points when there are at most MAX_POINTS, else grid cells
    counted in SQL (centred on their issues' mean position). Two queries either way."""
    issues = filtered(filters).filter(
        lat__gte=box.south, lat__lte=box.north, lon__gte=box.west, lon__lte=box.east
    )
    first = list(
        issues.order_by().values_list("id", "lat", "lon", "issue_type_id", "status", "push_count")[
            : MAX_POINTS + 1
        ]
    )
    if len(first) <= MAX_POINTS:
        return {
            "mode": "points",
            "count": len(first),
            "points": [[i, round(y, 5), round(x, 5), t, s, p] for i, y, x, t, s, p in first],
        }
    size = cell_size(box, zoom)
    cells = (
        issues.annotate(row=Floor(F("lat") / size), col=Floor(F("lon") / size))
        .values("row", "col")
        .annotate(n=Count("id"), lat=Avg("lat"), lon=Avg("lon"), one=Min("id"))
        .order_by()
    )
    rows = [
        [round(c["lat"], 5), round(c["lon"], 5), c["n"], c["one"] if c["n"] == 1 else None]
        for c in cells
    ]
    return {"mode": "cells", "count": sum(r[2] for r in rows), "cell": size, "cells": rows}


def whole_map() -> Box | None:
    """The box around every area, for a city-wide first view; None without areas."""
    box = Area.objects.aggregate(
        south=Min("min_lat"), west=Min("min_lon"), north=Max("max_lat"), east=Max("max_lon")
    )
    if box["south"] is None:
        return None
    return Box(**box)


# Area pages


def area_summary(area: Area, top: int = 10) -> dict:
    """Counts of an area's issues and its most pushed open ones: two queries."""
    counts = Issue.objects.filter(area=area).aggregate(
        total=Count("id"),
        open=Count("id", filter=Q(status__in=OPEN_STATUSES)),
        fixed=Count("id", filter=Q(status__in=FIXED_STATUSES)),
        met=Count("id", filter=Q(resolution_met=True)),
        missed=Count("id", filter=Q(resolution_met=False)),
    )
    judged = counts["met"] + counts["missed"]
    counts["met_percent"] = math.floor(100 * counts["met"] / judged) if judged else None
    most_pushed = list(
        with_sla_state(
            Issue.objects.filter(area=area, status__in=OPEN_STATUSES)
            .select_related("issue_type", "area")
            .only(*LIST_FIELDS)
        ).order_by("-push_count", "-submitted_at", "-id")[:top]
    )
    return {"counts": counts, "most_pushed": most_pushed}
