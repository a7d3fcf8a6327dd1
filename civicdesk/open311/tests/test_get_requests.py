"""GET requests and requests/{id}: fields, privacy, the spec's filters and our extensions."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from civicdesk import timekeeping
from civicdesk.activities.services import create_activity, update_activity
from civicdesk.issues.models import Issue
from civicdesk.issues.services import Contact, acknowledge, answer_info, reject, request_info
from civicdesk.open311.services import RequestInput, submit_request
from civicdesk.places.models import Jurisdiction
from conftest import CARLTON_CENTRE, report_outage

SAST = ZoneInfo("Africa/Johannesburg")
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=SAST)
FIELDS = {
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
}


@pytest.fixture
def frozen_now():
    with timekeeping.as_of(NOW):
        yield NOW


def reported(city, days_ago: float = 0, **fields) -> Issue:
    return report_outage(city, submitted_at=NOW - timedelta(days=days_ago), **fields)


def ids(answer) -> list[int]:
    if isinstance(answer.body, list):
        return [int(r["service_request_id"]) for r in answer.body]
    return [int(r.findtext("service_request_id")) for r in answer.body.findall("request")]


def test_a_request_has_every_field_and_no_personal_data(api, city, client_app, frozen_now):
    submission, _ = submit_request(
        application=client_app,
        jurisdiction=city,
        data=RequestInput(
            service_code="power-outage",
            lat=CARLTON_CENTRE[0],
            lon=CARLTON_CENTRE[1],
            address_string="Carlton Centre",
            answers={"extent": "one"},
            email="zanele.marker@example.org",
            phone="+27 82 555 0777",
            first_name="Zanele",
            last_name="Markerson",
            device_id="device-marker-1",
            account_id="account-marker-1",
            description="Sparks at the meter box",
        ),
    )
    issue = submission.issue
    for fmt in ("json", "xml"):
        response = api.http.get(f"/open311/v2/requests.{fmt}")
        for marker in (
            "zanele",
            "Markerson",
            "555 0777",
            "5550777",
            "device-marker",
            "account-marker",
        ):
            assert marker.lower() not in response.content.decode().lower()
    [item] = api.get("requests.json").body
    assert set(item) == FIELDS
    assert item == item | {
        "service_request_id": str(issue.pk),
        "status": "open",
        "status_notes": "",
        "service_name": "Power outage",
        "service_code": "power-outage",
        "description": "Sparks at the meter box",
        "agency_responsible": "Electricity",
        "requested_datetime": "2026-11-23T12:00:00+02:00",
        "updated_datetime": "2026-11-23T12:00:00+02:00",
        "expected_datetime": "2026-11-24T12:00:00+02:00",
        "address": "Carlton Centre",
        "lat": CARLTON_CENTRE[0],
        "long": CARLTON_CENTRE[1],
        "media_url": "",
    }
    assert item["service_notice"] == (
        "Received: response due by 2026-11-23 16:00 SAST; resolution due by 2026-11-24 12:00 SAST."
    )
    [request] = api.get("requests.xml").body.findall("request")
    assert {child.tag for child in request} == FIELDS
    assert request.findtext("requested_datetime") == "2026-11-23T12:00:00+02:00"
    assert request.findtext("lat") == str(CARLTON_CENTRE[0])


def test_newest_first_and_closed_ones_say_so(api, city, dispatcher, frozen_now):
    old, middle, new = (reported(city, days_ago=d) for d in (3, 2, 1))
    reject(middle, dispatcher, "Eskom supplies this street, not City Power")
    answer = api.get("requests.json")
    assert ids(answer) == [new.pk, middle.pk, old.pk]
    statuses = {int(r["service_request_id"]): r["status"] for r in answer.body}
    assert statuses == {new.pk: "open", middle.pk: "closed", old.pk: "open"}
    notes = {int(r["service_request_id"]): r["status_notes"] for r in answer.body}
    assert notes[middle.pk] == "Eskom supplies this street, not City Power"


def test_status_notes_show_the_latest_public_note_only(api, city, staff, frozen_now):
    issue = reported(city, days_ago=1, reporter=Contact(email="thabo@example.org"))
    acknowledge(issue, staff, note="A team is on the way")
    [item] = api.get("requests.json").body
    assert item["status_notes"] == "A team is on the way"
    request_info(issue, staff, question="Which meter number?")
    answer_info(issue, issue.reporter, "Meter 04-2231 (a private answer)")
    [item] = api.get("requests.json").body
    assert item["status_notes"] == "Which meter number?"
    # Activities' public summaries reach the request's notes too.
    with timekeeping.as_of(NOW + timedelta(hours=1)):
        activity = create_activity(
            staff.memberships.first().programme, staff, title="Replace cable", issues=[issue]
        )
        update_activity(
            activity, staff, status="in_progress", public_summary="Cable being replaced"
        )
    [item] = api.get("requests.json").body
    assert item["status_notes"] == "Cable being replaced"


def test_service_request_id_list_overrides_every_other_filter(api, city, dispatcher, frozen_now):
    first, second, third = (reported(city, days_ago=d) for d in (200, 5, 1))
    reject(second, dispatcher, "Not ours")
    answer = api.get(
        "requests.json",
        service_request_id=f"{first.pk},{second.pk}",
        status="open",
        service_code="pothole",
        start_date="2026-11-22",
    )
    assert sorted(ids(answer)) == [first.pk, second.pk]
    assert third.pk not in ids(answer)
    assert api.get("requests.json", service_request_id="1,x").status == 400


def test_service_code_list(api, city, frozen_now):
    outage = reported(city, days_ago=1)
    pothole = report_outage(city, issue_type_code="pothole", answers={}, submitted_at=NOW)
    assert ids(api.get("requests.json", service_code="pothole")) == [pothole.pk]
    assert ids(api.get("requests.json", service_code="pothole,power-outage")) == [
        pothole.pk,
        outage.pk,
    ]
    assert ids(api.get("requests.json", service_code="teleporter")) == []


def test_default_window_is_the_last_90_days(api, city, frozen_now):
    recent = reported(city, days_ago=89)
    reported(city, days_ago=91)
    assert ids(api.get("requests.json")) == [recent.pk]


def test_start_and_end_date(api, city, frozen_now):
    a, b, c = (reported(city, days_ago=d) for d in (30, 20, 10))
    window = {"start_date": "2026-10-28T00:00:00+02:00", "end_date": "2026-11-08T00:00:00Z"}
    assert ids(api.get("requests.json", **window)) == [b.pk]
    assert ids(api.get("requests.json", start_date="2026-11-10")) == [c.pk]
    assert ids(api.get("requests.json", end_date="2026-10-30")) == [a.pk]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"start_date": "23/11/2026"}, "start_date must be a W3C date and time"),
        ({"start_date": "2026-11-23T10:00:00"}, "with a time zone"),
        ({"end_date": "2026-02-30"}, "end_date must be a W3C date"),
        ({"start_date": "2026-01-01", "end_date": "2026-06-01"}, "at most 90 days apart"),
        ({"start_date": "2026-06-01", "end_date": "2026-05-01"}, "end_date is before start_date"),
        ({"status": "pending"}, "status must be open, closed"),
        ({"page": "0"}, "page must be a positive whole number"),
        ({"page_size": "1001"}, "page_size must be at most 1000"),
        ({"bbox": "28,-26,27,-25"}, "bbox must be"),
        ({"lat": "-26.2"}, "needs lat and long"),
        ({"lat": "-26.2", "long": "28.04", "radius": "900000"}, "radius must be a number"),
        ({"updated_after": "yesterday"}, "updated_after must be a W3C"),
    ],
)
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_bad_filters_are_400s(api, city, frozen_now, fmt, query, message):
    answer = api.get(f"requests.{fmt}", **query)
    assert answer.status == 400
    assert message in answer.errors()[0][1], answer.errors()


def test_status_filter(api, city, dispatcher, frozen_now):
    kept, dropped = reported(city, days_ago=2), reported(city, days_ago=1)
    reject(dropped, dispatcher, "Duplicate of a fault already fixed")
    assert ids(api.get("requests.json", status="open")) == [kept.pk]
    assert ids(api.get("requests.json", status="closed")) == [dropped.pk]
    assert ids(api.get("requests.json", status="open,closed")) == [dropped.pk, kept.pk]


def test_paging_and_the_limit_of_1000(api, city, frozen_now):
    template = reported(city, days_ago=0)
    issue_type, unit = template.issue_type, template.unit
    Issue.objects.bulk_create(
        Issue(
            jurisdiction=city,
            issue_type=issue_type,
            unit=unit,
            lat=CARLTON_CENTRE[0],
            lon=CARLTON_CENTRE[1],
            submitted_at=NOW - timedelta(minutes=n),
            updated_at=NOW,
        )
        for n in range(1, 1005)
    )
    everything = api.get("requests.json")
    assert len(everything.body) == 1000
    assert ids(everything)[0] == template.pk
    second = api.get("requests.json", page="2")
    assert len(second.body) == 5
    assert not set(ids(second)) & set(ids(everything))
    small = api.get("requests.json", page_size="10", page="3")
    assert ids(small) == ids(everything)[20:30]


def test_bounding_box_and_radius(api, city, frozen_now):
    carlton = reported(city, days_ago=1)
    soweto = reported(city, days_ago=2, lat=-26.2485, lon=27.8540)  # Soweto, ~20 km away
    assert ids(api.get("requests.json", bbox="28.0,-26.25,28.1,-26.15")) == [carlton.pk]
    near = {"lat": "-26.2060", "long": "28.0475", "radius": "500"}
    assert ids(api.get("requests.json", **near)) == [carlton.pk]
    wide = near | {"radius": "25000"}
    assert ids(api.get("requests.json", **wide)) == [carlton.pk, soweto.pk]
    # 300 m east of the Carlton Centre: inside a 500 m circle's box but outside 250 m.
    east = {"lat": str(CARLTON_CENTRE[0]), "long": str(CARLTON_CENTRE[1] + 0.003)}
    assert ids(api.get("requests.json", **east, radius="250")) == []
    assert ids(api.get("requests.json", **east, radius="350")) == [carlton.pk]


def test_updated_after_reaches_old_requests(api, city, staff, frozen_now):
    old = reported(city, days_ago=200)
    reported(city, days_ago=1)
    with timekeeping.as_of(NOW + timedelta(hours=1)):
        acknowledge(old, staff)
    answer = api.get("requests.json", updated_after="2026-11-23T12:30:00+02:00")
    assert ids(answer) == [old.pk]
    assert answer.body[0]["updated_datetime"] == "2026-11-23T13:00:00+02:00"


def test_one_request_by_id(api, city, frozen_now):
    issue = reported(city, days_ago=400)
    for fmt in ("json", "xml"):
        answer = api.get(f"requests/{issue.pk}.{fmt}")
        assert answer.status == 200
        assert ids(answer) == [issue.pk]
    assert api.get("requests/999999.json").status == 404
    assert api.get("requests/abc.xml").status == 404
    Jurisdiction.objects.create(slug="cpt", name="Cape Town")
    elsewhere = api.get(f"requests/{issue.pk}.json", jurisdiction_id="cpt")
    assert elsewhere.status == 404


def test_unplaced_requests_have_empty_coordinates(api, city, frozen_now):
    issue = report_outage(
        city, lat=None, lon=None, address="Bree St taxi rank", reporter=Contact(), submitted_at=NOW
    )
    [item] = api.get("requests.json").body
    assert (item["lat"], item["long"], item["address"]) == (None, None, "Bree St taxi rank")
    [request] = api.get("requests.xml").body.findall("request")
    assert request.findtext("lat") == ""
    assert int(item["service_request_id"]) == issue.pk


@pytest.mark.parametrize("count", [3, 40])
def test_a_page_takes_the_same_queries_whatever_its_size(
    api, city, staff, frozen_now, count, django_assert_num_queries
):
    issues = [reported(city, days_ago=n / 10) for n in range(count)]
    for issue in issues:
        acknowledge(issue, staff, note="On it")
    create_activity(staff.memberships.first().programme, staff, title="Sweep", issues=issues)
    api.get("services.json")  # jurisdictions are read once, then kept (reference cache)
    # The page; its notes, activity summaries and photos.
    with django_assert_num_queries(2):
        assert len(api.get("requests.json").body) == count
    with django_assert_num_queries(3):  # and the issue types of the codes asked for
        assert len(api.get("requests.xml", service_code="power-outage").body) == count
