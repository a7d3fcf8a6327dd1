"""A city whose every personal field holds a unique marker string, built through the real
services and interfaces (web, JSON API, Open311, SMS, USSD, import), for the privacy crawl
and the erasure tests.

Personal fields filled (by model):
- accounts.Citizen: name, email, phone; accounts.User: username, email, first/last name
  (citizens and staff);
- open311.Submission: device_id, account_id; open311.ClientApplication: contact;
- alerts.PushSubscription: endpoint, p256dh, auth; alerts.Alert: payload (SMS replies);
- following.Follow (by account and by contact only), issues.Push, alerts.IssueAlertChoice;
- issues.Feedback: comment; timeline.Event: staff notes, the reporter's answers to staff,
  escalation notes; backoffice.FollowUp: contacted, promised; slawatch.EscalationRule:
  email; activities.Activity: description (internal);
- issues.Photo: the uploaded file's name and its EXIF (artist, description);
- phonelines.UssdSession: session_id, network code; InboundSms: text, message and link ids;
- the client's IP address (REMOTE_ADDR) of every report;
- extra columns of an imported CSV (a caller's name and number).
Issue descriptions, addresses, rejection reasons and activity titles and summaries are
public by design and hold no markers."""

import csv
import io
import itertools
import secrets
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from civicdesk import timekeeping
from civicdesk.accounts.models import Citizen, User
from civicdesk.accounts.services import issue_api_token
from civicdesk.activities.services import create_activity, update_activity
from civicdesk.alerts.preferences import set_issue_channel, subscribe_push
from civicdesk.assets.models import Asset
from civicdesk.backoffice.services import escalate_now, log_follow_up
from civicdesk.catalogue.models import IssueType
from civicdesk.citizens.services.account import sign_up
from civicdesk.citizens.services.following import follow
from civicdesk.imports.mapping import parse_mapping
from civicdesk.imports.services import import_requests
from civicdesk.issues.models import Feedback, Issue, Photo
from civicdesk.issues.services import (
    Contact,
    acknowledge,
    add_note,
    answer_info,
    give_feedback,
    merge_duplicate,
    push,
    reject,
    report_issue,
    request_info,
)
from civicdesk.moderation.services import hide_photo, redact_description, redact_feedback
from civicdesk.open311.models import Submission
from civicdesk.open311.services import register_application
from civicdesk.phonelines.models import PhoneLine
from civicdesk.slawatch.models import EscalationRule
from civicdesk.units.models import Membership, Programme

CALLBACK_TOKEN = "privacy-callback-token"
USSD_CODE = "*120*311#"
SMS_CODE = "31122"
# Points inside Johannesburg's ward 124 (Carlton Centre) and nearby.
POINTS = [(-26.2056 + i * 0.0009, 28.0470 + (i % 5) * 0.0011) for i in range(40)]
_serial = itertools.count(1)


class Markers:
    """Unique strings that cannot occur by chance: a random run per test plus a serial."""

    def __init__(self) -> None:
        self.run = secrets.token_hex(3)
        self.all: list[str] = []
        self.phones: list[str] = []
        self.ips: list[str] = []

    def text(self, what: str) -> str:
        value = f"pm{self.run}{what}{next(_serial)}q"
        self.all.append(value)
        return value

    def email(self, what: str) -> str:
        return f"{self.text(what)}@example.org"

    def phone(self) -> str:
        """A South African mobile number; its last nine digits are the marker."""
        digits = f"6{secrets.randbelow(10**8):08d}"
        self.phones.append(digits)
        return f"+27{digits}"

    def ip(self) -> str:
        value = f"10.{secrets.randbelow(200) + 20}.{secrets.randbelow(250)}.{next(_serial) % 250}"
        self.all.append(value)
        self.ips.append(value)
        return value


@dataclass
class Person:
    """A citizen as they reached us, with the markers that belong to them."""

    name: str
    email: str
    phone: str
    markers: list[str] = field(default_factory=list)
    user: User | None = None

    def contact(self) -> Contact:
        return Contact(name=self.name, email=self.email, phone=self.phone, user=self.user)

    @property
    def citizen(self) -> Citizen:
        if self.user is not None:
            return Citizen.objects.get(user=self.user)
        if self.email:
            return Citizen.objects.get(email=self.email.lower(), erased_at=None)
        return Citizen.objects.get(phone=self.phone, erased_at=None)


@dataclass
class World:
    markers: Markers
    people: list[Person]
    issues: list[Issue]
    submission_tokens: list[str]
    staff: User
    dispatcher: User

    def person_markers(self, person: Person) -> list[str]:
        return [m for m in person.markers if m]


def jpeg_with_exif(artist: str, description: str) -> bytes:
    image = Image.new("RGB", (64, 48), (90, 120, 60))
    exif = Image.Exif()
    exif[0x013B] = artist  # Artist
    exif[0x010E] = description  # ImageDescription
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def _person(m: Markers, *, account: bool = False, email: bool = True, phone: bool = True) -> Person:
    person = Person(
        name=f"Name{m.text('name')}",
        email=m.email("mail") if email else "",
        phone=m.phone() if phone else "",
    )
    person.markers.append(person.name.removeprefix("Name"))
    if person.email:
        person.markers.append(person.email.split("@")[0])
    if person.phone:
        person.markers.append(person.phone[3:])
    if account:
        person.user = sign_up(email=person.email, password="a long passphrase 42", name=person.name)
    return person


def _staff(m: Markers, username: str, programme: Programme | None) -> User:
    user = User.objects.create_user(
        f"{username}{m.text('staffuser')}",
        email=m.email("staffmail"),
        first_name=m.text("stafffirst"),
        last_name=m.text("stafflast"),
        password="x",
        is_staff=True,
    )
    if programme is not None:
        Membership.objects.create(programme=programme, user=user)
    return user


def _report(jurisdiction, code: str, n: int, person: Person | None, **extra) -> Issue:
    lat, lon = POINTS[n]
    answers = {"extent": "street"} if code == "power-outage" else {}
    return report_issue(
        jurisdiction=jurisdiction,
        issue_type_code=code,
        lat=lat,
        lon=lon,
        answers=answers,
        description=extra.pop("description", f"Public description {n}"),
        reporter=person.contact() if person else None,
        **extra,
    )


def _open311_posts(jurisdiction, m: Markers, people: list[Person]) -> list[str]:
    """Reports by an app through Open311, with the reporter's contact and device ids."""
    plain, _ = register_application("Fix app", contact=m.text("appcontact"))
    tokened, _ = register_application(
        "Queueing app", contact=m.text("appcontact"), answer_with_token=True
    )
    keys = {}
    for application in (plain, tokened):
        from civicdesk.open311.services import new_api_key

        keys[application.pk] = new_api_key(application)
    client = Client(REMOTE_ADDR=m.ip())
    tokens = []
    for n, person in enumerate(people):
        application = tokened if n % 2 else plain
        first, last = person.name, m.text("last")
        person.markers.append(last)
        device, account = m.text("device"), m.text("account")
        person.markers += [device, account]
        lat, lon = POINTS[20 + n]
        response = client.post(
            "/open311/v2/requests.json",
            {
                "api_key": keys[application.pk],
                "jurisdiction_id": jurisdiction.slug,
                "service_code": "pothole",
                "lat": str(lat),
                "long": str(lon),
                "description": f"Open311 report {n}",
                "email": person.email,
                "phone": person.phone,
                "first_name": first,
                "last_name": last,
                "device_id": device,
                "account_id": account,
            },
        )
        assert response.status_code == 200, response.content
        answer = response.json()[0]
        if "token" in answer:
            tokens.append(answer["token"])
    tokens += list(Submission.objects.values_list("token", flat=True))
    return sorted(set(tokens))


def _api_reports(jurisdiction, m: Markers, person: Person) -> None:
    token_name = m.text("tokenname")
    person.markers.append(token_name)
    token = issue_api_token(person.user, name=token_name)
    client = Client(REMOTE_ADDR=m.ip(), HTTP_AUTHORIZATION=f"Bearer {token}")
    for n in range(2):
        lat, lon = POINTS[30 + n]
        key = m.text("idempotency")
        person.markers.append(key)
        response = client.post(
            "/api/v1/issues",
            {
                "service_code": "pothole",
                "lat": lat,
                "lon": lon,
                "description": f"API report {n}",
            },
            content_type="application/json",
            headers={"Idempotency-Key": key},
        )
        assert response.status_code == 201, response.content


def _phone_reports(m: Markers, sms_person: Person, ussd_person: Person) -> None:
    client = Client(REMOTE_ADDR=m.ip())

    def text(body: str, person: Person) -> None:
        message_id, link_id = m.text("smsid"), m.text("link")
        person.markers += [message_id, link_id]
        form = {
            "from": person.phone,
            "to": SMS_CODE,
            "text": body,
            "date": "2026-03-02 08:15:00",
            "id": message_id,
            "linkId": link_id,
        }
        response = client.post(f"/phone/sms/{CALLBACK_TOKEN}/", form)
        assert response.status_code == 200, response.content

    private = m.text("smstext")
    sms_person.markers.append(private)
    text(f"hello {private}", sms_person)
    text("REPORT pothole 124 Deep hole by the clinic", sms_person)
    session = m.text("ussdsession")
    ussd_person.markers.append(session)
    for inputs in ("", "1"):
        form = {
            "sessionId": session,
            "serviceCode": USSD_CODE,
            "phoneNumber": ussd_person.phone,
            "networkCode": "65501",
            "text": inputs,
        }
        response = client.post(f"/phone/ussd/{CALLBACK_TOKEN}/", form)
        assert response.status_code == 200, response.content


def _import(jurisdiction, m: Markers, people: list[Person]) -> None:
    """Historic requests from a CRM export whose extra columns name the caller."""
    mapping = parse_mapping(
        {
            "source": "old-crm",
            "time_zone": "Africa/Johannesburg",
            "date_format": "%Y-%m-%d %H:%M",
            "columns": {
                "external_id": "id",
                "category": "type",
                "created": "opened",
                "status": "state",
                "closed": "closed",
                "latitude": "lat",
                "longitude": "lon",
                "description": "text",
            },
            "statuses": {"Open": "acknowledged", "Closed": "closed"},
            "categories": {"Hole in road": "pothole"},
        }
    )
    rows = io.StringIO()
    writer = csv.writer(rows)
    writer.writerow(
        ["id", "type", "opened", "state", "closed", "lat", "lon", "text", "caller", "phone"]
    )
    opened = (timekeeping.now() - timedelta(days=3)).strftime("%Y-%m-%d %H:%M")
    for n, person in enumerate(people):
        lat, lon = POINTS[34 + n]
        state = "Closed" if n else "Open"
        writer.writerow(
            [
                f"R-{n}",
                "Hole in road",
                opened,
                state,
                opened if n else "",
                lat,
                lon,
                "Old report",
                person.name,
                person.phone,
            ]
        )
    rows.seek(0)
    result = import_requests(rows, mapping, jurisdiction, rejects=io.StringIO())
    assert result.imported == len(people), result


def build_world(*, jurisdiction, electricity, roads, programme, dispatcher, settings) -> World:
    """Thirty-odd issues of three types in two units, in every status, through every channel,
    each personal field holding a marker."""
    settings.PHONELINES_CALLBACK_TOKEN = CALLBACK_TOKEN
    settings.PHONELINES_ALLOWED_IPS = []
    m = Markers()
    dispatcher.email, dispatcher.first_name = m.email("dispatchmail"), m.text("dispatchname")
    dispatcher.save()
    staff = _staff(m, "elec", programme)
    potholes = Programme.objects.create(unit=roads, name="Potholes")
    roads_staff = _staff(m, "roads", potholes)
    lights = IssueType.objects.create(
        jurisdiction=jurisdiction,
        code="streetlight",
        name="Streetlight fault",
        group="Electricity",
        asset_kind="street_light",
    )
    electricity.issue_types.add(lights)
    pole = Asset.objects.create(
        jurisdiction=jurisdiction, kind="street_light", reference="SL-1001", lat=-26.2, lon=28.05
    )
    PhoneLine.objects.create(
        channel=PhoneLine.Channel.USSD, code=USSD_CODE, jurisdiction=jurisdiction
    )
    PhoneLine.objects.create(
        channel=PhoneLine.Channel.SMS, code=SMS_CODE, jurisdiction=jurisdiction
    )
    EscalationRule.objects.create(
        unit=electricity,
        after=timedelta(hours=1),
        recipient=EscalationRule.Recipient.EMAIL,
        email=m.email("rulemail"),
    )

    people = [_person(m, account=n < 4) for n in range(10)]
    people += [_person(m, email=False) for _ in range(3)]  # phone only (SMS, USSD, pushes)
    issues: list[Issue] = []
    for n in range(8):
        person = people[n]
        photos = []
        if n < 3:
            artist, words = m.text("exifartist"), m.text("exifwords")
            filename = m.text("photofile")
            person.markers += [artist, words, filename]
            photos = [
                SimpleUploadedFile(
                    f"{filename}.jpg", jpeg_with_exif(artist, words), content_type="image/jpeg"
                )
            ]
        words = {}
        if n == 6:  # a reporter who put their own details in the description
            private = m.text("ownwords")
            person.markers.append(private)
            words = {"description": f"Call me on {private}"}
        issues.append(_report(jurisdiction, "power-outage", n, person, photos=photos, **words))
    for n in range(8, 20):
        issues.append(_report(jurisdiction, "pothole", n, people[n - 8] if n < 19 else None))
    issues.append(
        report_issue(
            jurisdiction=jurisdiction,
            issue_type_code="streetlight",
            lat=None,
            lon=None,
            asset=pole,
            description="Light out",
            reporter=people[8].contact(),
        )
    )

    # Pushes (by account and by contact), follows (by account and by contact only),
    # browsers subscribed to push, per-issue alert choices.
    for n, issue in enumerate(issues[:12]):
        supporter = people[(n + 3) % 10]
        push(issue, supporter.citizen if supporter.user else supporter.contact())
        push(issue, people[10 + n % 3].contact())
    for n, issue in enumerate(issues[12:17]):
        follow(issue, people[n].citizen)
        follow(issue, people[9].citizen)  # a follower by contact, without an account
    for person in people[:6]:
        endpoint = f"https://push.example.net/send/{m.text('endpoint')}"
        p256dh, auth = m.text("p256dh"), m.text("auth")
        person.markers += [endpoint.rsplit("/", 1)[1], p256dh, auth]
        subscribe_push(person.citizen, endpoint=endpoint, p256dh=p256dh, auth=auth)
        set_issue_channel(person.citizen, issues[0], "sms")

    # Staff work: notes, questions and answers, follow-ups, escalations, an activity that
    # resolves issues (feedback on them), a rejection and a merge.
    for issue in issues[:6]:
        acknowledge(issue, staff)
        add_note(issue, staff, m.text("staffnote"))
    for n in (1, 2):
        request_info(issues[n], staff, "Which side of the street?")
        answer = m.text("answer")
        people[n].markers.append(answer)
        answer_info(issues[n], people[n].citizen, answer)
    log_follow_up(issues[3], dispatcher, contacted=m.text("contacted"), promised=m.text("promise"))
    escalate_now(issues[4], dispatcher, m.text("escalation"))
    activity = create_activity(
        programme,
        staff,
        title="Replace the burnt cable",
        description=m.text("activitydescription"),
        public_summary="Crews are on site",
        issues=issues[:5],
    )
    update_activity(activity, staff, status="completed", public_summary="Cable replaced")
    for n in range(3):
        comment = m.text("feedback")
        people[n].markers.append(comment)
        give_feedback(issues[n], people[n].citizen, rating=4, fixed=n != 2, comment=comment)
    # Moderation: the details in a description, a feedback comment and a photo are taken
    # down by staff; the originals stay for audit only.
    redact_description(issues[6], staff, reason="Personal details")
    redact_feedback(
        Feedback.objects.get(issue=issues[0]), staff, reason="Personal details", replacement="…"
    )
    hide_photo(Photo.objects.filter(issue=issues[1]).get(), staff, reason="A face")
    reject(issues[8], roads_staff, "Not on a public road")
    merge_duplicate(issues[10], issues[9], roads_staff)
    acknowledge(issues[11], roads_staff)
    add_note(issues[11], roads_staff, m.text("staffnote"))

    _api_reports(jurisdiction, m, people[0])
    tokens = _open311_posts(jurisdiction, m, people[4:8])
    _phone_reports(m, people[10], people[11])
    _import(jurisdiction, m, people[:2])
    for person in people:
        if person.user is not None:
            person.markers.append(person.user.username.split("@")[0])
    return World(
        markers=m,
        people=people,
        issues=list(Issue.objects.order_by("id")),
        submission_tokens=tokens,
        staff=staff,
        dispatcher=dispatcher,
    )
