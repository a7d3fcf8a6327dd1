"""Every URL of the site, for every role, against the matrix in authorisation_matrix.py.

The URLs are read from the URL configuration (Django's patterns, the JSON API's
operations, the admin's): a pattern without an entry in the matrix fails the first test,
by name. The matrix run builds a small world (two units of one city, issues, an activity,
rules, photos, tokens) and sends each check's request as each role, every request inside a
savepoint that is rolled back, so that every role meets the same world. The API's checks
are replayed with the browser session instead of a token, and the staff checks as staff who
owe their second factor or were deactivated, and as another city's dispatcher, who must get
none of what unit A's staff get."""

import functools
import hashlib
import inspect
import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from http.cookies import SimpleCookie
from io import BytesIO
from typing import Any

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RoutePattern
from django_otp.plugins.otp_totp.models import TOTPDevice
from PIL import Image

from civicdesk.accounts.models import Citizen, User
from civicdesk.accounts.services import issue_api_token
from civicdesk.activities.models import ActivityStatus
from civicdesk.activities.services import create_activity, update_activity
from civicdesk.alerts.delivery import unsubscribe_token
from civicdesk.alerts.models import IssueAlertChoice
from civicdesk.assets.models import Asset
from civicdesk.citizens.services.account import ensure_citizen, sign_in_token, sign_up
from civicdesk.following.models import Follow
from civicdesk.issues.models import Feedback, Issue, Photo, Push
from civicdesk.issues.services import add_note
from civicdesk.moderation.services import redact_description
from civicdesk.open311.services import RequestInput, register_application, submit_request
from civicdesk.places.models import Jurisdiction
from civicdesk.places.services import import_areas
from civicdesk.slawatch.models import EscalationRule
from civicdesk.tests.authorisation_matrix import (
    ADMIN_CHECKS,
    CONTACT_READERS,
    IN_ADM,
    IN_CIT,
    IN_CODE,
    IN_STF,
    MATRIX,
    REDIR,
    ROLES,
    Check,
    W,
)
from civicdesk.units.models import Dispatcher, Membership, Programme
from conftest import CARLTON_CENTRE, report_outage

ADMIN_GROUP = "admin:*"


@dataclass(frozen=True)
class Route:
    key: str  # the matrix's key: the pattern's name, else its view
    route: str
    name: str | None
    params: tuple[str, ...]
    view: str
    methods: tuple[str, ...] = ()  # the JSON API's operations say theirs


def _params(pattern) -> tuple[str, ...]:
    if isinstance(pattern.pattern, RoutePattern):
        return tuple(pattern.pattern.converters)
    return tuple(pattern.pattern.regex.groupindex)


def _ninja_methods(pattern: URLPattern) -> tuple[str, ...]:
    """A django-ninja pattern's view serves every operation of its path; the operation
    the pattern is named after says its method."""
    if not inspect.isfunction(pattern.callback):
        return ()
    path_view = inspect.getclosurevars(pattern.callback).nonlocals.get("self")
    for operation in getattr(path_view, "operations", ()):
        if operation.view_func.__name__ == pattern.name:
            return tuple(operation.methods)
    return ()


def routes(
    resolver: URLResolver | None = None,
    prefix: str = "",
    namespace: str = "",
    params: tuple[str, ...] = (),
) -> Iterator[Route]:
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = ":".join(n for n in (namespace, pattern.namespace) if n)
            yield from routes(pattern, route, inner, params + _params(pattern))
            continue
        name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
        view = pattern.lookup_str
        key = ADMIN_GROUP if namespace == "admin" else (name or view)
        yield Route(key, route, name, params + _params(pattern), view, _ninja_methods(pattern))


def test_every_url_has_an_entry_in_the_matrix() -> None:
    found = list(routes())
    missing = [r for r in found if r.key not in MATRIX]
    assert not missing, (
        "URL patterns without an entry in the authorisation matrix "
        + ("(civicdesk/tests/authorisation_matrix.py): add one saying what each role gets:\n")
        + "\n".join(
            f"  {r.key!r}: /{r.route} ({r.view}{', ' + '/'.join(r.methods) if r.methods else ''})"
            for r in missing
        )
    )
    stale = sorted(set(MATRIX) - {r.key for r in found})
    assert not stale, f"Matrix entries for URL patterns that no longer exist: {stale}"


def test_api_checks_use_the_operations_methods() -> None:
    """A check of a JSON API operation sends that operation's method (else it would test
    its neighbour on the same path)."""
    wrong = [
        f"{r.key}: {check.method} (the operation is {'/'.join(r.methods)})"
        for r in routes()
        if r.methods
        for check in MATRIX.get(r.key, [])
        if check.method not in r.methods
    ]
    assert not wrong, "\n".join(wrong)


# ---------------------------------------------------------------------------- the world

CITIZEN_NAME = "Zanele Matrixmarker"
CITIZEN_EMAIL = "zanele.matrixmarker@example.org"
CITIZEN_PHONE = "+27825550199"
INTERNAL_NOTE = "Internal-matrixmarker: the transformer key is under the mat"
PASSWORD = "Matrix password 1!"
MODERATED_ORIGINAL = "Moderated-matrixmarker: words nobody should read again"


def _user(username: str, **fields: Any) -> User:
    return User.objects.create_user(username, password=PASSWORD, **fields)


def _jpeg() -> ContentFile:
    out = BytesIO()
    Image.new("RGB", (4, 4), "red").save(out, "JPEG")
    return ContentFile(out.getvalue(), name="pole.jpg")


def _ward_around(jurisdiction: Jurisdiction, lat: float, lon: float) -> None:
    d = 0.01
    ring = [(lon - d, lat - d), (lon + d, lat - d), (lon + d, lat + d), (lon - d, lat + d)]
    ring.append(ring[0])
    ward = {"type": "Polygon", "coordinates": [ring]}
    feature = {"type": "Feature", "properties": {"name": "Ward 124"}, "geometry": ward}
    import_areas(
        jurisdiction, {"type": "FeatureCollection", "features": [feature]}, name_property="name"
    )


@pytest.fixture
def world(
    settings,
    monkeypatch,
    tmp_path,
    jurisdiction,
    electricity,
    roads,
    programme,
    staff,
    dispatcher,
    power_outage,
    pothole,
) -> dict[str, Any]:
    """Units A and B of one city; issue A (unit A) reported by citizen 1, with an internal
    note and photos (one hidden); issue A2 (unit A, its description redacted) on activity A;
    issue B (unit B) by citizen 2; issue C (unit A) resolved; escalation rules of both
    units; an asset; an Open311 submission; every user's API token."""
    settings.MEDIA_ROOT = tmp_path
    settings.GEOCODER_URL = ""
    # Event streams send what there is, then end at once.
    settings.LIVE_STREAM_SECONDS = 0.01
    settings.LIVE_POLL_SECONDS = 0.01
    # A waiting stream lets go of its connection: here it is the test's, inside a savepoint.
    monkeypatch.setattr("civicdesk.live.views.close_old_connections", lambda: None)
    settings.PHONELINES_CALLBACK_TOKEN = "phone-callback-secret"
    settings.PHONELINES_ALLOWED_IPS = []
    electricity.name, roads.name = "Unit Alpha", "Unit Beta"
    electricity.save()
    roads.save()
    lat, lon = CARLTON_CENTRE
    _ward_around(jurisdiction, lat, lon)
    citizen_user = sign_up(email=CITIZEN_EMAIL, password=PASSWORD, name=CITIZEN_NAME)
    citizen = Citizen.objects.get(user=citizen_user)
    citizen.phone = CITIZEN_PHONE
    citizen.save()
    other_user = sign_up(email="other.citizen@example.org", password=PASSWORD)
    other = Citizen.objects.get(user=other_user)
    programme_b = Programme.objects.create(unit=roads, name="Potholes")
    other_staff = _user("other-staff", is_staff=True)
    Membership.objects.create(programme=programme_b, user=other_staff)
    manager = _user("manager", is_staff=True)
    Membership.objects.create(programme=programme, user=manager, role=Membership.Role.MANAGER)
    admin = User.objects.create_superuser("admin", password=PASSWORD)

    issue_a = report_outage(jurisdiction, citizen, description="Issue-a-matrixmarker sparks")
    add_note(issue_a, staff, INTERNAL_NOTE)
    issue_a2 = report_outage(jurisdiction, description=MODERATED_ORIGINAL)
    redact_description(issue_a2, staff, reason="Abusive", replacement="[removed by staff]")
    issue_b = report_outage(
        jurisdiction, other, issue_type_code="pothole", answers={}, description="Deep"
    )
    issue_c = report_outage(jurisdiction, citizen)
    done = create_activity(programme, staff, title="Done already", issues=[issue_c])
    update_activity(done, staff, status=ActivityStatus.COMPLETED, public_summary="Fixed")
    activity = create_activity(programme, staff, title="Activity-a-matrixmarker", issues=[issue_a2])
    rule = EscalationRule.objects.create(
        unit=electricity, after=timedelta(hours=2), recipient=EscalationRule.Recipient.MANAGERS
    )
    rule_b = EscalationRule.objects.create(
        unit=roads, after=timedelta(hours=2), recipient=EscalationRule.Recipient.MANAGERS
    )
    photo = Photo.objects.create(issue=issue_a, image=_jpeg())
    hidden = Photo.objects.create(issue=issue_a, image=_jpeg(), hidden=True)
    asset = Asset.objects.create(
        jurisdiction=jurisdiction, kind="street_light", reference="SL-1", lat=lat, lon=lon
    )
    application, key = register_application("Matrix app", answer_with_token=True)
    submission, _ = submit_request(
        application=application,
        jurisdiction=jurisdiction,
        data=RequestInput(service_code="power-outage", lat=lat, lon=lon, answers={"extent": "one"}),
    )
    users = {
        "citizen": citizen_user,
        "other": other_user,
        "staff": staff,
        "other_staff": other_staff,
        "manager": manager,
        "dispatcher": dispatcher,
        "admin": admin,
    }
    for user in users.values():  # citizens' pages and API make one on first use
        ensure_citizen(user)
    return {
        "users": users,
        "tokens": {role: issue_api_token(user) for role, user in users.items()},
        "citizen": citizen,
        "password": PASSWORD,
        "citizen_email": CITIZEN_EMAIL,
        "issue_id": issue_a.pk,
        "issue_a": issue_a.pk,
        "issue_a2": issue_a2.pk,
        "issue_b": issue_b.pk,
        "issue_c": issue_c.pk,
        "unit_id": electricity.pk,
        "unit_b": roads.pk,
        "programme_id": programme.pk,
        "programme_b": programme_b.pk,
        "activity_id": activity.pk,
        "rule_id": rule.pk,
        "rule_b": rule_b.pk,
        "photo_id": photo.pk,
        "hidden_photo": hidden.pk,
        "area_id": issue_a.area_id,
        "city": jurisdiction.slug,
        "code": "power-outage",
        "reference": asset.reference,
        "fmt": "json",
        "request_id": str(issue_a.pk),
        "path": "no-such-call.json",
        "unsubscribe_token": unsubscribe_token(citizen.pk),
        "phone_token": settings.PHONELINES_CALLBACK_TOKEN,
        "open311_token": submission.token,
        "open311_key": key,
        "bad_token": "not-a-token",
        # Texts some roles must not see.
        "issue_a_text": "Issue-a-matrixmarker",
        "issue_a_url": f"/issues/{issue_a.pk}/",
        "internal_note": INTERNAL_NOTE,
        "an_event": "\nevent: ",  # a server-sent event
        "activity_a_title": "Activity-a-matrixmarker",
        "unit_a_name": "Unit Alpha",
        "programme_a_name": programme.name,
    }


# ---------------------------------------------------------------------------- probes

# Rows that change on every authenticated request, whoever makes it.
VOLATILE = {"sessions.session", "accounts.apitoken"}


def _tables() -> list[tuple[str, list[str], str]]:
    """(table, columns, primary key) of every table but the volatile ones, quoted."""
    quote = connection.ops.quote_name
    return [
        (
            quote(model._meta.db_table),
            [quote(f.column) for f in model._meta.concrete_fields if f.attname != "last_used_at"],
            quote(model._meta.pk.column),
        )
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and model._meta.label_lower not in VOLATILE
    ]


@functools.cache
def _dump_queries(vendor: str) -> list[str]:
    if vendor == "postgresql":
        # One round trip: PostgreSQL hashes each table itself.
        return [
            "SELECT "
            + ", ".join(
                f"(SELECT md5(coalesce(string_agg(ROW({', '.join(columns)})::text, ','"
                f" ORDER BY {pk}), '')) FROM {table})"
                for table, columns, pk in _tables()
            )
        ]
    return [
        f"SELECT {', '.join(columns)} FROM {table} ORDER BY {pk}"
        for table, columns, pk in _tables()
    ]


def fingerprint() -> str:
    """Every row of every table (but sessions and token use times), as one hash."""
    digest = hashlib.sha256()
    with connection.cursor() as cursor:
        for query in _dump_queries(connection.vendor):
            cursor.execute(query)
            digest.update(repr(cursor.fetchall()).encode())
    return digest.hexdigest()


def citizen_follows(world: dict) -> tuple:
    """What citizen 1 follows, pushes, chose and said: only citizen 1 changes it."""
    citizen = world["citizen"]
    return (
        list(Push.objects.filter(citizen=citizen).values_list("issue_id").order_by("pk")),
        list(Follow.objects.filter(citizen=citizen).values_list("issue_id").order_by("pk")),
        list(
            IssueAlertChoice.objects.filter(citizen=citizen)
            .values_list("issue_id", "channel")
            .order_by("pk")
        ),
        list(Feedback.objects.filter(citizen=citizen).values_list("issue_id").order_by("pk")),
        Citizen.objects.filter(pk=citizen.pk).values_list("alert_channel", "erased_at").get(),
    )


PROBES = {"citizen_follows": citizen_follows}


def test_the_fingerprint_sees_a_changed_field(world) -> None:
    before = fingerprint()
    Issue.objects.filter(pk=world["issue_a"]).update(description="changed")
    assert fingerprint() != before


# ---------------------------------------------------------------------------- requests


def _resolve(value: Any, world: dict) -> Any:
    if isinstance(value, W):
        return world[value.name]
    if isinstance(value, dict):
        return {k: _resolve(v, world) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve(v, world) for v in value]
    return value


def url_of(route: Route, check: Check, world: dict) -> str:
    values = {p: world[check.kwargs.get(p, p)] for p in route.params}
    if route.name:
        return reverse(route.name, kwargs=values)
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: str(values[m[1]]), route.route)
    return "/" + re.sub(r"\^|\$|\\Z|\\A", "", path)


def outcome_of(status: int, location: str) -> Any:
    if status != 302:
        return status
    path = location.split("?")[0]
    for start, outcome in (
        (reverse("citizens:sign-in"), IN_CIT),
        (reverse("backoffice:sign-in"), IN_STF),
        (reverse("backoffice:sign-in-code"), IN_CODE),
        (reverse("admin:login"), IN_ADM),
    ):
        if path == start:
            return outcome
    return REDIR


def matches(expected: Any, observed: Any) -> bool:
    return observed in expected if isinstance(expected, tuple) else observed == expected


def is_refusal(outcome: Any) -> bool:
    if isinstance(outcome, tuple):
        return all(is_refusal(o) for o in outcome)
    signing_in = (IN_CIT, IN_STF, IN_CODE, IN_ADM)
    return outcome in signing_in or (isinstance(outcome, int) and outcome >= 400)


class Browser:
    """One client per role, each request with the role's session cookie as it was at the
    start (a sign-out or sign-in inside the rolled-back savepoint must not carry over)."""

    def __init__(self, world: dict, api_by_session: bool = False) -> None:
        self.world = world
        self.api_by_session = api_by_session
        self.cookies: dict[str, str] = {}
        for role, user in world["users"].items():
            client = Client()
            client.force_login(user)
            self.cookies[role] = client.cookies.output(header="", sep=";")

    def send(self, role: str, check: Check, url: str):
        client = Client(raise_request_exception=False)
        data = _resolve(check.data, self.world)
        query = _resolve(check.query, self.world)
        if role in self.cookies:
            client.cookies = SimpleCookie(self.cookies[role])
        if check.api:
            # Roles with a token use it (and then the cookie does not matter).
            token = None if self.api_by_session else self.world["tokens"].get(role)
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            if query:
                url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
            body = json.dumps(data) if data is not None else ""
            return client.generic(
                check.method, url, body, content_type="application/json", headers=headers
            )
        if check.method == "GET":
            return client.get(url, query)
        return client.generic(check.method, url) if data is None else client.post(url, data)


def _body(response) -> str:
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    return content.decode("utf-8", errors="replace")


def secrets(world: dict, role: str) -> dict[str, str]:
    """Texts this role must never be shown, by what they are."""
    found = {}
    if role != "admin":
        found["a redacted original"] = MODERATED_ORIGINAL
    if role not in CONTACT_READERS:
        found["internal note"] = INTERNAL_NOTE
        if role != "citizen":
            found |= {
                "citizen 1's name": CITIZEN_NAME,
                "citizen 1's e-mail": CITIZEN_EMAIL,
                "citizen 1's phone": CITIZEN_PHONE,
            }
    return found


def run_check(
    browser: Browser,
    route: Route,
    check: Check,
    role: str,
    world_as_built: str,
    expected: Any = None,
    like: str | None = None,
) -> list[str]:
    """Send `check` as `role`; what differs from the matrix. `expected` overrides the
    matrix's outcome, and `like` names the role whose hidden and shown texts apply."""
    world = browser.world
    expected = check.expect[role] if expected is None else expected
    url = url_of(route, check, world)
    label = f"{route.key} {check.method} {url} as {role}"
    sent = json.dumps([url, _resolve(check.data, world), _resolve(check.query, world)])
    problems = []
    probe = PROBES.get(check.kept or "")
    with transaction.atomic():
        refused = is_refusal(expected)
        kept = probe(world) if probe and role != "citizen" else None
        response = browser.send(role, check, url)
        body = _body(response)
        observed = outcome_of(response.status_code, response.get("Location", ""))
        if not matches(expected, observed):
            problems.append(f"{label}: expected {expected}, got {observed}")
        if response.status_code < 500:
            if refused and fingerprint() != world_as_built:
                problems.append(f"{label}: refused, yet the data changed")
            if kept is not None and probe(world) != kept:
                problems.append(f"{label}: changed citizen 1's {check.kept}")
        for what, text in secrets(world, role).items():
            if text in body and text not in sent:
                problems.append(f"{label}: shows {what}")
        for name, roles in check.hidden.items():
            if (like or role) in roles and world[name] in body:
                problems.append(f"{label}: shows {name} ({world[name]!r})")
        for name, roles in check.shown.items():
            if (like or role) in roles and world[name] not in body:
                problems.append(f"{label}: does not show {name} ({world[name]!r})")
        transaction.set_rollback(True)
    return problems


@pytest.fixture
def quiet_request_log() -> Iterator[None]:
    """Hundreds of refusals on purpose: Django need not log each one."""
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    yield
    logger.setLevel(level)


@pytest.mark.slow
@pytest.mark.usefixtures("quiet_request_log")
def test_every_role_gets_what_the_matrix_says(world) -> None:
    browser = Browser(world)
    # Signing in moved citizen 1's last login on, which a sign-in link must match.
    world["sign_in_token"] = sign_in_token(CITIZEN_EMAIL)
    # Every request is rolled back: each starts from this world.
    world_as_built = fingerprint()
    problems = []
    for route in {r.key: r for r in routes()}.values():
        checks = MATRIX.get(route.key, [])
        if route.key == ADMIN_GROUP:
            continue
        for check in checks:
            for role in ROLES:
                problems += run_check(browser, route, check, role, world_as_built)
    for path, check in ADMIN_CHECKS.items():
        admin_route = Route(ADMIN_GROUP, path.lstrip("/"), None, (), "django.contrib.admin")
        for role in ROLES:
            problems += run_check(browser, admin_route, check, role, world_as_built)
    assert not problems, f"{len(problems)} answers differ from the matrix:\n" + "\n".join(problems)


@pytest.mark.usefixtures("quiet_request_log")
def test_the_api_answers_a_browser_session_as_it_answers_a_token(world) -> None:
    browser = Browser(world, api_by_session=True)
    world_as_built = fingerprint()
    problems = []
    for route in {r.key: r for r in routes()}.values():
        for check in MATRIX.get(route.key, []):
            if check.api:
                for role in ("citizen", "other", "staff", "other_staff", "dispatcher"):
                    problems += run_check(browser, route, check, role, world_as_built)
    assert not problems, f"{len(problems)} answers to a session differ:\n" + "\n".join(problems)


def refused_to_citizens(check: Check) -> bool:
    return is_refusal(check.expect["citizen"]) and is_refusal(check.expect["other"])


# What a half signed-in or deactivated member of staff may get where staff get in.
NOT_IN = (IN_CODE, IN_STF, 401, 403, 405)


@pytest.mark.parametrize("kind", ["awaiting_code", "deactivated"])
@pytest.mark.usefixtures("quiet_request_log")
def test_staff_not_fully_signed_in_get_nothing_staff_get(world, kind) -> None:
    """A member of unit A with an authenticator app, signed in with the password only, or
    one deactivated since signing in and getting a token, gets none of what the matrix gives
    unit A's staff beyond citizens (pages, the API, event streams, the admin): the code step
    or a refusal, and nothing changes."""
    user = _user(kind, is_staff=True)
    Membership.objects.create(programme_id=world["programme_id"], user=user)
    world["users"][kind] = user
    if kind == "awaiting_code":
        TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    browser = Browser(world)  # signs in: with a device, the session waits for the code
    if kind == "deactivated":
        world["tokens"][kind] = issue_api_token(user)
        User.objects.filter(pk=user.pk).update(is_active=False)
    world_as_built = fingerprint()
    checked, problems = 0, []
    for route in {r.key: r for r in routes()}.values():
        for check in MATRIX.get(route.key, []):
            if is_refusal(check.expect["staff"]) or not refused_to_citizens(check):
                continue
            checked += 1
            problems += run_check(browser, route, check, kind, world_as_built, NOT_IN)
    for path, check in ADMIN_CHECKS.items():
        admin_route = Route(ADMIN_GROUP, path.lstrip("/"), None, (), "django.contrib.admin")
        problems += run_check(browser, admin_route, check, kind, world_as_built, (IN_ADM, 403))
    assert checked > 40
    assert not problems, f"{len(problems)} staff answers to {kind} staff:\n" + ("\n".join(problems))


# Any answer but a server error: for lists that show each user their own.
NOT_A_500 = tuple(range(200, 500)) + (IN_CIT, IN_STF, IN_CODE, IN_ADM, REDIR)
# Pages that show every dispatcher their own cities.
DISPATCHERS_OWN = {"backoffice:dispatch"}
# The site's own state, the same for every member of staff whatever their city (its 503
# says a part is down, not that the page failed).
SITE_WIDE = {"health-details"}


@pytest.mark.usefixtures("quiet_request_log")
def test_another_citys_dispatcher_gets_nothing_of_this_city(world) -> None:
    """A dispatcher of another city is refused wherever the matrix refuses both citizens and
    unit B's staff, and where unit B's staff see lists of their own, sees none of unit A's
    texts there either."""
    cape_town = Jurisdiction.objects.create(slug="cpt", name="City of Cape Town")
    user = _user("cape-town-dispatch", is_staff=True)
    Dispatcher.objects.create(user=user, jurisdiction=cape_town)
    world["users"]["foreign_dispatcher"] = user
    world["tokens"]["foreign_dispatcher"] = issue_api_token(user)
    browser = Browser(world)
    world_as_built = fingerprint()
    checked, problems = 0, []
    for route in {r.key: r for r in routes()}.values():
        for check in MATRIX.get(route.key, []):
            same_for_all = len({repr(outcome) for outcome in check.expect.values()}) == 1
            if same_for_all or not refused_to_citizens(check):
                continue
            checked += 1
            theirs = check.expect["other_staff"]
            refused_too = is_refusal(theirs) and route.key not in DISPATCHERS_OWN
            expected = theirs if refused_too or route.key in SITE_WIDE else NOT_A_500
            problems += run_check(
                browser,
                route,
                check,
                "foreign_dispatcher",
                world_as_built,
                expected,
                like="other_staff",
            )
    assert checked > 40
    assert not problems, f"{len(problems)} answers to another city's dispatcher:\n" + (
        "\n".join(problems)
    )
