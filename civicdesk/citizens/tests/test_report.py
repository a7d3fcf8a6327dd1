"""Reporting from the web, end to end through the pages: category, place, details with
nearby open issues, photos made small, confirmation with deadlines, safe retries."""

import io
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from civicdesk.accounts.models import Citizen, User
from civicdesk.citizens.models import ReportKey
from civicdesk.citizens.services.reporting import nearby_open_issues, report_from_web
from civicdesk.issues.models import Issue, Status
from civicdesk.timekeeping import as_of
from conftest import CARLTON_CENTRE, report_outage

SAST = ZoneInfo("Africa/Johannesburg")
DETAILS = "/report/jhb/power-outage/details/"
KEY = "k" * 24


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def jpeg(width=3000, height=2000, name="street.jpg", exif=True) -> SimpleUploadedFile:
    image = Image.new("RGB", (width, height), (200, 60, 30))
    out = io.BytesIO()
    kwargs = {}
    if exif:
        data = Image.Exif()
        data[0x010F] = "PhoneMaker"  # Make
        data[0x0112] = 6  # Orientation: rotate 90° to show upright
        kwargs["exif"] = data
    image.save(out, "JPEG", **kwargs)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def details(**overrides) -> dict:
    return {
        "lat": str(CARLTON_CENTRE[0]),
        "lon": str(CARLTON_CENTRE[1]),
        "address": "Carlton Centre, Commissioner Street",
        "q_extent": "street",
        "description": "No power since 6am",
        "name": "Lerato Mokoena",
        "email": "lerato@example.org",
        "phone": "",
        "key": KEY,
    } | overrides


def test_categories_are_grouped_and_searchable(client, wards, electricity, roads):
    page = client.get("/report/").content.decode()
    assert "Electricity" in page and "Roads" in page
    assert 'href="/report/jhb/power-outage/"' in page and 'href="/report/jhb/pothole/"' in page
    found = client.get("/report/", {"q": "pothole"}).content.decode()
    assert "/report/jhb/pothole/" in found and "/report/jhb/power-outage/" not in found
    fragment = client.get("/report/", {"q": "power"}, HTTP_HX_REQUEST="true").content.decode()
    assert "/report/jhb/power-outage/" in fragment and "<html" not in fragment


def test_the_place_step_moves_on_with_a_point_or_an_address(client, wards, electricity):
    page = client.get("/report/jhb/power-outage/")
    assert page.status_code == 200 and 'name="lat"' in page.content.decode()
    moved = client.get("/report/jhb/power-outage/", {"lat": "-26.2056", "lon": "28.047"})
    assert moved.status_code == 302
    assert moved["Location"].startswith(DETAILS + "?") and "lat=-26.2056" in moved["Location"]
    by_address = client.get("/report/jhb/power-outage/", {"address": "12 Bree Street"})
    assert by_address.status_code == 302


def test_the_place_step_explains_a_missing_place_and_keeps_what_was_typed(
    client, wards, electricity
):
    page = client.get("/report/jhb/power-outage/", {"lat": "-26.2", "lon": ""})
    html = page.content.decode()
    assert page.status_code == 200
    assert "Give both the latitude and the longitude." in html
    assert 'value="-26.2"' in html


def test_a_report_is_saved_with_its_answers_and_a_small_upright_photo(client, wards, electricity):
    response = client.post(DETAILS, details(photos=jpeg()))
    issue = Issue.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/report/sent/{issue.pk}/"
    assert issue.source == "web"
    assert issue.answers == {"extent": "street"}
    assert issue.reporter.email == "lerato@example.org"
    assert ReportKey.objects.get(key=KEY).issue == issue
    [photo] = issue.photos.all()
    with Image.open(photo.image.path) as stored:
        # 3000x2000 turned upright by its EXIF orientation, then at most 1600 px.
        assert stored.size == (1067, 1600)
        assert stored.format == "JPEG"
        assert "exif" not in stored.info and not stored.getexif()


def test_the_confirmation_shows_the_reference_and_local_deadlines(client, wards, electricity):
    # 10:00 in Johannesburg is 08:00 UTC: the page must say 14:00 and 10:00 the next day.
    with as_of(datetime(2026, 11, 23, 10, tzinfo=SAST)):
        issue = report_outage(electricity.jurisdiction)
    html = client.get(f"/report/sent/{issue.pk}/").content.decode()
    assert f"#{issue.pk}" in html
    assert "Monday 23 November 2026, 14:00" in html
    assert "Tuesday 24 November 2026, 10:00" in html


def test_bad_input_is_refused_next_to_the_fields_and_kept(client, wards, electricity):
    bad = details(
        q_extent="",
        email="not-an-address",
        description="The transformer hums",
        photos=SimpleUploadedFile("notes.jpg", b"not an image", content_type="image/jpeg"),
    )
    response = client.post(DETAILS, bad)
    html = response.content.decode()
    assert response.status_code == 400
    assert not Issue.objects.exists()
    assert "notes.jpg is not a JPEG, PNG or WebP photo we can read." in html
    assert "Enter a valid email address." in html
    assert "This field is required." in html
    assert "The transformer hums" in html and 'value="not-an-address"' in html
    # Each message sits in the field's own block, before its input.
    block = re.search(r'<div class="field field-error">(.*?)</div>', html, re.S).group(1)
    assert "errorlist" in block


def test_a_point_outside_the_city_is_an_error_on_the_place(client, wards, electricity):
    response = client.post(DETAILS, details(lat="-33.92", lon="18.42"))
    assert response.status_code == 400
    assert "the point is outside City of Johannesburg" in response.content.decode()
    assert not Issue.objects.exists()


def test_a_retry_with_the_same_key_makes_no_second_issue(client, wards, electricity):
    first = client.post(DETAILS, details(), HTTP_ACCEPT="application/json")
    again = client.post(DETAILS, details(), HTTP_ACCEPT="application/json")
    issue = Issue.objects.get()
    assert first.json() == again.json() == {"issue": issue.pk, "url": f"/report/sent/{issue.pk}/"}
    refused = client.post(DETAILS, details(key="short"), HTTP_ACCEPT="application/json")
    assert refused.status_code == 400 and "key" in refused.json()["errors"]


def test_the_service_answers_a_repeated_key_with_the_first_issue(wards, electricity):
    fields = {
        "jurisdiction": electricity.jurisdiction,
        "issue_type_code": "power-outage",
        "key": KEY,
        "lat": CARLTON_CENTRE[0],
        "lon": CARLTON_CENTRE[1],
        "answers": {"extent": "one"},
    }
    issue, created = report_from_web(**fields)
    again, created_again = report_from_web(**fields)
    assert (created, created_again, again) == (True, False, issue)
    assert Issue.objects.count() == 1


def test_a_signed_in_report_belongs_to_the_account(client, wards, electricity):
    user = User.objects.create_user("ayanda@example.org", email="ayanda@example.org")
    client.force_login(user)
    response = client.post(DETAILS, details(name="", email="", phone=""))
    assert response.status_code == 302
    issue = Issue.objects.get()
    assert issue.reporter == Citizen.objects.get(user=user)


def test_an_anonymous_report_without_contact_is_accepted(client, wards, electricity):
    response = client.post(DETAILS, details(name="", email="", phone=""))
    assert response.status_code == 302
    assert Issue.objects.get().reporter is None


def test_nearby_open_issues_of_the_same_type_are_offered_before_saving(
    client, wards, electricity, roads, reporter
):
    near = report_outage(electricity.jurisdiction, description="Whole block dark")
    # About 100 m north: near. About 600 m north: too far. A pothole: another type.
    north = report_outage(electricity.jurisdiction, lat=CARLTON_CENTRE[0] + 0.0009)
    far = report_outage(electricity.jurisdiction, lat=CARLTON_CENTRE[0] + 0.0054)
    closed = report_outage(electricity.jurisdiction, lat=CARLTON_CENTRE[0] + 0.0001)
    Issue.objects.filter(pk=closed.pk).update(status=Status.CLOSED)
    report_outage(electricity.jurisdiction, issue_type_code="pothole", answers={})

    found = nearby_open_issues(near.issue_type, *CARLTON_CENTRE)
    assert [n.issue.pk for n in found] == [near.pk, north.pk]
    assert found[1].metres == pytest.approx(100, abs=5)

    html = client.get(DETAILS, {"lat": CARLTON_CENTRE[0], "lon": CARLTON_CENTRE[1]}).content
    html = html.decode()
    assert "Is it one of these?" in html and "Whole block dark" in html
    assert f'action="/issues/{near.pk}/push/"' in html
    assert f"/issues/{far.pk}/push/" not in html and f"/issues/{closed.pk}/push/" not in html


def test_pushing_a_suggested_issue_instead_of_reporting(client, wards, electricity, reporter):
    near = report_outage(electricity.jurisdiction, reporter=reporter)
    response = client.post(f"/issues/{near.pk}/push/", {"email": "sipho@example.org"})
    assert response.status_code == 302 and response["Location"] == f"/issues/{near.pk}/"
    near.refresh_from_db()
    assert near.push_count == 1 and Issue.objects.count() == 1


def test_deadlines_on_the_confirmation_follow_office_hours(client, wards, roads):
    # Friday 15:00: the 8 working-hour response falls on Monday 14:30.
    with as_of(datetime(2026, 12, 11, 15, tzinfo=SAST)):
        issue = report_outage(roads.jurisdiction, issue_type_code="pothole", answers={})
    html = client.get(f"/report/sent/{issue.pk}/").content.decode()
    assert "Monday 14 December 2026, 14:30" in html
    assert issue.response_due - issue.submitted_at > timedelta(hours=8)
