"""The map's data: points when a view holds few issues, grid cells counted in SQL when it
holds many, never the whole table; two queries whatever the number of issues."""

import pytest

from civicdesk.citizens import public_queries
from civicdesk.citizens.public_queries import MAX_CELLS_PER_SIDE
from civicdesk.citizens.tests.test_public_pages import many_issues
from civicdesk.issues.models import Status
from civicdesk.places.models import Area

CITY = "bbox=-26.6,27.6,-25.9,28.5"


@pytest.fixture
def ward(wards) -> Area:
    return Area.objects.get(name="Ward 124")


def test_few_issues_come_as_points_with_what_a_popup_needs(client, ward, power_outage):
    issues = many_issues(ward.jurisdiction, power_outage, ward, 5)
    many_issues(ward.jurisdiction, power_outage, ward, 2, status=Status.CLOSED)
    response = client.get(f"/map/data.json?{CITY}&zoom=11")
    assert response.status_code == 200
    assert "max-age" in response["Cache-Control"]
    body = response.json()
    assert body["mode"] == "points"
    assert body["count"] == 5
    first = next(p for p in body["points"] if p[0] == issues[0].pk)
    assert first == [issues[0].pk, -26.2056, 28.047, power_outage.pk, "submitted", 0]


def test_many_issues_come_as_grid_cells_that_add_up(client, ward, power_outage, monkeypatch):
    monkeypatch.setattr(public_queries, "MAX_POINTS", 50)
    many_issues(ward.jurisdiction, power_outage, ward, 120)
    body = client.get("/map/data.json?bbox=-26.3,27.95,-26.1,28.15&zoom=15").json()
    assert body["mode"] == "cells"
    assert body["count"] == 120
    assert sum(cell[2] for cell in body["cells"]) == 120
    assert 1 < len(body["cells"]) <= MAX_CELLS_PER_SIDE**2
    for lat, lon, count, single in body["cells"]:
        assert -26.21 < lat < -26.19 and lon == 28.047
        assert (single is not None) == (count == 1)
    zoomed = client.get("/map/data.json?bbox=-26.206,28.04,-26.20515,28.05&zoom=17").json()
    assert (zoomed["mode"], zoomed["count"]) == ("points", 5)


def test_a_world_view_at_a_high_zoom_still_has_a_bounded_number_of_cells(
    client, ward, power_outage, monkeypatch
):
    monkeypatch.setattr(public_queries, "MAX_POINTS", 10)
    many_issues(ward.jurisdiction, power_outage, ward, 60)
    body = client.get("/map/data.json?bbox=-89,-179,89,179&zoom=18").json()
    assert body["mode"] == "cells"
    assert len(body["cells"]) <= MAX_CELLS_PER_SIDE**2
    assert body["cell"] >= 358 / MAX_CELLS_PER_SIDE


def test_filters_apply_to_the_map(client, ward, power_outage, pothole):
    many_issues(ward.jurisdiction, power_outage, ward, 3)
    many_issues(ward.jurisdiction, pothole, ward, 2)
    many_issues(ward.jurisdiction, pothole, ward, 4, status=Status.RESOLVED)

    def count(query: str) -> int:
        return client.get(f"/map/data.json?{CITY}&zoom=11&{query}").json()["count"]

    assert count("") == 5
    assert count(f"type={pothole.pk}") == 2
    assert count("status=fixed") == 4
    assert count("status=all") == 9
    assert count(f"area={ward.pk + 1}") == 0
    assert count("date_from=2026-10-01&date_to=2026-10-01") == 5


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("bbox=-26,28,-27,29&zoom=11", "bbox"),
        ("bbox=north&zoom=11", "bbox"),
        ("bbox=-26,28,-25,29,1&zoom=11", "bbox"),
        ("bbox=-26,28,-25,29&zoom=99", "zoom"),
        ("bbox=-26,28,-25,29&zoom=-1", "zoom"),
        ("bbox=-26,28,-25,29&status=sideways", "status"),
        ("bbox=-26,28,-25,29&date_from=yesterday", "date_from"),
        ("bbox=-26,28,-25,29&type=pothole", "type"),
    ],
)
def test_bad_parameters_are_a_400_naming_the_field(client, db, query, field):
    response = client.get(f"/map/data.json?{query}")
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_map_data_makes_two_queries_for_small_and_large_data(
    client, ward, power_outage, monkeypatch, django_assert_max_num_queries
):
    monkeypatch.setattr(public_queries, "MAX_POINTS", 100)
    many_issues(ward.jurisdiction, power_outage, ward, 20)
    with django_assert_max_num_queries(2):
        assert client.get(f"/map/data.json?{CITY}&zoom=11").json()["mode"] == "points"
    many_issues(ward.jurisdiction, power_outage, ward, 400)
    with django_assert_max_num_queries(2):
        body = client.get(f"/map/data.json?{CITY}&zoom=11").json()
    assert (body["mode"], body["count"]) == ("cells", 420)
