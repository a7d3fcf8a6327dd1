"""Staff hiding photos and redacting text from the back office: the public pages, the JSON
API, Open311, open data and the live timeline show only the redacted version and that staff
moderated; the original is kept for superusers in the admin, with who, when and why."""

import io
import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from civicdesk.accounts.models import User
from civicdesk.accounts.services import issue_api_token
from civicdesk.activities.services import create_activity, update_activity
from civicdesk.issues.models import Feedback, Photo
from civicdesk.issues.services import give_feedback, reject
from civicdesk.issues.services.reporting import citizen_for
from civicdesk.moderation.models import Moderation
from civicdesk.moderation.services import REMOVED
from civicdesk.open311.services import register_application
from civicdesk.timeline.models import Event
from civicdesk.units.models import Membership, Programme
from conftest import report_outage

SECRET = "Call Lerato on 082 555 0199"
NOTE_SECRET = "Ask Sipho at 12 Main Road"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def photo_file(name: str) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 200)).save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


@pytest.fixture
def issue(wards, electricity, reporter):
    return report_outage(
        electricity.jurisdiction,
        reporter=reporter,
        description=f"Dark street. {SECRET}",
        photos=[photo_file("face.png"), photo_file("street.png")],
    )


@pytest.fixture
def roads_staff(roads) -> User:
    user = User.objects.create_user("roads-staff", password="x", is_staff=True)
    Membership.objects.create(programme=Programme.objects.create(unit=roads, name="P"), user=user)
    return user


def moderate(client, issue, **data):
    return client.post(f"/staff/moderation/issues/{issue.pk}/", data)


def public_outputs(client, issue) -> str:
    """Everything the public gets about the issue, as one text."""
    parts = [
        client.get(f"/issues/{issue.pk}/").content.decode(),
        client.get(f"/issues/{issue.pk}/live/").content.decode(),
        json.dumps(client.get(f"/api/v1/issues/{issue.pk}/timeline").json()),
        client.get(f"/open311/v2/requests/{issue.pk}.json").content.decode(),
        client.get("/open311/v2/requests.xml").content.decode(),
        b"".join(client.get("/open-data/issues.csv").streaming_content).decode(),
        b"".join(client.get("/open-data/issues.geojson").streaming_content).decode(),
    ]
    return "\n".join(parts)


def test_unit_staff_redact_the_description_everywhere(client, issue, staff):
    assert SECRET in public_outputs(client, issue)
    client.force_login(staff)
    response = moderate(
        client, issue, action="description", replacement="", reason="A phone number"
    )
    assert response.status_code == 302
    issue.refresh_from_db()
    assert issue.description == REMOVED
    client.logout()
    public = public_outputs(client, issue)
    assert SECRET not in public and REMOVED in public
    assert "Staff removed part of the description" in public
    [audit] = Moderation.objects.all()
    assert (audit.target, audit.original, audit.reason, audit.moderator) == (
        "description",
        f"Dark street. {SECRET}",
        "A phone number",
        staff,
    )
    event = Event.objects.get(issue=issue, kind="moderated")
    assert event.public and event.note == "" and event.actor_role == "staff"


def test_a_public_note_gets_the_staffs_replacement(client, issue, staff):
    reject(issue, staff, f"Not ours. {NOTE_SECRET}")
    event = Event.objects.get(issue=issue, note=f"Not ours. {NOTE_SECRET}")
    client.force_login(staff)
    response = moderate(
        client, issue, action="note", id=event.pk, replacement="Not ours.", reason="Private"
    )
    assert response.status_code == 302
    client.logout()
    public = public_outputs(client, issue)
    assert NOTE_SECRET not in public and "Not ours." in public
    issue.refresh_from_db()
    assert issue.rejection_reason == "Not ours."
    assert Moderation.objects.get().original == f"Not ours. {NOTE_SECRET}"


def test_feedback_text_is_redacted(client, issue, staff, programme, reporter):
    activity = create_activity(programme, staff, title="Fix", issues=[issue])
    update_activity(activity, staff, status="completed", public_summary="Fixed")
    issue.refresh_from_db()
    given = give_feedback(issue, citizen_for(reporter), rating=1, fixed=True, comment=SECRET)
    client.force_login(staff)
    assert (
        moderate(client, issue, action="feedback", id=given.pk, reason="Abuse").status_code == 302
    )
    assert Feedback.objects.get(pk=given.pk).comment == REMOVED
    assert Moderation.objects.get().original == SECRET


def test_a_hidden_photo_is_not_shown_nor_served(
    client, issue, staff, tmp_path, django_capture_on_commit_callbacks
):
    face, street = issue.photos.order_by("id")
    old_path = face.image.path
    open311_before = client.get(f"/open311/v2/requests/{issue.pk}.json").json()[0]["media_url"]
    assert open311_before.endswith(f"/photos/{face.pk}/")
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        hidden = moderate(client, issue, action="photo", id=face.pk, reason="A face")
    assert hidden.status_code == 302
    face.refresh_from_db()
    assert face.hidden and face.image.name.startswith("hidden/")
    # Its old file is gone: an address someone kept leads nowhere.
    assert not Path(old_path).exists()
    # Staff of the unit still see it; the public does not.
    staff_copy = client.get(f"/staff/moderation/photos/{face.pk}/")
    assert staff_copy.status_code == 200 and staff_copy["Cache-Control"] == "private, no-store"
    client.logout()
    assert client.get(f"/photos/{face.pk}/").status_code == 404
    assert client.get(f"/staff/moderation/photos/{face.pk}/").status_code == 302
    page = client.get(f"/issues/{issue.pk}/").content.decode()
    assert f"/photos/{face.pk}/" not in page and f"/photos/{street.pk}/" in page
    assert "Staff hid a photo" in page
    media = client.get(f"/open311/v2/requests/{issue.pk}.json").json()[0]["media_url"]
    assert media.endswith(f"/photos/{street.pk}/")
    assert Moderation.objects.get().original == old_path.removeprefix(f"{tmp_path}/")


def test_staff_of_another_unit_may_not_moderate(client, issue, roads_staff):
    client.force_login(roads_staff)
    assert moderate(client, issue, action="description", reason="x").status_code == 403
    photo = issue.photos.first()
    assert moderate(client, issue, action="photo", id=photo.pk, reason="x").status_code == 403
    assert client.get(f"/staff/moderation/photos/{photo.pk}/").status_code == 403
    issue.refresh_from_db()
    assert SECRET in issue.description and not Photo.objects.filter(hidden=True).exists()
    assert not Moderation.objects.exists()


def test_citizens_may_not_moderate(client, issue):
    citizen = User.objects.create_user("citizen", password="x")
    client.force_login(citizen)
    assert moderate(client, issue, action="description", reason="x").status_code == 403
    client.logout()
    assert moderate(client, issue, action="description", reason="x").status_code == 302
    issue.refresh_from_db()
    assert SECRET in issue.description and not Moderation.objects.exists()


def test_dispatchers_moderate_and_a_reason_is_required(client, issue, dispatcher):
    client.force_login(dispatcher)
    page = client.get(f"/staff/moderation/issues/{issue.pk}/")
    assert page.status_code == 200 and SECRET in page.content.decode()
    refused = moderate(client, issue, action="description", replacement="", reason="")
    assert refused.status_code == 400 and "This field is required." in refused.content.decode()
    issue.refresh_from_db()
    assert SECRET in issue.description
    assert moderate(client, issue, action="description", reason="Phone").status_code == 302
    assert Moderation.objects.get().moderator == dispatcher


def test_only_superusers_see_originals_in_the_admin(client, issue, staff, admin_client):
    client.force_login(staff)
    moderate(client, issue, action="description", reason="A phone number")
    audit = Moderation.objects.get()
    url = f"/admin/moderation/moderation/{audit.pk}/change/"
    answer = admin_client.get(url).content.decode()
    assert SECRET in answer and "A phone number" in answer
    staff.is_staff = True
    staff.save()
    assert client.get(url).status_code in (302, 403)
    assert SECRET not in client.get("/admin/moderation/moderation/").content.decode()


def test_open311_clients_see_the_redacted_text(client, issue, staff):
    register_application("City app")
    client.force_login(staff)
    moderate(client, issue, action="description", replacement="Dark street.", reason="Phone")
    client.logout()
    [request] = client.get(f"/open311/v2/requests/{issue.pk}.json").json()
    assert request["description"] == "Dark street."


def api_post(client, token: str, issue, body: dict):
    return client.post(
        f"/api/v1/issues/{issue.pk}/moderations",
        data=json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def test_the_staff_api_redacts_and_hides(client, issue, staff, roads_staff):
    photo = issue.photos.first()
    body = {"target": "description", "replacement": "Dark street.", "reason": "Phone"}
    refused = api_post(client, issue_api_token(roads_staff), issue, body)
    assert refused.status_code == 403 and not Moderation.objects.exists()
    token = issue_api_token(staff)
    done = api_post(client, token, issue, body)
    assert done.status_code == 201, done.content
    assert done.json()["replacement"] == "Dark street." and SECRET not in done.content.decode()
    hidden = api_post(client, token, issue, {"target": "photo", "id": photo.pk, "reason": "Face"})
    assert hidden.status_code == 201
    photo.refresh_from_db()
    assert photo.hidden
    missing = api_post(client, token, issue, {"target": "note", "id": 10**15, "reason": "x"})
    assert missing.status_code == 404
    assert client.get(f"/photos/{photo.pk}/").status_code == 404
    assert SECRET not in public_outputs(client, issue)


def test_citizens_tokens_may_not_moderate(client, issue):
    citizen = User.objects.create_user("citizen", password="x")
    body = {"target": "description", "reason": "x"}
    assert api_post(client, issue_api_token(citizen), issue, body).status_code == 403
    issue.refresh_from_db()
    assert SECRET in issue.description
