"""Photos posted as Open311 media: stripped of their metadata unless the citizen shares
the position (share_photo_location, an extension), bombs refused with an error list."""

import pytest

from civicdesk.issues.models import Issue, Photo
from civicdesk.issues.tests.test_photo_safety import GPS, camera_jpeg, png_declaring, stored_exif
from civicdesk.open311.tests.test_post_requests import outage


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_open311_strips_unless_shared(api, city, api_key):
    plain = api.post("requests.json", outage(api_key, media=camera_jpeg()))
    shared = api.post(
        "requests.json",
        outage(api_key, media=camera_jpeg(), share_photo_location="true", description="Again"),
    )
    assert plain.status == shared.status == 200
    [plain_photo] = Photo.objects.filter(issue_id=int(plain.body[0]["service_request_id"]))
    [shared_photo] = Photo.objects.filter(issue_id=int(shared.body[0]["service_request_id"]))
    assert stored_exif(plain_photo)[1:] == ({}, {}, {})
    size, tags, gps, camera = stored_exif(shared_photo)
    assert size == (40, 60) and gps == GPS and set(tags) == {0x8825} and camera == {}


def test_bombs_are_refused_by_open311(api, city, api_key, tmp_path):
    refused = api.post("requests.xml", outage(api_key, media=png_declaring(30000, 30000)))
    assert refused.status == 400
    [(_code, description)] = refused.errors()
    assert "bomb.png: the image is too large" in description
    assert not Issue.objects.exists() and not any(tmp_path.rglob("*.*"))
