"""The public issue page: what it shows, what it never shows, pushing, feedback after a
resolution, and a bounded number of queries whatever the issue's history."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from civicdesk.accounts.models import User
from civicdesk.activities.services import create_activity, update_activity
from civicdesk.alerts.messages import REPLY_KIND
from civicdesk.alerts.models import Alert
from civicdesk.issues.models import Issue, Photo, Push, Status
from civicdesk.issues.services import Contact, push
from civicdesk.timeline.services import record
from conftest import report_outage

# Personal data of the reporter and a pusher: none of it may reach the page.
MARKERS = ("Lerato", "Mokoena", "lerato@example.org", "Sipho", "+27825550101", "555 0101")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def png(name="photo.png") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 200)).save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


@pytest.fixture
def issue(wards, electricity, reporter, neighbour):
    issue = report_outage(
        electricity.jurisdiction, reporter=reporter, photos=[png("a.png"), png("b.png")]
    )
    push(issue, neighbour)
    return issue


def resolve(issue, programme, staff):
    activity = create_activity(programme, staff, title="Replace the transformer", issues=[issue])
    update_activity(activity, staff, status="completed")
    issue.refresh_from_db()
    return activity


def test_the_page_shows_status_deadlines_timeline_and_pushes(client, issue, programme, staff):
    activity = create_activity(programme, staff, title="Replace the transformer", issues=[issue])
    update_activity(
        activity, staff, status="in_progress", progress=40, public_summary="Crew on site"
    )
    record(issue=issue, kind="note", note="internal triage remark", public=False)
    html = client.get(f"/issues/{issue.pk}/").content.decode()
    assert f"#{issue.pk} Power outage" in html
    assert "Status: <strong data-status>In progress</strong>" in html
    assert "Handled by Electricity" in html
    assert "Response" in html and "Resolution" in html
    assert 'class="sla sla-met">Met' in html  # responded by linking, within 4 hours
    assert 'class="sla sla-on_track">On track' in html
    assert "1 person pushes this issue" in html
    assert "Work 40% done" in html and "Crew on site" in html  # the activity's own events
    assert "Status: In progress" in html  # the issue's event from the activity
    assert "internal triage remark" not in html
    assert html.count('src="/photos/') == 2


def test_no_personal_data_on_the_page_or_its_live_part(client, issue):
    for path in (f"/issues/{issue.pk}/", f"/issues/{issue.pk}/live/"):
        html = client.get(path).content.decode()
        for marker in MARKERS:
            assert marker not in html, (path, marker)


def test_hidden_photos_are_neither_shown_nor_served(client, issue):
    hidden, shown = Photo.objects.filter(issue=issue).order_by("id")
    Photo.objects.filter(pk=hidden.pk).update(hidden=True)
    html = client.get(f"/issues/{issue.pk}/").content.decode()
    assert f"/photos/{hidden.pk}/" not in html and f"/photos/{shown.pk}/" in html
    assert client.get(f"/photos/{hidden.pk}/").status_code == 404
    served = client.get(f"/photos/{shown.pk}/")
    # Stored re-encoded as JPEG, whatever was uploaded (issues.photos).
    assert served.status_code == 200 and b"".join(served.streaming_content)[:3] == b"\xff\xd8\xff"


def test_an_anonymous_push_needs_a_contact_and_is_counted_once(client, issue):
    refused = client.post(f"/issues/{issue.pk}/push/", {"email": "", "phone": "12"})
    html = refused.content.decode()
    assert refused.status_code == 400
    assert "Enter a phone number like" in html and 'value="12"' in html
    assert Push.objects.filter(issue=issue).count() == 1

    for _ in range(2):
        done = client.post(f"/issues/{issue.pk}/push/", {"email": "thabo@example.org"})
        assert done.status_code == 302
    issue.refresh_from_db()
    assert issue.push_count == 2
    page = client.get(f"/issues/{issue.pk}/").content.decode()
    assert "You push this issue." in page and "thabo@example.org" not in page


def test_the_reporter_on_the_same_phone_says_not_fixed_and_it_reopens(
    client, wards, electricity, programme, staff
):
    post = client.post(
        "/report/jhb/power-outage/details/",
        {
            "lat": "-26.2056",
            "lon": "28.047",
            "q_extent": "one",
            "email": "lerato@example.org",
            "key": "feedback-key-0000000001",
        },
    )
    issue = Issue.objects.get()
    assert post.status_code == 302
    assert "Is it fixed?" not in client.get(f"/issues/{issue.pk}/").content.decode()
    resolve(issue, programme, staff)
    assert "Is it fixed?" in client.get(f"/issues/{issue.pk}/").content.decode()

    bad = client.post(f"/issues/{issue.pk}/feedback/", {"fixed": "no", "rating": "9"})
    assert bad.status_code == 400 and "Select a valid choice" in bad.content.decode()
    done = client.post(
        f"/issues/{issue.pk}/feedback/", {"fixed": "no", "rating": "2", "comment": "Still dark"}
    )
    assert done.status_code == 302
    issue.refresh_from_db()
    assert issue.status == Status.REOPENED
    assert issue.feedback.get().comment == "Still dark"
    assert "Is it fixed?" not in client.get(f"/issues/{issue.pk}/").content.decode()


def test_a_pusher_on_another_device_gives_feedback_with_a_code(client, issue, programme, staff):
    """Knowing a follower's number is not enough: the code texted to it is."""
    resolve(issue, programme, staff)
    stranger = client.post(
        f"/issues/{issue.pk}/feedback/",
        {"fixed": "yes", "rating": "5", "email": "nobody@example.org"},
    )
    assert stranger.status_code == 200 and "a code is on its way" in stranger.content.decode()
    # A "number" of punctuation only is no number: it matches no follower without a phone.
    forged = client.post(
        f"/issues/{issue.pk}/feedback/", {"fixed": "no", "rating": "1", "phone": "((((((((("}
    )
    assert forged.status_code == 200 and not issue.feedback.exists()
    assert not Alert.objects.filter(kind=REPLY_KIND).exists()  # nobody to send a code to
    asked = client.post(
        f"/issues/{issue.pk}/feedback/",
        {"fixed": "yes", "rating": "4", "phone": "+27 82 555 0101"},
    )
    assert asked.status_code == 200 and not issue.feedback.exists()
    [texted] = Alert.objects.filter(kind=REPLY_KIND, citizen__phone="+27825550101")
    code = texted.payload["text"].rsplit(" ", 1)[1]
    pusher = client.post(
        f"/issues/{issue.pk}/feedback/",
        {"fixed": "yes", "rating": "4", "phone": "+27 82 555 0101", "code": code},
    )
    assert pusher.status_code == 302
    feedback = issue.feedback.get()
    assert (feedback.rating, feedback.fixed, feedback.citizen.phone) == (4, True, "+27825550101")


def _count_queries(client, issue) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/issues/{issue.pk}/").status_code == 200
    return len(queries)


def test_the_page_makes_the_same_few_queries_for_a_long_history(
    client, django_assert_max_num_queries, wards, electricity, reporter, programme, staff
):
    small = report_outage(electricity.jurisdiction, reporter=reporter, photos=[png()])
    push(small, Contact(email="one@example.org"))
    create_activity(programme, staff, title="Fix", issues=[small])
    big = report_outage(electricity.jurisdiction, reporter=reporter, photos=[png()] * 5)
    for n in range(50):
        push(big, Contact(email=f"pusher{n}@example.org"))
    activity = create_activity(programme, staff, title="Fix", issues=[big])
    for n in range(50):
        update_activity(activity, staff, progress=n + 1)
    Photo.objects.bulk_create(Photo(issue=big, image=f"photos/x{n}.jpg") for n in range(45))
    client.get(f"/issues/{small.pk}/")  # warm the session and content types
    # The issue; its calendar's hours and closed days; its activity links; the timeline;
    # its activities; its photos.
    with django_assert_max_num_queries(7):
        few = _count_queries(client, small)
    many = _count_queries(client, big)
    assert few == many, (few, many)
    # Signed in: the session, the user, their citizen row and whether they push it.
    client.force_login(User.objects.create_user("viewer@example.org"))
    with django_assert_max_num_queries(11):
        few = _count_queries(client, small)
    assert _count_queries(client, big) == few
