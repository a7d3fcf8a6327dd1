"""Which area and which business unit an issue belongs to, and its service level."""

from civicdesk.catalogue.models import IssueType
from civicdesk.issues.reference import Route, reference
from civicdesk.places.models import Jurisdiction
from civicdesk.units.models import BusinessUnit, ServiceLevel

__all__ = ["Route", "route", "service_level_for"]


def route(
    jurisdiction: Jurisdiction, issue_type: IssueType, lat: float | None, lon: float | None
) -> Route:
    """The unit that covers this type at this point (see `Reference.route`)."""
    return reference(jurisdiction).route(issue_type, lat, lon)


def service_level_for(unit: BusinessUnit | None, issue_type: IssueType) -> ServiceLevel | None:
    """The unit's service level for the type, with its calendar."""
    if unit is None:
        return None
    return reference(unit.jurisdiction_id).level(unit, issue_type)
