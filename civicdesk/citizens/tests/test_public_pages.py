"""The public list and area pages: filters, keyset pages, crowd pushing, bounded queries,
and no personal data."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from civicdesk.issues.models import Issue, Status
from civicdesk.issues.services import Contact, push, reject
from civicdesk.places.models import Area
from civicdesk.timekeeping import as_of
from conftest import report_outage

SAST = ZoneInfo("Africa/Johannesburg")
MARKERS = ("Marker Zodwa", "zodwa-marker@example.org", "0825559911", "+27825559911")


def many_issues(jurisdiction, issue_type, area, count: int, **fields) -> list[Issue]:
    """Set-up only: issues written directly, as a city's history would hold them."""
    start = datetime(2026, 10, 1, 8, tzinfo=SAST)
    return Issue.objects.bulk_create(
        Issue(
            jurisdiction=jurisdiction,
            issue_type=issue_type,
            area=area,
            lat=-26.2056 + n * 0.0001,
            lon=28.0470,
            **({"submitted_at": start + timedelta(hours=n), "push_count": n % 7} | fields),
        )
        for n in range(count)
    )


@pytest.fixture
def ward(wards) -> Area:
    return Area.objects.get(name="Ward 124")


@pytest.fixture
def marked(wards, electricity) -> Issue:
    """An issue reported and pushed by people whose details are marker strings."""
    issue = report_outage(
        electricity.jurisdiction,
        Contact(name="Marker Zodwa", email="zodwa-marker@example.org", phone="0825559911"),
        description="Transformer humming",
    )
    push(issue, Contact(name="Marker Zodwa pusher", phone="+27825559911"))
    return issue


def test_the_list_shows_open_issues_newest_first_with_links(client, marked, electricity):
    later = report_outage(electricity.jurisdiction)
    response = client.get("/issues/")
    assert response.status_code == 200
    text = response.content.decode()
    assert text.index(f"/issues/{later.pk}/") < text.index(f"/issues/{marked.pk}/")
    assert "Transformer humming" in text
    assert "1 push" in text


def test_no_public_page_shows_personal_data(client, marked, ward):
    pages = ["/issues/", "/issues/?status=all&sort=pushed", "/map/", f"/areas/{ward.pk}/"]
    pages.append("/map/data.json?bbox=-27,27,-25,29&zoom=10")
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.content.decode()
        for marker in MARKERS:
            assert marker not in text, (url, marker)


def test_filters_by_category_status_area_and_date(client, wards, electricity, roads, dispatcher):
    jhb = electricity.jurisdiction
    with as_of(datetime(2026, 11, 2, 9, tzinfo=SAST)):
        old = report_outage(jhb)
    with as_of(datetime(2026, 11, 20, 9, tzinfo=SAST)):
        new = report_outage(jhb)
        pothole = report_outage(jhb, issue_type_code="pothole", answers={})
        elsewhere = report_outage(jhb, lat=-26.1076, lon=28.0567)  # Sandton, another ward
        rejected = report_outage(jhb)
    reject(rejected, dispatcher, "Not ours")

    def listed(query: str) -> set[int]:
        text = client.get(f"/issues/?{query}").content.decode()
        everything = (old, new, pothole, elsewhere, rejected)
        return {i.pk for i in everything if f'href="/issues/{i.pk}/"' in text}

    assert listed("") == {old.pk, new.pk, pothole.pk, elsewhere.pk}
    assert listed(f"type={pothole.issue_type_id}") == {pothole.pk}
    assert listed("status=rejected") == {rejected.pk}
    assert listed("status=all") == {old.pk, new.pk, pothole.pk, elsewhere.pk, rejected.pk}
    assert listed(f"area={new.area_id}") == {old.pk, new.pk, pothole.pk}
    assert listed("date_from=2026-11-20") == {new.pk, pothole.pk, elsewhere.pk}
    assert listed("date_to=2026-11-19") == {old.pk}


def test_bad_filters_are_shown_next_to_the_field_and_keep_what_was_typed(client, marked):
    response = client.get("/issues/?date_from=2026-11-20&date_to=2026-11-01&type=999999")
    text = response.content.decode()
    assert response.status_code == 200
    assert "The end date is before the start date." in text
    assert 'value="2026-11-20"' in text
    assert "Select a valid choice" in text
    assert f"/issues/{marked.pk}/" in text  # a field in error does not filter


def test_most_pushed_first_and_keyset_pages_cover_every_issue_once(
    client, wards, power_outage, ward
):
    issues = many_issues(ward.jurisdiction, power_outage, ward, 45)
    for sort in ("pushed", "newest"):
        seen: list[int] = []
        query = f"sort={sort}"
        while query is not None:
            response = client.get(f"/issues/?{query}")
            page = response.context["issues"]
            seen += [i.pk for i in page]
            query = response.context["next_query"] or None
        assert sorted(seen) == sorted(i.pk for i in issues)
        assert len(seen) == len(set(seen))
        if sort == "pushed":
            counts = [Issue.objects.get(pk=pk).push_count for pk in seen]
            assert counts == sorted(counts, reverse=True)


def test_the_list_makes_the_same_few_queries_for_small_and_larger_data(
    client, wards, power_outage, ward, django_assert_max_num_queries
):
    many_issues(ward.jurisdiction, power_outage, ward, 3)
    # Session-less: the categories, the areas, and the page of issues.
    with django_assert_max_num_queries(3):
        assert client.get("/issues/?sort=pushed").status_code == 200
    many_issues(ward.jurisdiction, power_outage, ward, 300)
    with django_assert_max_num_queries(3):
        response = client.get("/issues/?sort=pushed")
    assert len(response.context["issues"]) == 20
    with django_assert_max_num_queries(3):
        client.get(f"/issues/?{response.context['next_query']}&area={ward.pk}")


def test_an_area_page_shows_counts_and_the_most_pushed_open_issues(
    client, wards, power_outage, ward, django_assert_max_num_queries
):
    many_issues(ward.jurisdiction, power_outage, ward, 30)
    many_issues(
        ward.jurisdiction,
        power_outage,
        ward,
        4,
        status=Status.CLOSED,
        resolution_met=True,
    )
    many_issues(
        ward.jurisdiction, power_outage, ward, 1, status=Status.CLOSED, resolution_met=False
    )
    champion = many_issues(ward.jurisdiction, power_outage, ward, 1, push_count=40)[0]
    with django_assert_max_num_queries(5):
        response = client.get(f"/areas/{ward.pk}/")
    assert response.status_code == 200
    counts = response.context["counts"]
    assert (counts["open"], counts["fixed"], counts["total"]) == (31, 5, 36)
    assert counts["met_percent"] == 80
    most = response.context["most_pushed"]
    assert most[0].pk == champion.pk
    assert len(most) == 10
    assert [i.push_count for i in most] == sorted((i.push_count for i in most), reverse=True)
    many_issues(ward.jurisdiction, power_outage, ward, 300)
    with django_assert_max_num_queries(5):
        assert client.get(f"/areas/{ward.pk}/").status_code == 200
    assert client.get("/areas/999999/").status_code == 404


def test_the_areas_index_links_every_area_in_natural_order(client, wards):
    text = client.get("/areas/").content.decode()
    assert text.index(">Ward 9<") < text.index(">Ward 10<") < text.index(">Ward 100<")
    assert text.count('href="/areas/') == len(wards)


def test_the_map_page_works_without_scripts_or_tiles(client, marked, settings):
    settings.MAP_TILE_URL = "http://127.0.0.1:9/{z}/{x}/{y}.png"  # nothing answers there
    response = client.get("/map/?status=open")
    text = response.content.decode()
    assert response.status_code == 200
    assert f'href="/issues/{marked.pk}/"' in text  # the list under the map
    assert 'id="map-config"' in text
    assert response.context["map_config"]["filters"] == {"status": "open"}
    assert response.context["map_config"]["tileUrl"] == settings.MAP_TILE_URL
