"""Finding an address on the place step without JavaScript: Find lists the matches, each
"Use this place" carries the point and the label to the details step; nothing found or
nothing typed is a message next to the address, and what was typed stays. The page's
script asks the JSON endpoint instead."""

import html
import re

import pytest
from django.core.cache import cache

from civicdesk.places.tests.nominatim import CARLTON_CENTRE, nominatim

PLACE = "/report/jhb/power-outage/"


@pytest.fixture(autouse=True)
def geocoder(settings, db):
    cache.clear()
    server = nominatim()
    settings.GEOCODER_URL = f"{server.url}/search"
    settings.GEOCODER_QUERIES_PER_SECOND = 100  # tests ask faster than Nominatim allows
    yield server
    server.stop()


def choices(page: str) -> list[tuple[str, str]]:
    """(label, link) of each "Use this place" on the page."""
    found = re.findall(
        r'<span class="match-label"[^>]*>(.*?)</span>\s*<a class="button small" href="([^"]+)"',
        page,
    )
    return [(html.unescape(label), html.unescape(url)) for label, url in found]


def test_find_lists_the_matches_and_the_chosen_one_reaches_the_details_step(
    client, wards, electricity
):
    found = client.get(PLACE, {"address": "Carlton Centre", "lat": "", "lon": "", "find": "1"})
    page = found.content.decode()
    assert found.status_code == 200 and "Places that match" in page
    assert 'value="Carlton Centre"' in page  # what the citizen typed stays
    [(label, url)] = choices(page)
    assert label == CARLTON_CENTRE["display_name"]
    details = client.get(url)
    assert details.status_code == 200
    form = details.context["form"]
    assert float(form["lat"].value()) == -26.2056 and float(form["lon"].value()) == 28.047
    assert form["address"].value() == CARLTON_CENTRE["display_name"]
    assert details.context["nearby"] == []  # the details step worked from the point


def test_a_ward_is_found_by_name_even_without_the_geocoder(client, wards, electricity, settings):
    settings.GEOCODER_URL = ""
    page = client.get(PLACE, {"address": "ward 124", "find": "1"}).content.decode()
    [(label, url)] = choices(page)
    assert label == "Ward 124" and url.startswith(f"{PLACE}details/?lat=-26.")


def test_find_never_moves_on_even_with_a_point(client, wards, electricity):
    found = client.get(PLACE, {"address": "Carlton", "lat": "-26.2", "lon": "28.04", "find": "1"})
    assert found.status_code == 200 and len(choices(found.content.decode())) == 1


def test_nothing_found_is_said_next_to_the_address_and_keeps_it(client, wards, electricity):
    page = client.get(PLACE, {"address": "Nowhere Lane 99", "find": "1"}).content.decode()
    assert "Nothing matched “Nowhere Lane 99”." in html.unescape(page)
    assert 'value="Nowhere Lane 99"' in page and choices(page) == []
    empty = client.get(PLACE, {"address": " ", "lat": "-26.2", "find": "1"}).content.decode()
    assert "Type an address or a place name to find it." in empty
    assert 'value="-26.2"' in empty


def test_a_failing_geocoder_still_answers_the_page(client, wards, electricity, geocoder):
    geocoder.server.broken = True
    found = client.get(PLACE, {"address": "Carlton Centre", "find": "1"})
    assert found.status_code == 200 and "Nothing matched" in found.content.decode()


def test_next_still_moves_on_with_a_typed_address(client, wards, electricity):
    moved = client.get(PLACE, {"address": "Carlton Centre", "lat": "", "lon": ""})
    assert moved.status_code == 302 and moved["Location"].startswith(f"{PLACE}details/?")


def test_the_json_endpoint_answers_the_matches(client, wards, electricity):
    answer = client.get("/report/jhb/geocode.json", {"q": "Commissioner Street"}).json()
    assert answer == {
        "matches": [
            {
                "label": CARLTON_CENTRE["display_name"],
                "lat": -26.2056,
                "lon": 28.047,
                "source": "geocoder",
            }
        ]
    }
    assert client.get("/report/jhb/geocode.json").json() == {"matches": []}
    assert client.get("/report/nowhere/geocode.json", {"q": "x"}).status_code == 404


def test_the_search_speaks_afrikaans(client, wards, electricity):
    client.post("/i18n/setlang/", {"language": "af", "next": "/"})
    page = html.unescape(client.get(PLACE, {"address": "Nêrens", "find": "1"}).content.decode())
    assert ">Soek</button>" in page and "Niks het met “Nêrens” ooreengestem nie." in page
    found = client.get(PLACE, {"address": "Carlton Centre", "find": "1"}).content.decode()
    assert "Plekke wat ooreenstem" in found and "Gebruik hierdie plek" in found
