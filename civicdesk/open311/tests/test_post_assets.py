"""POST requests naming an asset: the pole number as address_id (or the asset_id
attribute) links the issue and places it at the asset; an unknown number is a 400."""

import pytest

from civicdesk.assets.models import Asset
from civicdesk.catalogue.models import Datatype, IssueType, Question
from civicdesk.issues.models import Issue
from civicdesk.open311.models import Submission
from conftest import CARLTON_CENTRE

LAT, LON = CARLTON_CENTRE


@pytest.fixture
def light(city, electricity) -> Asset:
    issue_type = IssueType.objects.create(
        jurisdiction=city,
        code="street-light-out",
        name="Street light out",
        group="Electricity",
        asset_kind="street_light",
    )
    electricity.issue_types.add(issue_type)
    Question.objects.create(
        issue_type=issue_type,
        code="asset_id",
        description="The pole number",
        datatype=Datatype.STRING,
        order=1,
    )
    return Asset.objects.create(
        jurisdiction=city, kind="street_light", reference="JL-0042", lat=LAT, lon=LON + 0.001
    )


def request(api_key: str, **extra) -> dict:
    return {
        "api_key": api_key,
        "jurisdiction_id": "jhb",
        "service_code": "street-light-out",
        "description": "Off since Friday",
    } | extra


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_address_id_names_the_asset_and_places_the_issue(api, light, api_key, fmt):
    answer = api.post(f"requests.{fmt}", request(api_key, address_id="JL-0042"))
    assert answer.status == 200
    issue = Issue.objects.get()
    assert issue.asset == light and issue.address_id == "JL-0042"
    assert (issue.lat, issue.lon) == (light.lat, light.lon)
    assert issue.unit.name == "Electricity" and issue.area.name == "Ward 124"


def test_the_asset_id_attribute_names_the_asset_and_lat_long_are_kept(api, light, api_key):
    data = request(api_key, lat=str(LAT), long=str(LON)) | {"attribute[asset_id]": "JL-0042"}
    assert api.post("requests.json", data).status == 200
    issue = Issue.objects.get()
    assert issue.asset == light and (issue.lat, issue.lon) == (LAT, LON)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_unknown_asset_is_a_400_and_creates_nothing(api, light, api_key, fmt):
    answer = api.post(f"requests.{fmt}", request(api_key, address_id="JL-9999"))
    assert answer.status == 400
    [(code, description)] = answer.errors()
    assert code == "400"
    assert description.startswith("address_id: No street light numbered JL-9999")
    assert not Issue.objects.exists() and not Submission.objects.exists()


def test_other_services_keep_address_id_as_given(api, city, light, api_key):
    data = {
        "api_key": api_key,
        "jurisdiction_id": "jhb",
        "service_code": "pothole",
        "address_id": "JL-0042",
    }
    assert api.post("requests.json", data).status == 200
    issue = Issue.objects.get()
    assert issue.asset is None and issue.address_id == "JL-0042" and issue.lat is None
