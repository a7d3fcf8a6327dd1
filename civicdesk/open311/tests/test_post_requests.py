"""POST requests: every field the spec names, keys, idempotency, and bad input that
creates nothing."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from civicdesk.accounts.models import Citizen
from civicdesk.issues.models import Issue, Photo, Source
from civicdesk.open311.models import Submission
from civicdesk.open311.services import register_application, revoke_applications
from conftest import CARLTON_CENTRE

LAT, LON = CARLTON_CENTRE


def outage(api_key: str, **extra) -> dict:
    return {
        "api_key": api_key,
        "jurisdiction_id": "jhb",
        "service_code": "power-outage",
        "lat": str(LAT),
        "long": str(LON),
        "attribute[extent]": "street",
        "description": "No power on the whole block since 6am",
    } | extra


def photo_upload(name="street.jpg", size=(640, 480), fmt="JPEG") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (120, 90, 60)).save(buffer, fmt)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def test_post_json_creates_a_routed_issue_and_states_its_deadlines(api, city, api_key):
    answer = api.post(
        "requests.json",
        outage(
            api_key,
            email="Lerato@Example.org",
            first_name="Lerato",
            last_name="Mokoena",
            phone="+27 82 555 0199",
            device_id="phone-7",
            account_id="acct-42",
            address_string="Carlton Centre, 150 Commissioner St",
        ),
    )
    assert answer.status == 200, answer.body
    [created] = answer.body
    issue = Issue.objects.get(pk=int(created["service_request_id"]))
    assert set(created) == {"service_request_id", "service_notice", "account_id"}
    assert created["account_id"] == "acct-42"
    assert issue.source == Source.OPEN311
    assert issue.unit.name == "Electricity"
    assert issue.area.name == "Ward 124"
    assert issue.answers == {"extent": "street"}
    assert issue.address == "Carlton Centre, 150 Commissioner St"
    # The service level of the fixture: response in 4 hours, resolution in 24, always on.
    local = issue.response_due.astimezone(issue.submitted_at.tzinfo)
    assert created["service_notice"] == (
        f"Received: response due by {issue.response_due.astimezone(_sast()):%Y-%m-%d %H:%M} SAST;"
        f" resolution due by {issue.resolution_due.astimezone(_sast()):%Y-%m-%d %H:%M} SAST."
    )
    assert local is not None
    reporter = issue.reporter
    assert (reporter.name, reporter.email, reporter.phone) == (
        "Lerato Mokoena",
        "lerato@example.org",
        "+27825550199",
    )
    submission = Submission.objects.get(issue=issue)
    assert (submission.device_id, submission.account_id) == ("phone-7", "acct-42")


def _sast():
    from zoneinfo import ZoneInfo

    return ZoneInfo("Africa/Johannesburg")


def test_post_xml_answers_in_service_requests(api, city, api_key):
    answer = api.post("requests.xml", outage(api_key))
    assert answer.status == 200
    assert answer.body.tag == "service_requests"
    [request] = answer.body.findall("request")
    issue_id = request.findtext("service_request_id")
    assert Issue.objects.filter(pk=int(issue_id)).exists()
    assert request.findtext("service_notice").startswith("Received: response due by")
    assert request.find("token") is None


def test_multivalue_and_every_datatype_are_validated_and_kept(api, city, api_key):
    data = {
        "api_key": api_key,
        "service_code": "streetlight",
        "lat": str(LAT),
        "long": str(LON),
        "attribute[pole]": "JHB-4471",
        "attribute[lamps]": "2",
        "attribute[since]": "2026-11-22T19:30:00+02:00",
        "attribute[details]": "Both heads dark",
        "attribute[state]": "off",
        "attribute[hazards][]": ["pole", "wires"],
    }
    answer = api.post("requests.json", data)
    assert answer.status == 200, answer.body
    issue = Issue.objects.get(pk=int(answer.body[0]["service_request_id"]))
    assert issue.answers == {
        "pole": "JHB-4471",
        "lamps": 2,
        "since": "2026-11-22T19:30:00+02:00",
        "details": "Both heads dark",
        "state": "off",
        "hazards": ["wires", "pole"],
    }


def test_an_address_alone_places_the_request(api, city, api_key):
    data = outage(api_key, address_string="12 Jeppe St, Johannesburg")
    del data["lat"], data["long"]
    answer = api.post("requests.json", data)
    assert answer.status == 200, answer.body
    issue = Issue.objects.get(pk=int(answer.body[0]["service_request_id"]))
    assert (issue.lat, issue.lon, issue.area) == (None, None, None)
    assert issue.address == "12 Jeppe St, Johannesburg"
    # Electricity covers the whole jurisdiction, so it is routed without a point.
    assert issue.unit.name == "Electricity"
    by_id = api.post("requests.json", outage(api_key, address_id="ERF-2231") | {"lat": ""})
    assert by_id.status == 400  # lat without long is refused, even with an address id
    data = outage(api_key, address_id="ERF-2231")
    del data["lat"], data["long"]
    assert api.post("requests.json", data).status == 200
    assert Issue.objects.filter(address_id="ERF-2231").count() == 1


def test_media_upload_is_stored_as_a_photo(api, city, api_key, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    answer = api.post("requests.json", outage(api_key, media=photo_upload()))
    assert answer.status == 200, answer.body
    issue = Issue.objects.get(pk=int(answer.body[0]["service_request_id"]))
    [photo] = Photo.objects.filter(issue=issue)
    assert (tmp_path / photo.image.name).is_file()
    shown = api.get(f"requests/{issue.pk}.json").body[0]["media_url"]
    assert shown == f"http://127.0.0.1:8000/photos/{photo.pk}/"


def test_media_url_is_kept(api, city, api_key):
    answer = api.post("requests.json", outage(api_key, media_url="https://img.example.org/1.jpg"))
    issue_id = answer.body[0]["service_request_id"]
    assert api.get(f"requests/{issue_id}.json").body[0]["media_url"] == (
        "https://img.example.org/1.jpg"
    )


def test_answer_with_token_and_resolve_it(api, city):
    _, raw = register_application("Queueing client", answer_with_token=True)
    answer = api.post("requests.xml", outage(raw))
    [request] = answer.body.findall("request")
    assert request.find("service_request_id") is None
    token = request.findtext("token")
    for fmt in ("json", "xml"):
        resolved = api.get(f"tokens/{token}.{fmt}")
        assert resolved.status == 200
        if fmt == "json":
            assert resolved.body == [
                {
                    "service_request_id": str(Submission.objects.get(token=token).issue_id),
                    "token": token,
                }
            ]
        else:
            assert resolved.body.find("request/token").text == token
    missing = api.get("tokens/deadbeef.json")
    assert missing.status == 404 and "deadbeef" in missing.errors()[0][1]


def test_idempotency_key_returns_the_first_result(api, city, api_key):
    first = api.post("requests.json", outage(api_key), headers={"Idempotency-Key": "retry-1"})
    again = api.post("requests.json", outage(api_key), headers={"Idempotency-Key": "retry-1"})
    assert first.body == again.body
    assert Issue.objects.count() == 1
    other = api.post(
        "requests.json",
        outage(api_key, description="Another"),
        headers={"Idempotency-Key": "retry-1"},
    )
    assert other.status == 400
    assert "already used for a different request" in other.errors()[0][1]
    assert Issue.objects.count() == 1


def test_identical_repeat_from_the_same_device_is_one_issue(api, city, api_key, settings):
    first = api.post("requests.json", outage(api_key, device_id="phone-1"))
    again = api.post("requests.json", outage(api_key, device_id="phone-1"))
    assert first.body == again.body
    assert Issue.objects.count() == 1
    api.post("requests.json", outage(api_key, device_id="phone-2"))
    assert Issue.objects.count() == 2
    settings.OPEN311_REPEAT_WINDOW_SECONDS = 0
    api.post("requests.json", outage(api_key, device_id="phone-1"))
    assert Issue.objects.count() == 3
    # Without a device (or a key), two identical reports are two residents' reports.
    api.post("requests.json", outage(api_key))
    api.post("requests.json", outage(api_key))
    assert Issue.objects.count() == 5


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_missing_or_revoked_key_is_a_403(api, city, client_app, fmt):
    assert api.post(f"requests.{fmt}", outage("")).status == 403
    assert api.post(f"requests.{fmt}", outage("o311_not-a-key")).status == 403
    revoke_applications(type(client_app).objects.filter(pk=client_app.pk))
    answer = api.post(f"requests.{fmt}", outage(client_app.raw_key))
    assert answer.status == 403
    assert answer.errors() == [("403", "a valid api_key is required to post")]
    assert not Issue.objects.exists()


BAD_INPUT = [
    ({"service_code": ""}, "service_code is required"),
    ({"service_code": "teleporter"}, "'teleporter' is not an issue type"),
    ({"lat": "north", "long": "28"}, "lat must be a number"),
    ({"lat": "-126.2", "long": "28.04"}, "lat must be a number from -90 to 90"),
    ({"lat": "51.5", "long": "-0.12"}, "outside City of Johannesburg"),
    ({"long": ""}, "lat and long go together"),
    ({"lat": "", "long": ""}, "a location is required"),
    ({"attribute[extent]": ""}, "extent: this question is required"),
    ({"attribute[extent]": "village"}, "'village' is not one of the allowed values"),
    ({"attribute[colour]": "red"}, "has no question 'colour'"),
    ({"description": "x" * 4001}, "at most 4,000 characters"),
    ({"media_url": "ftp://files.example.org/a.jpg"}, "media_url: not an http(s) URL"),
    ({"email": "not-an-address"}, "email: Enter a valid email address."),
    ({"jurisdiction_id": "atlantis"}, "'atlantis' is not served here"),
]


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize(("change", "message"), BAD_INPUT)
def test_bad_input_is_refused_and_creates_nothing(api, city, api_key, fmt, change, message):
    answer = api.post(f"requests.{fmt}", outage(api_key) | change)
    expected = 404 if "jurisdiction_id" in change else 400
    assert answer.status == expected
    assert any(message in description for _, description in answer.errors()), answer.errors()
    assert not Issue.objects.exists()
    assert not Citizen.objects.exists()
    assert not Submission.objects.exists()


def test_wrong_datatypes_are_each_reported(api, city, api_key):
    data = {
        "api_key": api_key,
        "service_code": "streetlight",
        "lat": str(LAT),
        "long": str(LON),
        "attribute[lamps]": "two",
        "attribute[since]": "yesterday",
        "attribute[state]": "off",
        "attribute[hazards][]": ["wires", "sparks"],
    }
    answer = api.post("requests.json", data)
    assert answer.status == 400
    descriptions = sorted(d for _, d in answer.errors())
    assert descriptions == [
        "answers.hazards: not one of the allowed values: sparks",
        "answers.lamps: 'two' is not a number",
        "answers.pole: this question is required",
        "answers.since: 'yesterday' is not an ISO 8601 date and time with a time zone",
    ]
    assert not Issue.objects.exists()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("notes.jpg", b"%PDF-1.4 not an image"), "not a readable image"),
        (photo_upload("anim.gif", fmt="GIF"), "GIF images are not accepted"),
    ],
)
def test_non_image_media_is_refused(api, city, api_key, upload, message, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    answer = api.post("requests.json", outage(api_key, media=upload))
    assert answer.status == 400
    assert message in answer.errors()[0][1]
    assert not Issue.objects.exists()
    assert not any(tmp_path.rglob("*.*"))


def test_oversized_media_is_refused(api, city, api_key, monkeypatch, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.PHOTO_MAX_BYTES = 1000
    answer = api.post("requests.json", outage(api_key, media=photo_upload(size=(800, 800))))
    assert answer.status == 400
    assert "larger than" in answer.errors()[0][1]
    assert not Issue.objects.exists()
