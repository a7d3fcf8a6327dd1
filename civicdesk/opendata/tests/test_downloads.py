"""Open data downloads, end to end through the test client: public fields only, a date
range, streamed in a fixed number of queries, clear 400s; the data dictionary page."""

import csv
import io
import json
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from civicdesk.issues.models import Issue
from civicdesk.issues.services import add_note
from civicdesk.opendata.services import NAMES
from conftest import CARLTON_CENTRE, report_outage


@pytest.fixture
def issues(jurisdiction, wards, electricity, staff, reporter, neighbour) -> list[Issue]:
    """Three reports on 1, 2 and 3 March 2026 (local time), one with an internal note."""
    zone = timezone.get_current_timezone()
    found = []
    for day, who in ((1, reporter), (2, neighbour), (3, None)):
        issue = report_outage(jurisdiction, reporter=who, description=f"Dark street {day}")
        Issue.objects.filter(pk=issue.pk).update(
            submitted_at=datetime(2026, 3, day, 23, 30, tzinfo=zone)
        )
        found.append(issue)
    add_note(found[0], staff, "Internal: the reporter sounded drunk")
    return found


def _body(response) -> str:
    return b"".join(response.streaming_content).decode()


def test_csv_has_every_public_field_and_no_personal_data(client, issues, reporter, neighbour):
    response = client.get("/open-data/issues.csv")
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"].startswith("text/csv")
    body = _body(response)
    rows = list(csv.DictReader(io.StringIO(body)))
    assert list(rows[0]) == NAMES
    assert [int(r["id"]) for r in rows] == [i.pk for i in issues]
    first = rows[0]
    assert first["service_code"] == "power-outage"
    assert first["agency"] == "Electricity"
    assert first["area"] == "Ward 124"
    assert first["description"] == "Dark street 1"
    assert first["submitted_at"] == "2026-03-01T23:30:00+02:00"
    assert float(first["lat"]) == pytest.approx(CARLTON_CENTRE[0])
    for private in (
        reporter.name,
        reporter.email,
        neighbour.name,
        "555",
        "drunk",
        "thandi",
    ):
        assert private not in body


def test_geojson_is_a_feature_collection_of_points(client, issues):
    response = client.get("/open-data/issues.geojson", {"start": "2026-03-02"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    data = json.loads(_body(response))
    assert data["type"] == "FeatureCollection"
    assert [f["id"] for f in data["features"]] == [issues[1].pk, issues[2].pk]
    feature = data["features"][0]
    lon, lat = feature["geometry"]["coordinates"]
    assert (lat, lon) == pytest.approx(CARLTON_CENTRE)
    assert list(feature["properties"]) == NAMES


def test_a_date_range_counts_whole_local_days(client, issues):
    body = _body(client.get("/open-data/issues.csv", {"start": "2026-03-02", "end": "2026-03-02"}))
    rows = list(csv.DictReader(io.StringIO(body)))
    assert [int(r["id"]) for r in rows] == [issues[1].pk]
    body = _body(client.get("/open-data/issues.csv", {"end": "2026-03-01"}))
    assert [int(r["id"]) for r in csv.DictReader(io.StringIO(body))] == [issues[0].pk]


def test_instants_and_days_are_the_citys_own(client, issues, jurisdiction):
    """A city elsewhere: its days and its times, whatever the site's time zone."""
    jurisdiction.time_zone = "America/New_York"
    jurisdiction.save()
    # 2 March 23:30 in Johannesburg is 2 March 16:30 in New York.
    params = {"jurisdiction": "jhb", "start": "2026-03-02", "end": "2026-03-02"}
    rows = list(csv.DictReader(io.StringIO(_body(client.get("/open-data/issues.csv", params)))))
    assert [int(r["id"]) for r in rows] == [issues[1].pk]
    assert rows[0]["submitted_at"] == "2026-03-02T16:30:00-05:00"


def test_text_that_looks_like_a_formula_stays_text_in_the_csv(client, issues):
    Issue.objects.filter(pk=issues[0].pk).update(description='=HYPERLINK("http://x","y")')
    rows = list(csv.DictReader(io.StringIO(_body(client.get("/open-data/issues.csv")))))
    first = next(r for r in rows if r["id"] == str(issues[0].pk))
    assert first["description"] == '\'=HYPERLINK("http://x","y")'
    assert first["lat"].startswith("-26.")  # numbers are left alone


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"start": "2026-13-01"}, "start: '2026-13-01' is not a date (YYYY-MM-DD)"),
        ({"end": "yesterday"}, "end: 'yesterday' is not a date"),
        ({"start": "2026-03-02", "end": "2026-03-01"}, "the end date is before the start date"),
        ({"jurisdiction": "atlantis"}, "jurisdiction: 'atlantis' is not served here"),
        ({"end": "9999-12-31"}, "end: '9999-12-31' is not a date"),
        ({"start": "0001-01-01"}, "start: '0001-01-01' is not a date"),
    ],
)
def test_bad_parameters_get_a_clear_400(client, issues, params, message):
    for url in ("/open-data/issues.csv", "/open-data/issues.geojson"):
        response = client.get(url, params)
        assert response.status_code == 400
        assert message in response.content.decode()


def test_downloads_beyond_the_rate_limit_get_a_clear_429(client, issues, settings):
    """One file streams every issue asked for: a client may fetch so many an hour."""
    settings.RATE_LIMITS = settings.RATE_LIMITS | {"download_per_ip": "2/h"}
    assert client.get("/open-data/issues.csv", {"start": "2026-13-01"}).status_code == 400
    for url in ("/open-data/issues.csv", "/open-data/issues.geojson"):
        assert _body(client.get(url))  # a bad request above did not count
    response = client.get("/open-data/issues.csv")
    assert response.status_code == 429
    assert "Too many downloads" in response.content.decode()
    assert 0 < int(response["Retry-After"]) <= 3600
    other = client.get("/open-data/issues.csv", REMOTE_ADDR="192.0.2.7")
    assert other.status_code == 200


def test_a_download_costs_the_same_queries_for_few_or_many_issues(
    client, jurisdiction, wards, electricity, settings
):
    # The download's own queries: without Redis, rate counters are queries of the cache.
    settings.RATE_LIMITS = settings.RATE_LIMITS | {"download_per_ip": ""}

    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            _body(client.get("/open-data/issues.csv"))
            _body(client.get("/open-data/issues.geojson"))
        return len(queries)

    report_outage(jurisdiction)
    few = count()
    for _ in range(30):
        report_outage(jurisdiction)
    assert count() == few


def test_the_data_dictionary_describes_every_field_and_links_the_open311_feed(client, db):
    response = client.get("/open-data/")
    assert response.status_code == 200
    page = response.content.decode()
    for name in NAMES:
        assert f"<code>{name}</code>" in page
    assert 'href="/open311/v2/requests.json?updated_after=' in page
    assert 'action="/open-data/issues.csv"' in page


def test_updated_recently_pages_through_open311(client, jurisdiction, wards, electricity):
    """The bulk feed: every issue updated after a date, page by page until an empty page."""
    now = timezone.now()
    issues = [report_outage(jurisdiction) for _ in range(23)]
    old = issues[:5]
    Issue.objects.filter(pk__in=[i.pk for i in old]).update(updated_at=now - timedelta(days=30))
    since = (now - timedelta(days=1)).isoformat(timespec="seconds")
    seen, page = [], 1
    while True:
        response = client.get(
            "/open311/v2/requests.json",
            {"jurisdiction_id": jurisdiction.slug, "updated_after": since, "page_size": 10,
             "page": page},
        )  # fmt: skip
        assert response.status_code == 200
        found = response.json()
        if not found:
            break
        seen.extend(int(r["service_request_id"]) for r in found)
        page += 1
    assert page == 3  # two pages of 10 and 8, then an empty one
    assert sorted(seen) == sorted(i.pk for i in issues[5:])
