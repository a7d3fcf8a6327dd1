"""The nearest-assets JSON, the public asset page (no personal data) and the staff's
repeat-faults report (scoped, one aggregate query, CSV)."""

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from civicdesk import timekeeping
from civicdesk.accounts.models import User
from civicdesk.issues.services import Contact, report_issue
from civicdesk.units.models import Membership, Programme

LIGHT_PAGE = "/assets/jhb/SL-0001/"
REPORT = "/reports/assets/"


def fault(jurisdiction, light, days_ago=1, reporter=None):
    return report_issue(
        jurisdiction=jurisdiction,
        issue_type_code="street-light-out",
        lat=None,
        lon=None,
        address_id=light.reference,
        asset=light,
        reporter=reporter,
        submitted_at=timekeeping.now() - timedelta(days=days_ago),
    )


def test_near_json_lists_the_nearest_of_a_kind(client, lights):
    answer = client.get(
        "/assets/near.json", {"kind": "street_light", "lat": lights[3].lat, "lon": lights[3].lon}
    )
    assert answer.status_code == 200
    body = answer.json()
    assert body["number_label"] == "Pole number"
    assert len(body["assets"]) == 20
    first = body["assets"][0]
    assert first == {
        "reference": "SL-0003",
        "lat": lights[3].lat,
        "lon": lights[3].lon,
        "metres": 0,
        "url": "/assets/jhb/SL-0003/",
    }
    bad = client.get("/assets/near.json", {"kind": "", "lat": "north", "lon": "200"})
    assert bad.status_code == 400 and set(bad.json()["errors"]) == {"kind", "lat", "lon"}


def test_the_asset_page_shows_its_history_without_personal_data(
    client, lights, jurisdiction, street_light_out
):
    reporter = Contact(name="Lerato Mokoena", email="lerato@example.org", phone="+27825550101")
    issues = [fault(jurisdiction, lights[1], days_ago=d, reporter=reporter) for d in (30, 2)]
    fault(jurisdiction, lights[2])
    page = client.get(LIGHT_PAGE)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Street light SL-0001" in html and "Pole number: SL-0001" in html
    assert "Ward 124" in html and "lamp" in html and "LED" in html
    assert 'id="asset-map"' in html and "Latitude -26.20560" in html
    newest, oldest = html.index(f"#{issues[1].pk} "), html.index(f"#{issues[0].pk} ")
    assert newest < oldest
    assert html.count('class="issue-row"') == 2
    for personal in ("Lerato", "Mokoena", "lerato@example.org", "0101"):
        assert personal not in html
    assert client.get("/assets/jhb/NOPE/").status_code == 404
    assert client.get("/assets/nowhere/SL-0001/").status_code == 404


def test_the_asset_page_is_paged(
    client, lights, jurisdiction, street_light_out, django_assert_max_num_queries
):
    for day in range(25):
        fault(jurisdiction, lights[1], days_ago=day + 1)
    with django_assert_max_num_queries(8):
        first = client.get(LIGHT_PAGE).content.decode()
    assert first.count('class="issue-row"') == 20 and "Page 1 of 2" in first
    second = client.get(LIGHT_PAGE, {"page": 2}).content.decode()
    assert second.count('class="issue-row"') == 5


@pytest.fixture
def faults(jurisdiction, lights, street_light_out):
    """SL-0001: 4 faults in 90 days; SL-0002: 2; SL-0003: 3, but 100 to 110 days ago."""
    for days in (1, 10, 20, 80):
        fault(jurisdiction, lights[1], days_ago=days)
    for days in (5, 6):
        fault(jurisdiction, lights[2], days_ago=days)
    for days in (100, 105, 110):
        fault(jurisdiction, lights[3], days_ago=days)


def rows_of(page: str) -> list[str]:
    return [line.split(">")[-1] for line in page.split("</a></th>")[:-1]]


def test_repeat_faults_lists_assets_with_three_faults_in_the_window(client, staff, faults):
    client.force_login(staff)
    page = client.get(REPORT)
    assert page.status_code == 200
    html = page.content.decode()
    assert rows_of(html) == ["SL-0001"]
    assert 'href="/assets/jhb/SL-0001/"' in html and "<td>4</td>" in html
    wider = client.get(REPORT, {"days": 120}).content.decode()
    assert rows_of(wider) == ["SL-0001", "SL-0003"]
    two = client.get(REPORT, {"minimum": 2}).content.decode()
    assert rows_of(two) == ["SL-0001", "SL-0002"]
    assert client.get(REPORT, {"days": "-4"}).status_code == 400
    assert 'href="/reports/assets/"' in client.get("/reports/").content.decode()


def test_repeat_faults_is_one_aggregate_query_whatever_the_assets(
    client, staff, faults, jurisdiction, lights
):
    client.force_login(staff)
    with CaptureQueriesContext(connection) as few:
        client.get(REPORT)
    for light in lights[10:20]:
        for days in (1, 2, 3):
            fault(jurisdiction, light, days_ago=days)
    with CaptureQueriesContext(connection) as many:
        html = client.get(REPORT).content.decode()
    assert len(rows_of(html)) == 11
    assert len(many) == len(few)
    grouped = [q["sql"] for q in many.captured_queries if "GROUP BY" in q["sql"]]
    assert len(grouped) == 1 and "HAVING" in grouped[0]


def test_repeat_faults_csv(client, dispatcher, faults):
    client.force_login(dispatcher)
    response = client.get(REPORT + "repeat-faults.csv", {"days": 120})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [(r["asset"], r["faults"], r["open"]) for r in rows] == [
        ("SL-0001", "4", "4"),
        ("SL-0003", "3", "3"),
    ]
    assert rows[0]["kind"] == "street_light" and rows[0]["area"] == "Ward 124"
    assert rows[0]["url"].endswith("/assets/jhb/SL-0001/")


def test_repeat_faults_are_scoped_to_the_staff_member_s_issues(client, faults, roads, jurisdiction):
    other = User.objects.create_user("roads-staff", password="x")
    Membership.objects.create(
        programme=Programme.objects.create(unit=roads, name="Potholes"), user=other
    )
    client.force_login(other)
    assert rows_of(client.get(REPORT).content.decode()) == []
    citizen = User.objects.create_user("citizen", password="x")
    client.force_login(citizen)
    assert client.get(REPORT).status_code == 403
    client.logout()
    assert client.get(REPORT).status_code == 302


def test_the_asset_page_speaks_afrikaans(client, lights):
    client.post("/i18n/setlang/", {"language": "af", "next": "/"})
    html = client.get(LIGHT_PAGE).content.decode()
    assert "Straatlig SL-0001" in html and "Paalnommer: SL-0001" in html


def test_an_issue_page_links_to_its_asset(client, lights, jurisdiction, street_light_out):
    issue = fault(jurisdiction, lights[1])
    html = client.get(f"/issues/{issue.pk}/").content.decode()
    assert f'<a href="{LIGHT_PAGE}">Street light SL-0001</a>' in html
