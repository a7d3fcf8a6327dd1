"""The service level a unit applies to an issue type (from the cached reference data)."""

from civicdesk.catalogue.models import IssueType
from civicdesk.issues.reference import reference
from civicdesk.units.models import BusinessUnit, ServiceLevel


def service_level_for(unit: BusinessUnit | None, issue_type: IssueType) -> ServiceLevel | None:
    """The unit's service level for the type, with its calendar."""
    if unit is None:
        return None
    return reference(unit.jurisdiction_id).level(unit, issue_type)
