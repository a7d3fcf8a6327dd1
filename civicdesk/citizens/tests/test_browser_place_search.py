"""Finding an address on the place step in Chromium: with JavaScript, Find asks the JSON
endpoint without a reload and "Use this place" fills the point and moves the marker;
pressing Enter in the address field finds too."""

import re

import pytest
from django.core.cache import cache

from civicdesk.places.tests.nominatim import CARLTON_CENTRE, nominatim
from civicdesk.testing.browser import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def geocoder(settings, db):
    cache.clear()
    settings.MAP_TILE_URL = "http://127.0.0.1:9/{z}/{x}/{y}.png"  # tiles cannot load
    server = nominatim()
    settings.GEOCODER_URL = f"{server.url}/search"
    settings.GEOCODER_QUERIES_PER_SECOND = 100  # tests ask faster than Nominatim allows
    yield server
    server.stop()


def test_find_without_a_reload_then_use_the_place(page, wards, electricity):
    page.goto("/report/jhb/power-outage/")
    page.get_by_label("Address or landmark").fill("Carlton Centre")
    page.get_by_role("button", name="Find").click()
    use = page.get_by_role("link", name="Use this place")
    use.wait_for()
    assert page.url.endswith("/report/jhb/power-outage/")  # no reload: asked the JSON
    assert page.get_by_text(CARLTON_CENTRE["display_name"]).is_visible()
    screenshot(page, "citizen-report-1-place-found-phone")
    use.click()
    assert page.get_by_label("Latitude").input_value() == "-26.205600"
    assert page.get_by_label("Longitude").input_value() == "28.047000"
    assert page.locator(".leaflet-marker-icon").count() == 1
    page.get_by_role("button", name="Next").click()
    page.wait_for_url(re.compile(r"/details/\?.*lat=-26\.205600"))


def test_enter_in_the_address_finds_and_nothing_found_is_said(page, wards, electricity):
    page.goto("/report/jhb/power-outage/")
    address = page.get_by_label("Address or landmark")
    address.fill("Nowhere Lane")
    address.press("Enter")
    page.get_by_text("Nothing matched.").wait_for()
    assert page.url.endswith("/report/jhb/power-outage/")
    address.fill("ward 124")
    address.press("Enter")
    ward = page.get_by_role("listitem").filter(has_text="Ward 124")
    ward.get_by_role("link", name="Use this place").wait_for()
