"""The public map, list, area and charter pages in Chromium, at phone and desktop widths,
with map tiles that cannot load."""

import pytest

from civicdesk.citizens import public_queries
from civicdesk.citizens.tests.test_public_pages import many_issues
from civicdesk.places.models import Area
from civicdesk.testing.browser import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def city(wards, power_outage, pothole, electricity, roads, settings):
    settings.MAP_TILE_URL = "http://127.0.0.1:9/{z}/{x}/{y}.png"  # tiles cannot load
    ward = Area.objects.get(name="Ward 124")
    many_issues(ward.jurisdiction, power_outage, ward, 40)
    many_issues(ward.jurisdiction, pothole, ward, 25)
    return ward


def test_the_map_shows_clustered_points_without_tiles(page, city):
    page.goto("/map/")
    status = page.locator("#map-status")
    status.filter(has_text="Showing 65 issues").wait_for()
    assert page.locator(".leaflet-marker-icon").count() > 0
    assert page.locator(".issue-row").count() == 10  # the list under the map
    screenshot(page, "public-map-phone")


def test_a_crowded_map_shows_grid_cells_that_zoom_in(desktop_page, city, monkeypatch):
    monkeypatch.setattr(public_queries, "MAX_POINTS", 20)
    desktop_page.goto("/map/")
    desktop_page.locator("#map-status").filter(has_text="groups").wait_for()
    cells = desktop_page.locator(".issue-cell")
    assert cells.count() >= 1
    screenshot(desktop_page, "public-map-cells-desktop")
    cells.first.click()
    desktop_page.locator("#map-status").filter(has_text="Showing").wait_for(timeout=10_000)


def test_list_area_and_charter_pages_render(page, desktop_page, city):
    page.goto("/issues/")
    assert not page.get_by_label("Category").is_visible()  # filters folded on a phone
    page.goto("/issues/?sort=pushed")
    assert page.locator(".issue-row").count() == 20
    screenshot(page, "public-list-phone")
    desktop_page.goto("/issues/")
    desktop_page.get_by_label("Category").wait_for()  # and open on a desktop
    screenshot(desktop_page, "public-list-desktop")
    page.get_by_role("link", name="Next page").click()
    assert page.locator(".issue-row").count() == 20
    desktop_page.goto(f"/areas/{city.pk}/")
    desktop_page.locator("#map-status").filter(has_text="Showing").wait_for()
    screenshot(desktop_page, "public-area-desktop")
    desktop_page.goto("/charter/")
    assert desktop_page.get_by_role("heading", name="Roads").is_visible()
    screenshot(desktop_page, "charter-desktop")
