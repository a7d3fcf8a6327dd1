"""Privacy crawl: every personal field of a city's issues holds a unique marker
(privacy_world), then every URL of the URL configuration is fetched, as an anonymous
visitor and as another signed-in citizen, with every value its parameters can take, and
every link found in the answers is followed (bounded). No marker may appear in any answer:
pages, map data, feeds, Open311 (JSON and XML), the JSON API, open data (CSV, GeoJSON), the
charter, photos and server-sent event streams, bodies and headers alike.

A new URL whose parameter has no values here fails the test until it gets some, so that
new pages are crawled too."""

import re
from collections import Counter, deque
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import urlencode, urljoin, urlsplit

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

from civicdesk import timekeeping
from civicdesk.accounts.models import Citizen
from civicdesk.activities.models import Activity
from civicdesk.alerts.models import PushSubscription
from civicdesk.assets.models import Asset
from civicdesk.catalogue.models import IssueType
from civicdesk.citizens.services.account import sign_up
from civicdesk.citizens.services.following import follow
from civicdesk.following.models import Follow
from civicdesk.issues.models import OPEN_STATUSES, Feedback, Photo, Push
from civicdesk.issues.services import push
from civicdesk.moderation.models import Moderation
from civicdesk.open311.models import Submission
from civicdesk.phonelines.models import InboundSms, UssdSession
from civicdesk.places.models import Jurisdiction
from civicdesk.slawatch.models import EscalationRule
from civicdesk.tests.privacy_world import (
    CALLBACK_TOKEN,
    World,
)
from civicdesk.timeline.models import Event
from civicdesk.units.models import BusinessUnit, Programme

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

MAX_FETCHES = 2500
MAX_QUERIES_PER_PATH = 12
MAX_LINKS_PER_SHAPE = 25
# Not crawled by following links: files (served by the web server in production) and
# actions that change the visitor's session.
SKIPPED_PREFIXES = ("/static/", "/media/", "/i18n/", "/account/sign-out/")
# Crawled from the root only: the admin's own URLs need a signed-in administrator.
ADMIN_PREFIX = "admin/"


def _pattern_paths(patterns, prefix: str = "") -> list[tuple[str, str]]:
    """Every URL route as (template, its text), e.g. ("issues/<int:issue_id>/", ...)."""
    routes = []
    for entry in patterns:
        if isinstance(entry, URLResolver):
            text = str(entry.pattern)
            if (prefix + text).startswith(ADMIN_PREFIX):
                routes.append((prefix + text, "admin"))
                continue
            routes += _pattern_paths(entry.url_patterns, prefix + text.lstrip("^"))
        elif isinstance(entry, URLPattern):
            kind = "route" if isinstance(entry.pattern, RoutePattern) else "regex"
            routes.append((prefix + str(entry.pattern), kind))
    return routes


PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def _values(world: World) -> dict[str, list[str]]:
    """What each URL parameter of the URL configuration can be, in this world."""
    issue_ids = [str(i.pk) for i in world.issues]
    area_ids = sorted({str(i.area_id) for i in world.issues if i.area_id})
    return {
        "issue_id": issue_ids,
        "request_id": issue_ids,
        "photo_id": [str(pk) for pk in Photo.objects.values_list("pk", flat=True)],
        "area_id": area_ids,
        "city": list(Jurisdiction.objects.values_list("slug", flat=True)),
        "code": list(IssueType.objects.values_list("code", flat=True)),
        "reference": list(Asset.objects.values_list("reference", flat=True)),
        "fmt": ["json", "xml"],
        "token": world.submission_tokens + [CALLBACK_TOKEN],
        "unit_id": [str(pk) for pk in BusinessUnit.objects.values_list("pk", flat=True)],
        "programme_id": [str(pk) for pk in Programme.objects.values_list("pk", flat=True)],
        "activity_id": [str(pk) for pk in Activity.objects.values_list("pk", flat=True)],
        "rule_id": [str(pk) for pk in EscalationRule.objects.values_list("pk", flat=True)],
        "path": ["nothing-here"],
    }


def urls_from_configuration(world: World) -> tuple[list[str], list[str]]:
    """Concrete URLs for every route; and the routes with a parameter of unknown values."""
    values = _values(world)
    urls, unknown = [], []
    for template, kind in _pattern_paths(get_resolver().url_patterns):
        if kind == "admin":
            urls.append("/" + template)
            continue
        if kind == "regex":
            template = template.replace("^", "").replace("$", "")
            template = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"<\1>", template)
        template = re.sub(r"\{(\w+)\}", r"<\1>", template)  # django-ninja's path syntax
        names = [m.group("name") for m in PARAMETER.finditer(template)]
        if any(name not in values for name in names):
            unknown.append(template)
            continue
        concrete = ["/" + template]
        for name in dict.fromkeys(names):
            concrete = [
                re.sub(rf"<(?:[^>:]+:)?{name}>", value, url)
                for url in concrete
                for value in values[name]
            ]
        urls += concrete
    return urls, unknown


def query_urls(world: World) -> list[str]:
    """URLs whose answers depend on their query: lists, map data, feeds, exports."""
    now = timekeeping.now()
    ids = ",".join(str(i.pk) for i in world.issues)
    start, end = (now - timedelta(days=80)).isoformat(), (now + timedelta(days=1)).isoformat()
    day = now.date()
    urls = [
        "/issues/?status=closed",
        "/issues/?status=open&order=pushed",
        "/map/data.json?bbox=-27,27,-25,29&zoom=18",
        "/map/data.json?bbox=-90,-180,90,180&zoom=3",
        "/map/data.json?bbox=-27,27,-25,29&zoom=18&status=closed",
        f"/open-data/issues.csv?start={day - timedelta(days=30)}&end={day}",
        "/open-data/issues.csv",
        "/open-data/issues.geojson",
        "/reports/transparency/",
    ]
    for fmt in ("json", "xml"):
        base = f"/open311/v2/requests.{fmt}"
        urls += [
            f"{base}?{urlencode({'service_request_id': ids})}",
            f"{base}?{urlencode({'status': 'open,closed', 'start_date': start, 'end_date': end})}",
            f"{base}?{urlencode({'updated_after': start})}",
            f"{base}?{urlencode({'lat': -26.2056, 'long': 28.047, 'radius': 5000})}",
            f"/open311/v2/servicerequestupdates.{fmt}?{urlencode({'start_date': start})}",
            f"/open311/v2/servicerequestupdates.{fmt}?{urlencode({'service_request_id': ids})}",
        ]
    for issue in world.issues:
        urls += [
            f"/live/issues/{issue.pk}/events/?after=0",
            f"/api/v1/issues/{issue.pk}/timeline?limit=100",
        ]
    return urls


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        for name, value in attrs:
            if name in ("href", "src", "action", "data-url", "hx-get") and value:
                self.found.append(value)


JSON_PATH = re.compile(r'"(/[^"\s]*)"')


def links_in(body: str, content_type: str, base: str) -> list[str]:
    if "html" in content_type:
        parser = Links()
        parser.feed(body)
        found = parser.found
    elif "json" in content_type or "xml" in content_type or "event-stream" in content_type:
        found = JSON_PATH.findall(body) + re.findall(r">(https?://[^<\s]+)<", body)
    else:
        return []
    site = django_settings.SITE_URL.rstrip("/")
    urls = []
    for link in found:
        link = link.replace("&amp;", "&")
        if link.startswith(site):
            link = link[len(site) :] or "/"
        absolute = urljoin(base, link)
        parts = urlsplit(absolute)
        if parts.scheme in ("http", "https") and parts.netloc not in ("", "testserver"):
            continue
        if parts.scheme not in ("", "http", "https"):
            continue
        url = parts.path + (f"?{parts.query}" if parts.query else "")
        if url.startswith("/") and not url.startswith(SKIPPED_PREFIXES):
            urls.append(url)
    return urls


def _body(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


class Crawl:
    """A bounded breadth-first crawl from seed URLs that records where markers appear."""

    def __init__(self, client: Client, patterns: list[re.Pattern]) -> None:
        self.client = client
        self.patterns = patterns
        self.seen: set[str] = set()
        self.per_path: Counter = Counter()
        self.statuses: Counter = Counter()
        self.leaks: list[str] = []
        self.per_shape: Counter = Counter()
        self.status_of: dict[str, int] = {}

    def run(self, seeds: list[str]) -> None:
        """Every seed, then the links found, at most MAX_QUERIES_PER_PATH queries of a path
        and MAX_LINKS_PER_SHAPE paths of a shape (/areas/N/) reached by links."""
        queue = deque((url, True) for url in seeds)
        while queue and len(self.seen) < MAX_FETCHES:
            url, seed = queue.popleft()
            path = url.split("?")[0]
            shape = re.sub(r"\d+", "N", path)
            if url in self.seen or (url != path and self.per_path[path] >= MAX_QUERIES_PER_PATH):
                continue
            if not seed and self.per_shape[shape] >= MAX_LINKS_PER_SHAPE:
                continue
            self.seen.add(url)
            self.per_shape[shape] += 1
            if url != path:
                self.per_path[path] += 1
            response = self.client.get(url)
            self.statuses[response.status_code] += 1
            self.status_of[url] = response.status_code
            body = _body(response)
            text = body.decode("utf-8", errors="replace")
            headers = "\n".join(f"{k}: {v}" for k, v in response.headers.items())
            self.check(url, text + "\n" + headers)
            if response.status_code in (301, 302, 303, 307, 308):
                queue.append((response["Location"], False))
            content_type = response.get("Content-Type", "")
            if response.status_code == 200:
                queue.extend((link, False) for link in links_in(text, content_type, url))
            if "image" in content_type:
                self.check(url, body.decode("latin-1"))

    def check(self, url: str, text: str) -> None:
        for pattern in self.patterns:
            if found := pattern.search(text):
                self.leaks.append(f"{url}: {found.group(0)!r}")


def marker_patterns(world: World) -> list[re.Pattern]:
    """Each marker, case-insensitively; phone numbers also with spaces or dashes between
    digits, and in local form (0 instead of +27)."""
    patterns = [re.compile(re.escape(m), re.IGNORECASE) for m in world.markers.all]
    for digits in world.markers.phones:
        gaps = r"[\s\-().]{0,2}".join(digits)
        patterns.append(re.compile(gaps))
    return patterns


@pytest.fixture
def no_connection_closing(monkeypatch) -> None:
    """The event streams let go of their connection while they wait; inside a test's
    transaction that would end it."""
    monkeypatch.setattr("civicdesk.live.views.close_old_connections", lambda: None)


def another_citizen(world: World) -> Client:
    """A signed-in citizen who reported nothing here but pushes and follows some issues."""
    user = sign_up(email="someone.else@example.com", password="a long passphrase 42")
    client = Client()
    client.force_login(user)
    open_issue = next(i for i in world.issues if i.status in OPEN_STATUSES and i.reporter_id)
    from civicdesk.citizens.services.account import citizen_of

    push(open_issue, citizen_of(user))
    follow(world.issues[-1], citizen_of(user))
    return client


def crawl_as(client: Client, world: World) -> Crawl:
    urls, unknown = urls_from_configuration(world)
    assert not unknown, f"URL parameters without values for the privacy crawl: {unknown}"
    crawl = Crawl(client, marker_patterns(world))
    crawl.run(urls + query_urls(world))
    return crawl


def test_the_world_really_holds_its_markers(marked_world):
    world = marked_world
    """The crawl proves something only if the markers are where it looks for leaks from."""
    assert len(world.issues) >= 30
    statuses = {i.status for i in world.issues}
    assert {"closed", "resolved", "rejected", "duplicate", "reopened", "acknowledged"} <= statuses
    sources = {i.source for i in world.issues}
    assert {"web", "api", "open311", "sms", "import"} <= sources
    run = world.markers.run
    assert Submission.objects.filter(device_id__contains=run, account_id__contains=run).count() == 4
    assert InboundSms.objects.filter(text__contains=run).count() == 1
    assert UssdSession.objects.filter(session_id__contains=run).count() == 1
    assert PushSubscription.objects.filter(endpoint__contains=run).count() == 6
    assert Follow.objects.count() >= 10 and Push.objects.count() >= 24
    assert Feedback.objects.filter(comment__contains=run).count() == 2  # and one redacted
    assert Event.objects.filter(kind="info_given", note__contains=run).count() == 2
    assert Event.objects.filter(kind="note", note__contains=run).count() >= 7
    # Uploaded as "<marker>.jpg" with EXIF markers; stored under a random name, re-encoded.
    assert Photo.objects.count() == 3 and not Photo.objects.filter(image__contains=run).exists()
    assert Citizen.objects.filter(name__contains=run).count() == 13
    # Taken down by staff, kept for audit: a description, a feedback comment, a photo.
    assert Moderation.objects.filter(original__contains=run).count() == 2
    assert Photo.objects.filter(hidden=True).count() == 1


@pytest.mark.usefixtures("no_connection_closing")
def test_no_personal_data_in_any_public_answer(marked_world):
    world = marked_world
    anonymous = crawl_as(Client(), world)
    assert len(anonymous.seen) > 300, anonymous.statuses
    assert anonymous.statuses[200] > 200
    assert not anonymous.leaks, "\n".join(anonymous.leaks[:40])
    # The streams and exports were read, not just opened.
    first = world.issues[0].pk
    assert anonymous.status_of[f"/live/issues/{first}/events/?after=0"] == 200
    stream = _body(Client().get(f"/live/issues/{first}/events/?after=0")).decode()
    assert "event: reported" in stream and "event: feedback" in stream
    assert anonymous.status_of["/open-data/issues.csv"] == 200
    hidden = Photo.objects.get(hidden=True)
    assert anonymous.status_of[f"/photos/{hidden.pk}/"] == 404
    shown = Photo.objects.filter(hidden=False).values_list("pk", flat=True)
    assert all(anonymous.status_of[f"/photos/{pk}/"] == 200 for pk in shown)

    other = crawl_as(another_citizen(world), world)
    assert not other.leaks, "\n".join(other.leaks[:40])
    # The other citizen's own pages and data were crawled too.
    assert "/api/v1/me/data" in other.seen or any(u.startswith("/account/") for u in other.seen)


def test_the_crawl_catches_a_leak(marked_world):
    world = marked_world
    """A page that shows a reporter's e-mail is caught: the crawl can fail."""
    issue = next(i for i in world.issues if i.reporter_id)
    reporter = issue.reporter
    issue.description = f"Call me at {reporter.email}"
    issue.save(update_fields=["description"])
    crawl = Crawl(Client(), marker_patterns(world))
    crawl.run([f"/issues/{issue.pk}/"])
    assert crawl.leaks and reporter.email.split("@")[0] in crawl.leaks[0].lower()
