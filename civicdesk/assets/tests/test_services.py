"""Nearest assets, assets named by number, and report_issue linking an issue to its asset
without a statement more than a report without one."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from civicdesk.assets.models import Asset
from civicdesk.assets.services import asset_for_report, find_asset, nearest_assets
from civicdesk.issues.services import report_issue
from conftest import CARLTON_CENTRE

LAT, LON = CARLTON_CENTRE


def test_nearest_assets_come_nearest_first_in_bounded_queries(lights, jurisdiction):
    target = lights[10]
    with CaptureQueriesContext(connection) as queries:
        found = nearest_assets("street_light", target.lat + 0.00005, target.lon + 0.00001)
    assert len(queries) <= 3
    assert found[0].asset == target and found[0].metres < 10
    assert [n.metres for n in found] == sorted(n.metres for n in found)
    assert len(found) <= 20
    assert nearest_assets("hydrant", LAT, LON) == []
    assert (
        nearest_assets("street_light", LAT, LON, jurisdiction=jurisdiction, limit=3)[0].asset
        == lights[0]
    )


def test_nearest_assets_look_further_when_few_are_near(lights):
    # 2 km west of the first light: none within the small boxes, all within the largest.
    found = nearest_assets("street_light", LAT, LON - 0.02)
    assert found and found[0].asset == lights[0] and found[0].metres > 1900


def test_inactive_assets_are_not_offered_nor_accepted(lights, jurisdiction, street_light_out):
    lights[0].active = False
    lights[0].save()
    assert lights[0] not in [n.asset for n in nearest_assets("street_light", LAT, LON)]
    with pytest.raises(ValidationError) as caught:
        asset_for_report(jurisdiction, street_light_out, "SL-0000")
    assert "No street light numbered SL-0000" in caught.value.message_dict["asset"][0]


def test_a_number_is_found_as_typed_or_in_capitals(lights, jurisdiction):
    assert find_asset(jurisdiction, " sl-0003 ") == lights[3]
    assert find_asset(jurisdiction, "SL-0003", "hydrant") is None
    assert find_asset(jurisdiction, "") is None


def report(jurisdiction, **fields):
    return report_issue(jurisdiction=jurisdiction, issue_type_code="street-light-out", **fields)


def test_report_issue_links_the_asset_and_places_a_report_at_it(
    lights, jurisdiction, street_light_out
):
    issue = report(jurisdiction, lat=None, lon=None, address_id="SL-0005", asset=lights[5])
    issue.refresh_from_db()
    assert issue.asset == lights[5]
    assert (issue.lat, issue.lon) == (lights[5].lat, lights[5].lon)
    assert issue.area.name == "Ward 124" and issue.unit.name == "Electricity"
    placed = report(jurisdiction, lat=LAT, lon=LON, asset=lights[1])
    assert (placed.lat, placed.lon) == (LAT, LON) and placed.asset == lights[1]


def test_report_issue_refuses_an_asset_of_another_kind_or_a_missing_required_one(
    lights, jurisdiction, street_light_out, hydrant
):
    with pytest.raises(ValidationError) as caught:
        report(jurisdiction, lat=LAT, lon=LON, asset=hydrant)
    assert "is not an in-service street light" in caught.value.message_dict["asset"][0]
    with pytest.raises(ValidationError) as caught:
        report_issue(
            jurisdiction=jurisdiction,
            issue_type_code="power-outage",
            lat=LAT,
            lon=LON,
            answers={"extent": "one"},
            asset=lights[0],
        )
    assert "asset" in caught.value.message_dict
    street_light_out.asset_required = True
    street_light_out.save()
    with pytest.raises(ValidationError) as caught:
        report(jurisdiction, lat=LAT, lon=LON)
    assert "needs the number of the street light" in caught.value.message_dict["asset"][0]


def test_an_asset_adds_no_statement_to_a_report(lights, jurisdiction, street_light_out):
    report(jurisdiction, lat=LAT, lon=LON)  # warm the reference data and statement caches
    with CaptureQueriesContext(connection) as without:
        report(jurisdiction, lat=LAT, lon=LON)
    with CaptureQueriesContext(connection) as linked:
        report(jurisdiction, lat=LAT, lon=LON, asset=lights[2])
    assert len(linked) == len(without)


@pytest.fixture
def hydrant(jurisdiction, wards):
    return Asset.objects.create(
        jurisdiction=jurisdiction, kind="hydrant", reference="H-1", lat=LAT, lon=LON
    )
