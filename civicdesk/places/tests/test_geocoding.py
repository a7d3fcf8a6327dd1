"""Address search: the jurisdiction's area names (offline) merged with a Nominatim
stand-in on loopback, whose answers outside the city are dropped; failures and timeouts
fall back to the area matches; answers are cached."""

import logging

import pytest
from django.core.cache import cache

from civicdesk.places.geocoding import AREA, GEOCODER, search
from civicdesk.places.services import areas_containing
from civicdesk.places.tests.nominatim import CARLTON_CENTRE, WARD_AVENUE, nominatim
from conftest import CARLTON_CENTRE as CARLTON_POINT


@pytest.fixture(autouse=True)
def empty_cache(db):
    cache.clear()


@pytest.fixture
def geocoder(settings):
    server = nominatim()
    settings.GEOCODER_URL = f"{server.url}/search"
    settings.GEOCODER_QUERIES_PER_SECOND = 100  # tests ask faster than Nominatim allows
    settings.GEOCODER_TIMEOUT = 2
    settings.GEOCODER_USER_AGENT = "Civic Desk tests (https://civicdesk.example)"
    yield server
    server.stop()


@pytest.fixture
def offline(settings):
    settings.GEOCODER_URL = ""


def inside(jurisdiction, match) -> list[str]:
    return [a.name for a in areas_containing(jurisdiction.pk, match.lat, match.lon)]


def test_area_names_match_offline(offline, wards, jurisdiction):
    ward_12 = search(jurisdiction, "ward 12")
    assert [m.label for m in ward_12] == ["Ward 12"]  # not 120…129
    assert ward_12[0].source == AREA and inside(jurisdiction, ward_12[0]) == ["Ward 12"]
    assert [m.label for m in search(jurisdiction, "  Ward   124 ")] == ["Ward 124"]
    assert [m.label for m in search(jurisdiction, "WARD 012")] == ["Ward 12"]
    code = next(w.code for w in wards if w.name == "Ward 124")
    assert [m.label for m in search(jurisdiction, code)] == ["Ward 124"]
    many = search(jurisdiction, "ward", limit=3)
    assert [m.label for m in many] == ["Ward 1", "Ward 2", "Ward 3"]
    assert search(jurisdiction, "12 Bree Street") == [] and search(jurisdiction, "  ") == []


def test_area_matches_need_no_geocoder_when_one_is_exact(geocoder, wards, jurisdiction):
    assert [m.label for m in search(jurisdiction, "Ward 124")] == ["Ward 124"]
    assert geocoder.requests == []


def test_geocoder_answers_inside_the_city_are_kept(geocoder, wards, jurisdiction, settings):
    settings.GEOCODER_COUNTRY_CODES = "ZA"
    found = search(jurisdiction, "Commissioner Street")
    assert [(m.label, m.source) for m in found] == [(CARLTON_CENTRE["display_name"], GEOCODER)]
    assert (found[0].lat, found[0].lon) == CARLTON_POINT
    assert inside(jurisdiction, found[0]) == ["Ward 124"]  # Pretoria's Church Square dropped
    [request] = geocoder.requests
    params = request["params"]
    assert request["path"] == "/search" and params["q"] == "Commissioner Street"
    assert params["format"] == "jsonv2" and params["limit"] == "5" and params["bounded"] == "1"
    assert params["countrycodes"] == "za"
    west, north, east, south = (float(v) for v in params["viewbox"].split(","))
    assert west < CARLTON_POINT[1] < east and south < CARLTON_POINT[0] < north
    assert request["headers"]["User-Agent"] == "Civic Desk tests (https://civicdesk.example)"


def test_geocoder_answers_come_after_exact_areas_and_before_partial_ones(
    geocoder, wards, jurisdiction
):
    found = search(jurisdiction, "ward", limit=3)
    assert [m.label for m in found] == [WARD_AVENUE["display_name"], "Ward 1", "Ward 2"]
    assert [m.source for m in found] == [GEOCODER, AREA, AREA]


def test_a_second_search_is_answered_from_the_cache(geocoder, wards, jurisdiction):
    first = search(jurisdiction, "Carlton Centre")
    again = search(jurisdiction, "carlton  centre ")
    assert first == again and len(first) == 1
    assert len(geocoder.requests) == 1  # the same words, spaced differently, are one query
    search(jurisdiction, "Carlton")
    assert len(geocoder.requests) == 2


def test_queries_beyond_the_rate_are_not_sent(geocoder, wards, jurisdiction, settings, caplog):
    settings.GEOCODER_QUERIES_PER_SECOND = 1
    with caplog.at_level(logging.WARNING, logger="civicdesk.places.geocoding"):
        for n in range(4):
            search(jurisdiction, f"Carlton Centre {n}")
    # One query a second at most (two if the loop spans a second's turn).
    assert 1 <= len(geocoder.requests) <= 2
    assert "Geocoder skipped: more than 1 queries this second" in caplog.text


@pytest.mark.parametrize("failure", ["down", "error", "slow"])
def test_a_failing_geocoder_leaves_the_area_matches(
    failure, geocoder, wards, jurisdiction, settings, caplog
):
    if failure == "down":
        geocoder.stop()
    elif failure == "error":
        geocoder.server.broken = True
    else:
        geocoder.server.delay = 1.5
        settings.GEOCODER_TIMEOUT = 0.3
    with caplog.at_level(logging.WARNING, logger="civicdesk.places.geocoding"):
        found = search(jurisdiction, "ward 12 carlton")
        assert search(jurisdiction, "Carlton Centre") == []
    assert found == [] and "Geocoder failed" in caplog.text
    assert "Carlton" not in caplog.text  # what the citizen typed stays out of the log
    assert [m.label for m in search(jurisdiction, "ward", limit=2)] == ["Ward 1", "Ward 2"]


def test_a_failure_is_not_cached(geocoder, wards, jurisdiction):
    geocoder.server.broken = True
    assert search(jurisdiction, "Carlton Centre") == []
    geocoder.server.broken = False
    assert len(search(jurisdiction, "Carlton Centre")) == 1


def test_a_city_without_areas_asks_no_geocoder(geocoder, jurisdiction):
    assert search(jurisdiction, "Carlton Centre") == []
    assert geocoder.requests == []
