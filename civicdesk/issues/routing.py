"""Which area and which business unit an issue belongs to, and its service level."""

from dataclasses import dataclass

from django.db.models import Prefetch

from civicdesk.catalogue.models import IssueType
from civicdesk.places.models import Area, Jurisdiction
from civicdesk.places.services import areas_containing
from civicdesk.units.models import BusinessUnit, ServiceLevel


@dataclass(frozen=True)
class Route:
    area: Area | None
    unit: BusinessUnit | None


def route(
    jurisdiction: Jurisdiction, issue_type: IssueType, lat: float | None, lon: float | None
) -> Route:
    """The unit that covers this type at this point: a unit naming one of the point's areas
    wins over a unit covering the whole jurisdiction. No unit, or several equally good
    ones, leaves the issue unrouted for the dispatch centre. Without a point only units
    covering the whole jurisdiction qualify."""
    areas = areas_containing(jurisdiction.pk, lat, lon) if lat is not None else []
    area_ids = {a.pk for a in areas}
    units = BusinessUnit.objects.filter(
        jurisdiction=jurisdiction, issue_types=issue_type
    ).prefetch_related(Prefetch("areas", queryset=Area.objects.only("id")))
    specific, wide = [], []
    for unit in units:
        covered = {a.pk for a in unit.areas.all()}
        if not covered:
            wide.append(unit)
        elif covered & area_ids:
            specific.append(unit)
    chosen = specific or wide
    return Route(area=areas[0] if areas else None, unit=chosen[0] if len(chosen) == 1 else None)


def service_level_for(unit: BusinessUnit | None, issue_type: IssueType) -> ServiceLevel | None:
    if unit is None:
        return None
    return (
        ServiceLevel.objects.select_related("calendar")
        .prefetch_related("calendar__hours", "calendar__closed_days")
        .filter(unit=unit, issue_type=issue_type)
        .first()
    )
