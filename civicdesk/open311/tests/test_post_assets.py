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


@pytest.fixture
def hydrant(city, electricity) -> Asset:
    """A type that asks for an asset without a question of its own for it."""
    issue_type = IssueType.objects.create(
        jurisdiction=city,
        code="leaking-hydrant",
        name="Leaking hydrant",
        group="Water",
        asset_kind="hydrant",
        asset_required=True,
    )
    electricity.issue_types.add(issue_type)
    return Asset.objects.create(
        jurisdiction=city, kind="hydrant", reference="HY-7", lat=LAT, lon=LON + 0.002
    )


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_type_asking_for_an_asset_advertises_the_attribute(api, hydrant, fmt):
    services = api.get(f"services.{fmt}", jurisdiction_id="jhb").body
    definition = api.get(f"services/leaking-hydrant.{fmt}", jurisdiction_id="jhb").body
    if fmt == "json":
        item = next(s for s in services if s["service_code"] == "leaking-hydrant")
        assert item["metadata"] is True
        [attribute] = definition["attributes"]
        assert attribute["code"] == "asset_id" and attribute["required"] is True
        assert attribute["description"] == "Hydrant number"
        assert "address_id" in attribute["datatype_description"]
    else:
        item = next(s for s in services if s.findtext("service_code") == "leaking-hydrant")
        assert item.findtext("metadata") == "true"
        [attribute] = definition.find("attributes")
        assert attribute.findtext("code") == "asset_id"
        assert attribute.findtext("required") == "true"


def test_the_advertised_attribute_names_the_asset(api, hydrant, api_key):
    data = {
        "api_key": api_key,
        "jurisdiction_id": "jhb",
        "service_code": "leaking-hydrant",
        "attribute[asset_id]": "HY-7",
    }
    assert api.post("requests.json", data).status == 200
    issue = Issue.objects.get()
    assert issue.asset == hydrant and issue.answers == {}
    assert (issue.lat, issue.lon) == (hydrant.lat, hydrant.lon)


def test_an_asset_attribute_is_no_location_for_a_type_without_assets(api, city, api_key):
    data = {
        "api_key": api_key,
        "jurisdiction_id": "jhb",
        "service_code": "pothole",
        "attribute[asset_id]": "HY-7",
    }
    answer = api.post("requests.json", data)
    assert answer.status == 400
    assert not Issue.objects.exists() and not Submission.objects.exists()
