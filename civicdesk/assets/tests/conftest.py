"""Asset fixtures: a street-light type that asks for a pole, routed to Electricity, and
street lights every 40 m along Commissioner Street, east of the Carlton Centre."""

from datetime import timedelta

import pytest

from civicdesk.assets.importing import AssetRow, import_assets
from civicdesk.assets.models import Asset
from civicdesk.catalogue.models import IssueType
from civicdesk.units.models import ServiceLevel
from conftest import CARLTON_CENTRE

# About 40 m of longitude at Johannesburg's latitude.
STEP = 0.0004


@pytest.fixture
def street_light_out(jurisdiction, electricity, always_calendar) -> IssueType:
    issue_type = IssueType.objects.create(
        jurisdiction=jurisdiction,
        code="street-light-out",
        name="Street light out",
        group="Electricity",
        asset_kind="street_light",
    )
    electricity.issue_types.add(issue_type)
    ServiceLevel.objects.create(
        unit=electricity,
        issue_type=issue_type,
        response_target=timedelta(hours=8),
        resolution_target=timedelta(days=5),
        calendar=always_calendar,
    )
    return issue_type


@pytest.fixture
def lights(jurisdiction, wards) -> list[Asset]:
    lat, lon = CARLTON_CENTRE
    rows = [
        AssetRow(
            f"line {n + 2}", f"SL-{n:04d}", "street_light", lat, lon + n * STEP, {"lamp": "LED"}
        )
        for n in range(30)
    ]
    result = import_assets(jurisdiction, rows)
    assert result.created == 30 and not result.problems
    return list(Asset.objects.order_by("reference"))
