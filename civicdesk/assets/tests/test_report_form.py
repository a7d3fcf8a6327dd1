"""The citizen's web report for a type that asks for an asset, end to end: the nearest
street lights as a choice list, the pole number typed instead, an unknown number shown next
to its field; and the JSON API's `asset`."""

import pytest

from civicdesk.accounts.models import User
from civicdesk.accounts.services import issue_api_token
from civicdesk.issues.models import Issue

DETAILS = "/report/jhb/street-light-out/details/"
KEY = "a" * 24


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def place(light, **overrides) -> dict:
    return {"lat": str(light.lat + 0.00003), "lon": str(light.lon), "address": ""} | overrides


def post(client, light, **fields):
    data = place(light) | {"description": "Dark for a week", "email": "", "phone": "", "key": KEY}
    return client.post(
        DETAILS + "?" + "&".join(f"{k}={v}" for k, v in place(light).items()), data | fields
    )


def test_the_details_step_lists_the_nearest_lights_and_a_pole_number_field(
    client, lights, street_light_out
):
    page = client.get(DETAILS, place(lights[4])).content.decode()
    assert "Which one is it?" in page
    assert 'name="asset" value="SL-0004"' in page and "SL-0004, 3 m away" in page
    assert page.count('name="asset"') == 21  # twenty nearest, and "not in this list"
    assert page.index("SL-0004") < page.index("SL-0003")
    assert 'name="asset_number"' in page and "Pole number" in page


def test_picking_the_nearest_light_links_the_issue(client, lights, street_light_out):
    response = post(client, lights[4], asset="SL-0004")
    assert response.status_code == 302, response.content.decode()
    issue = Issue.objects.get()
    assert issue.asset == lights[4] and issue.issue_type == street_light_out


def test_typing_the_pole_number_links_the_issue(client, lights, street_light_out):
    response = post(client, lights[4], asset="", asset_number="sl-0012")
    assert response.status_code == 302
    assert Issue.objects.get().asset == lights[12]


def test_an_unknown_pole_number_is_shown_next_to_its_field(client, lights, street_light_out):
    response = post(client, lights[4], asset_number="SL-9999")
    assert response.status_code == 400
    page = response.content.decode()
    field = page[page.index('for="id_asset_number"') :]
    assert field.index("No street light numbered SL-9999 is known here.") < field.index(
        'name="asset_number"'
    )
    assert 'value="SL-9999"' in page
    assert not Issue.objects.exists()


def test_a_required_light_must_be_chosen_or_typed(client, lights, street_light_out):
    street_light_out.asset_required = True
    street_light_out.save()
    response = post(client, lights[4])
    assert response.status_code == 400
    assert "Choose the street light or type its number." in response.content.decode()
    assert post(client, lights[4], asset="SL-0004").status_code == 302


def test_types_without_assets_show_no_asset_fields(client, lights, electricity, street_light_out):
    page = client.get("/report/jhb/power-outage/details/", place(lights[0])).content.decode()
    assert "Which one is it?" not in page and 'name="asset_number"' not in page


def test_the_json_api_takes_the_asset_number(client, lights, street_light_out):
    user = User.objects.create_user("naledi", email="naledi@example.org", password="x")
    token = issue_api_token(user)
    headers = {"Authorization": f"Bearer {token}"}
    body = {"service_code": "street-light-out", "asset": "SL-0007"}
    response = client.post("/api/v1/issues", body, content_type="application/json", headers=headers)
    assert response.status_code == 201, response.content
    issue = Issue.objects.get(pk=response.json()["id"])
    assert issue.asset == lights[7] and (issue.lat, issue.lon) == (lights[7].lat, lights[7].lon)
    unknown = client.post(
        "/api/v1/issues", body | {"asset": "NOPE"}, content_type="application/json", headers=headers
    )
    assert unknown.status_code == 400 and "asset" in unknown.json()["errors"]
    assert Issue.objects.count() == 1
