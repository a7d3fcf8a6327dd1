"""discovery, services and services/{code} in both formats; jurisdiction and format errors."""

import pytest

from civicdesk.catalogue.models import IssueType
from civicdesk.places.models import Jurisdiction

FORMATS = ["json", "xml"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_discovery_names_the_endpoint_and_its_formats(api, db, fmt):
    answer = api.get(f"discovery.{fmt}")
    assert answer.status == 200
    if fmt == "json":
        endpoint = answer.body["endpoints"][0]
        assert answer.body["key_service"] and answer.body["contact"]
        assert endpoint["url"] == "http://127.0.0.1:8000/open311/v2/"
        # The spec's MIME types, as its discovery example lists them (no charset).
        assert endpoint["formats"] == ["application/json", "text/xml"]
        assert endpoint["changeset"].endswith("+02:00")
    else:
        assert answer.body.tag == "discovery"
        endpoint = answer.body.find("endpoints/endpoint")
        assert endpoint.findtext("specification") == "http://wiki.open311.org/GeoReport_v2"
        assert endpoint.findtext("type") == "production"
        assert [f.text for f in endpoint.findall("formats/format")] == [
            "application/json",
            "text/xml",
        ]


@pytest.mark.parametrize("fmt", FORMATS)
def test_services_list_every_active_type(api, city, fmt):
    IssueType.objects.create(jurisdiction=city, code="retired", name="Retired", active=False)
    answer = api.get(f"services.{fmt}")
    assert answer.status == 200
    if fmt == "xml":
        assert answer.body.tag == "services"
        items = [
            {child.tag: child.text or "" for child in s} for s in answer.body.findall("service")
        ]
        flag = {"true": True, "false": False}
        for item in items:
            item["metadata"] = flag[item["metadata"]]
    else:
        items = answer.body
    by_code = {item["service_code"]: item for item in items}
    assert set(by_code) == {"power-outage", "pothole", "streetlight"}
    assert by_code["streetlight"] == {
        "service_code": "streetlight",
        "service_name": "Streetlight fault",
        "description": "A streetlight that is off, flickering or on by day",
        "metadata": True,
        "type": "realtime",
        "keywords": "light,lamp,dark",
        "group": "Electricity",
    }
    assert by_code["pothole"]["metadata"] is False
    assert by_code["power-outage"]["metadata"] is True


def test_service_definition_json_carries_every_datatype(api, city):
    answer = api.get("services/streetlight.json")
    assert answer.status == 200
    definition = answer.body
    assert definition["service_code"] == "streetlight"
    attributes = definition["attributes"]
    assert [a["order"] for a in attributes] == [1, 2, 3, 4, 5, 6, 7]
    assert [a["datatype"] for a in attributes] == [
        "string",
        "string",
        "number",
        "datetime",
        "text",
        "singlevaluelist",
        "multivaluelist",
    ]
    note, pole, *_, state, hazards = attributes
    assert note["variable"] is False and note["required"] is False
    assert pole == {
        "variable": True,
        "code": "pole",
        "datatype": "string",
        "required": True,
        "datatype_description": "The number on the pole",
        "order": 2,
        "description": "About the pole",
        "values": [],
    }
    assert state["values"] == [
        {"key": "off", "name": "Off"},
        {"key": "flicker", "name": "Flickers"},
    ]
    assert hazards["required"] is False


def test_service_definition_xml_uses_the_spec_elements(api, city):
    answer = api.get("services/streetlight.xml")
    assert answer.status == 200
    root = answer.body
    assert root.tag == "service_definition"
    assert root.findtext("service_code") == "streetlight"
    attributes = root.findall("attributes/attribute")
    assert len(attributes) == 7
    state = attributes[5]
    assert state.findtext("code") == "state"
    assert state.findtext("datatype") == "singlevaluelist"
    assert state.findtext("required") == "true"
    assert state.findtext("variable") == "true"
    assert state.findtext("order") == "6"
    values = state.findall("values/value")
    assert [(v.findtext("key"), v.findtext("name")) for v in values] == [
        ("off", "Off"),
        ("flicker", "Flickers"),
    ]
    assert attributes[0].findtext("variable") == "false"


@pytest.mark.parametrize("fmt", FORMATS)
def test_unknown_service_code_is_a_404_in_the_asked_format(api, city, fmt):
    answer = api.get(f"services/no-such-thing.{fmt}")
    assert answer.status == 404
    [(code, description)] = answer.errors()
    assert code == "404" and "no-such-thing" in description


def test_inactive_service_has_no_definition(api, city):
    IssueType.objects.filter(code="streetlight").update(active=False)
    assert api.get("services/streetlight.json").status == 404


@pytest.mark.parametrize("path", ["services.html", "requests.csv", "discovery.yaml"])
def test_unknown_format_is_a_404_in_xml(api, city, path):
    answer = api.get(path)
    assert answer.status == 404
    assert answer.body.tag == "errors"
    assert "unknown format" in answer.errors()[0][1]


@pytest.mark.parametrize("path", ["nothing.json", "requests", "services/a/b.xml"])
def test_unknown_call_is_a_404_in_open311_format(api, city, path):
    answer = api.get(path)
    assert answer.status == 404
    assert answer.errors()[0][0] == "404"


def test_wrong_method_is_a_405_with_allow(api, city):
    answer = api.post("services.json", {})
    assert answer.status == 405
    assert answer.headers["Allow"] == "GET"
    assert "POST is not allowed" in answer.errors()[0][1]


def test_jurisdiction_id_is_optional_with_one_jurisdiction(api, city):
    assert api.get("services.json").status == 200
    assert api.get("services.json", jurisdiction_id="jhb").status == 200
    assert api.get("services.json", jurisdiction_id="").status == 200


@pytest.mark.parametrize("fmt", FORMATS)
def test_unknown_jurisdiction_is_a_404(api, city, fmt):
    answer = api.get(f"services.{fmt}", jurisdiction_id="atlantis")
    assert answer.status == 404
    assert "atlantis" in answer.errors()[0][1]


def test_jurisdiction_id_is_required_with_several(api, city):
    other = Jurisdiction.objects.create(slug="cpt", name="City of Cape Town")
    IssueType.objects.create(jurisdiction=other, code="pothole", name="Pothole (Cape Town)")
    answer = api.get("services.json")
    assert answer.status == 400
    assert "jurisdiction_id is required" in answer.errors()[0][1]
    cape_town = api.get("services.json", jurisdiction_id="cpt")
    assert [s["service_name"] for s in cape_town.body] == ["Pothole (Cape Town)"]
    assert api.get("services/streetlight.json", jurisdiction_id="cpt").status == 404
