"""Choosing a street light on the report's map in Chromium: the nearest lights are
markers; tapping one checks its choice, and the report is linked to that light."""

import re

import pytest

from civicdesk.issues.models import Issue
from civicdesk.testing.browser import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.MAP_TILE_URL = "http://127.0.0.1:9/{z}/{x}/{y}.png"  # tiles cannot load


def test_tapping_a_light_on_the_map_chooses_it(page, lights, street_light_out):
    light = lights[6]
    page.goto(f"/report/jhb/street-light-out/details/?lat={light.lat}&lon={light.lon + 0.0001}")
    markers = page.locator("#asset-pick-map path.leaflet-interactive")
    markers.first.wait_for()
    assert markers.count() == 20
    assert not page.get_by_role("radio", name="SL-0006, 10 m away").is_checked()
    # The second nearest (SL-0006 is 10 m away, SL-0007 30 m): markers follow the list.
    markers.nth(0).click(force=True)
    assert page.get_by_role("radio", name="SL-0006, 10 m away").is_checked()
    screenshot(page, "citizen-report-asset-map-phone")
    page.get_by_label("Describe the issue").fill("Dark since Friday")
    page.get_by_role("button", name="Send the report").click()
    page.wait_for_url(re.compile(r"/report/sent/\d+/$"))
    assert Issue.objects.get().asset == light
