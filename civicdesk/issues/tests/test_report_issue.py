import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from civicdesk.alerts.models import Alert
from civicdesk.issues.models import Issue, Status
from civicdesk.issues.services import Contact
from civicdesk.timekeeping import as_of
from conftest import report_outage

SAST = ZoneInfo("Africa/Johannesburg")


def report(jurisdiction, **overrides):
    return report_outage(jurisdiction, **({"description": "No power since 6am"} | overrides))


def test_report_is_routed_to_the_unit_and_ward_with_deadlines(wards, electricity, reporter):
    issue = report(electricity.jurisdiction, reporter=reporter)
    assert issue.unit == electricity
    assert issue.area.name == "Ward 124"
    assert issue.status == Status.SUBMITTED
    assert issue.response_due == issue.submitted_at + timedelta(hours=4)
    assert issue.resolution_due == issue.submitted_at + timedelta(hours=24)


def test_reporter_is_alerted_with_the_deadlines(wards, electricity, reporter):
    issue = report(electricity.jurisdiction, reporter=reporter)
    alert = Alert.objects.get(issue=issue)
    assert alert.kind == "issue_received"
    assert alert.channel == "email"
    assert alert.citizen.email == "lerato@example.org"
    assert alert.payload["resolution_due"] == issue.resolution_due.isoformat()


def test_office_hours_deadlines_skip_the_weekend_and_holidays(wards, roads):
    # Friday 11 December 2026, 15:00 SAST; Wednesday 16 December is a public holiday.
    with as_of(datetime(2026, 12, 11, 15, tzinfo=SAST)):
        issue = report(roads.jurisdiction, issue_type_code="pothole", answers={})
    # 8 working hours: 1.5 h on Friday, 6.5 h on Monday from 08:00.
    assert issue.response_due == datetime(2026, 12, 14, 14, 30, tzinfo=SAST)
    # 40 working hours = 1.5 + 8.5 (Mon) + 8.5 (Tue) + 8.5 (Thu) + 8.5 (Fri) + 4.5 (Mon 21st)
    assert issue.resolution_due == datetime(2026, 12, 21, 12, 30, tzinfo=SAST)


def test_unroutable_issue_goes_to_dispatch_without_deadlines(wards, pothole, reporter):
    issue = report(pothole.jurisdiction, issue_type_code="pothole", answers={}, reporter=reporter)
    assert issue.unit is None
    assert issue.response_due is None
    assert issue.events.filter(kind="unrouted").exists()


def test_two_units_covering_the_same_place_leave_it_to_dispatch(wards, electricity):
    from civicdesk.units.models import BusinessUnit

    other = BusinessUnit.objects.create(
        jurisdiction=electricity.jurisdiction, name="Eskom", slug="eskom", is_external=True
    )
    other.issue_types.add(*electricity.issue_types.all())
    assert report(electricity.jurisdiction).unit is None


def test_unit_covering_the_ward_wins_over_a_city_wide_unit(wards, electricity):
    from civicdesk.units.models import BusinessUnit

    depot = BusinessUnit.objects.create(
        jurisdiction=electricity.jurisdiction, name="Inner City depot", slug="inner"
    )
    depot.issue_types.add(*electricity.issue_types.all())
    depot.areas.add(next(w for w in wards if w.name == "Ward 124"))
    assert report(electricity.jurisdiction).unit == depot


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"issue_type_code": "volcano"}, "issue_type"),
        ({"answers": {}}, "answers.extent"),
        ({"answers": {"extent": "planet"}}, "answers.extent"),
        ({"answers": {"extent": "one", "colour": "red"}}, "answers.colour"),
        ({"lat": "north"}, "location"),
        ({"lat": 91}, "location"),
        ({"lat": float("nan")}, "location"),
        ({"lat": -33.92, "lon": 18.42}, "location"),  # Cape Town is not Johannesburg
        ({"description": "x" * 4001}, "description"),
    ],
)
def test_bad_reports_are_refused_with_the_field_and_change_nothing(
    wards, electricity, overrides, field
):
    with pytest.raises(ValidationError) as caught:
        report(electricity.jurisdiction, **overrides)
    assert field in caught.value.message_dict
    assert Issue.objects.count() == 0
    assert Alert.objects.count() == 0


def test_anonymous_report_without_contact_has_no_reporter(wards, electricity):
    issue = report(electricity.jurisdiction, reporter=Contact())
    assert issue.reporter is None
    assert not Alert.objects.exists()


def test_same_email_is_one_citizen(wards, electricity):
    first = report(electricity.jurisdiction, reporter=Contact(email="A@Example.org"))
    second = report(
        electricity.jurisdiction, reporter=Contact(email="a@example.org", phone="0825550000")
    )
    assert first.reporter_id == second.reporter_id
    second.reporter.refresh_from_db()
    assert second.reporter.phone == "0825550000"


def image_file(name: str, fmt: str = "JPEG", size=(64, 48)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, fmt)
    return SimpleUploadedFile(name, buffer.getvalue())


def test_photos_are_stored_with_the_report(wards, electricity, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    issue = report(
        electricity.jurisdiction, photos=[image_file("pole.jpg"), image_file("x.png", "PNG")]
    )
    stored = list(issue.photos.all())
    assert len(stored) == 2
    with Image.open(stored[0].image.path) as image:
        assert image.size == (64, 48)


@pytest.mark.parametrize(
    "photo",
    [
        SimpleUploadedFile("fake.jpg", b"<?php echo 'not an image'; ?>"),
        image_file("anim.gif", "GIF"),
    ],
)
def test_a_bad_photo_refuses_the_whole_report(wards, electricity, settings, tmp_path, photo):
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(ValidationError) as caught:
        report(electricity.jurisdiction, photos=[image_file("ok.jpg"), photo])
    assert "photos" in caught.value.message_dict
    assert not Issue.objects.exists()
    assert not list(tmp_path.rglob("*.jpg"))


def test_too_many_photos_are_refused(wards, electricity):
    with pytest.raises(ValidationError, match="at most 5 photos"):
        report(electricity.jurisdiction, photos=[image_file(f"{n}.jpg") for n in range(6)])
