"""What placing and routing a report needs, read once per process and kept a short time.

Every report needs its jurisdiction's issue types and questions, the areas containing its
point, the units and what they cover, and a service level with its calendar: about ten
queries and the parsing of ward polygons, for data that changes a few times a year in the
admin. Each process keeps it for settings.REFERENCE_CACHE_SECONDS. A change saved in this
process clears it at once (signals, and again when the change commits); other processes
see it within that time."""

import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Prefetch
from shapely import STRtree
from shapely.geometry import Point, shape

from civicdesk.catalogue.models import IssueType, Question
from civicdesk.places.models import Area, Jurisdiction
from civicdesk.sla.clock import WorkingCalendar
from civicdesk.units.models import (
    BusinessUnit,
    Calendar,
    ClosedDay,
    ServiceLevel,
    WorkingHours,
)


@dataclass(frozen=True)
class Route:
    area: Area | None
    unit: BusinessUnit | None


@dataclass(frozen=True)
class Reference:
    issue_types: dict[str, IssueType]  # active ones by code, questions prefetched
    bounds: tuple[float, float, float, float] | None  # min_lat, max_lat, min_lon, max_lon
    areas: tuple[Area, ...]  # smallest first
    shapes: STRtree  # the areas' shapes, in the same order
    units: tuple[tuple[BusinessUnit, frozenset[int], frozenset[int]], ...]  # areas, types
    levels: dict[tuple[int, int], ServiceLevel]  # by (unit id, issue type id)
    clocks: dict[int, WorkingCalendar]  # by calendar id
    loaded_at: float

    def areas_at(self, lat: float, lon: float) -> list[Area]:
        """The areas covering the point, smallest first."""
        found = self.shapes.query(Point(lon, lat), predicate="covered_by")
        return [self.areas[i] for i in sorted(found)]

    def route(self, issue_type: IssueType, lat: float | None, lon: float | None) -> Route:
        """The unit covering this type at this point: one naming one of the point's areas
        wins over one covering the whole jurisdiction. No unit, or several equally good,
        leaves the issue for the dispatch centre. Without a point only units covering the
        whole jurisdiction qualify."""
        areas = self.areas_at(lat, lon) if lat is not None and lon is not None else []
        area_ids = {a.pk for a in areas}
        specific, wide = [], []
        for unit, covered, types in self.units:
            if issue_type.pk not in types:
                continue
            if not covered:
                wide.append(unit)
            elif covered & area_ids:
                specific.append(unit)
        chosen = specific or wide
        return Route(area=areas[0] if areas else None, unit=chosen[0] if len(chosen) == 1 else None)

    def level(self, unit: BusinessUnit | None, issue_type: IssueType) -> ServiceLevel | None:
        return self.levels.get((unit.pk, issue_type.pk)) if unit else None

    def clock(self, level: ServiceLevel) -> WorkingCalendar:
        return self.clocks[level.calendar_id]


_loaded: dict[int | str, Any] = {}
_lock = threading.Lock()


def _load(jurisdiction_id: int) -> Reference:
    issue_types = IssueType.objects.filter(jurisdiction_id=jurisdiction_id, active=True)
    # Areas are kept without their GeoJSON (deferred: reading it queries again); a tree
    # of their parsed shapes answers which areas contain a point.
    of_jurisdiction = Area.objects.filter(jurisdiction_id=jurisdiction_id)
    shapes = {pk: shape(geojson) for pk, geojson in of_jurisdiction.values_list("id", "geometry")}
    areas = sorted(of_jurisdiction.defer("geometry"), key=lambda a: shapes[a.pk].area)
    boxes = [(a.min_lat, a.max_lat, a.min_lon, a.max_lon) for a in areas]
    bounds = (
        (
            min(b[0] for b in boxes),
            max(b[1] for b in boxes),
            min(b[2] for b in boxes),
            max(b[3] for b in boxes),
        )
        if boxes
        else None
    )
    units = BusinessUnit.objects.filter(jurisdiction_id=jurisdiction_id).prefetch_related(
        Prefetch("areas", queryset=Area.objects.only("id")),
        Prefetch("issue_types", queryset=IssueType.objects.only("id")),
    )
    levels = list(
        ServiceLevel.objects.filter(unit__jurisdiction_id=jurisdiction_id)
        .select_related("calendar")
        .prefetch_related("calendar__hours", "calendar__closed_days")
    )
    return Reference(
        issue_types={
            t.code: t
            for t in issue_types.prefetch_related(
                Prefetch("questions", queryset=Question.objects.order_by("order"))
            )
        },
        bounds=bounds,
        areas=tuple(areas),
        shapes=STRtree([shapes[a.pk] for a in areas]),
        units=tuple(
            (
                unit,
                frozenset(a.pk for a in unit.areas.all()),
                frozenset(t.pk for t in unit.issue_types.all()),
            )
            for unit in units
        ),
        levels={(level.unit_id, level.issue_type_id): level for level in levels},
        clocks={level.calendar_id: level.calendar.to_clock() for level in levels},
        loaded_at=time.monotonic(),
    )


def reference(jurisdiction: Jurisdiction | int) -> Reference:
    """The jurisdiction's reference data, loaded if missing or older than the cache time."""
    jurisdiction_id = jurisdiction if isinstance(jurisdiction, int) else jurisdiction.pk
    found = _loaded.get(jurisdiction_id)
    if found is None or time.monotonic() - found.loaded_at > settings.REFERENCE_CACHE_SECONDS:
        with _lock:
            found = _loaded[jurisdiction_id] = _load(jurisdiction_id)
    return found


def jurisdictions() -> dict[str, Jurisdiction]:
    """Every jurisdiction by slug (its Open311 jurisdiction_id), cached like the rest."""
    found = _loaded.get("jurisdictions")
    if found is None or time.monotonic() - found[0] > settings.REFERENCE_CACHE_SECONDS:
        by_slug = {j.slug: j for j in Jurisdiction.objects.all()}
        found = _loaded["jurisdictions"] = (time.monotonic(), by_slug)
    return found[1]


def forget(*args: object, **kwargs: object) -> None:
    """Drop what this process holds: now, and once the change that called it commits
    (a load in between would have read the uncommitted state)."""
    _loaded.clear()
    if connection.in_atomic_block:
        transaction.on_commit(_loaded.clear)


def watched_models() -> Iterable[type]:
    """The models whose changes `forget` must hear about."""
    return (
        Jurisdiction,
        Area,
        IssueType,
        Question,
        BusinessUnit,
        BusinessUnit.areas.through,
        BusinessUnit.issue_types.through,
        ServiceLevel,
        Calendar,
        WorkingHours,
        ClosedDay,
    )
