"""Property-based tests of every Open311 call: Hypothesis builds requests (the spec's
parameters with good, odd and hostile values, attribute answers, media uploads, methods and
formats) and sends them through Django's real WSGI handler. Whatever it sends, the answer is
never a 500, is in the format of the URL's suffix, and has the spec's shape: the call's
document on success, an Open311 error list otherwise."""

import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image
from werkzeug.test import Client

from civicdesk.activities.services import create_activity, update_activity
from civicdesk.catalogue.models import IssueType
from civicdesk.forwarding.models import Forwarding, Provider
from civicdesk.issues.services import Contact, acknowledge
from civicdesk.open311.models import Submission
from civicdesk.open311.render import to_xml
from civicdesk.open311.services import register_application
from civicdesk.open311.tests import spec_shapes as shapes
from civicdesk.testing.fuzzing import FuzzRecord, fuzz_settings, wsgi_app_on_test_database
from civicdesk.units.models import BusinessUnit
from conftest import CARLTON_CENTRE, report_outage

MINIMUM_CASES = 2000
BASE = "/open311/v2/"
FORMATS = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
# What an answer may be; 5xx never.
STATUSES = {200, 400, 403, 404, 405, 409, 429}


@dataclass
class World:
    issue_ids: list[str]
    codes: list[str]
    tokens: list[str]
    api_keys: list[str]
    provider_key: str
    provider_ids: list[str]


def _image(fmt: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (120, 90, 60)).save(buffer, fmt)
    return buffer.getvalue()


@pytest.fixture
def world(city, api_key, programme, staff, settings, tmp_path) -> World:
    """The city of the Open311 tests, with issues in every state the calls describe: routed
    and acknowledged, in an activity with a public summary, resolved, forwarded to an
    outside provider that pushes updates, and requests made by a token-answering app."""
    settings.MEDIA_ROOT = tmp_path
    # A limit the fuzzer reaches, so that its 429s are checked too.
    settings.RATE_LIMITS |= {"report_per_key": "20/h"}
    jurisdiction = city
    outages = [report_outage(jurisdiction, Contact(email=f"r{n}@example.org")) for n in range(3)]
    acknowledge(outages[0], staff, note="Crew on the way")
    work = create_activity(programme, staff, title="Replace the cable", issues=outages[1:])
    update_activity(work, staff, status="completed", public_summary="Cable replaced")
    pothole = report_outage(jurisdiction, issue_type_code="pothole", answers={}, lat=-26.19)

    contractor = BusinessUnit.objects.create(
        jurisdiction=jurisdiction, name="Meter contractor", slug="meters", is_external=True
    )
    meters = IssueType.objects.create(jurisdiction=jurisdiction, code="meter", name="Meter fault")
    contractor.issue_types.add(meters)
    pusher, provider_key = register_application("Contractor updates")
    Provider.objects.create(
        unit=contractor,
        endpoint="http://127.0.0.1:9/open311/v2/",
        api_key="our-key-there",
        service_codes={"meter": "MTR"},
        push_application=pusher,
    )
    provider_ids = []
    for n in range(2):
        issue = report_outage(jurisdiction, issue_type_code="meter", answers={})
        Forwarding.objects.filter(issue=issue).update(
            state=Forwarding.State.SENT, service_request_id=f"MTR-{n}"
        )
        provider_ids.append(f"MTR-{n}")

    token_app, token_key = register_application("Token app", answer_with_token=True)
    issue = report_outage(jurisdiction, issue_type_code="pothole", answers={})
    Submission.objects.create(
        application=token_app, issue=issue, token="tok-1", created_at=issue.submitted_at
    )
    issues = [*outages, pothole, issue]
    return World(
        issue_ids=[str(i.pk) for i in issues],
        codes=["power-outage", "pothole", "streetlight", "meter"],
        tokens=["tok-1"],
        api_keys=[api_key, token_key],
        provider_key=provider_key,
        provider_ids=provider_ids,
    )


# Values: good ones, and what a careless or hostile client sends.

junk = st.text(max_size=24)
# Fullwidth digits are decimal to str.isdecimal(); "²" is a digit to str.isdigit() only.
ODD = ["", " ", "\x00", "null", "-1", "0", "1e400", "NaN", "²", "\uff11\uff12", "%00", "'"]
# Longer than any column (PostgreSQL refuses what SQLite keeps).
LONG = ["x" * 5000, "\u017e" * 1000]
odd_text = st.one_of(junk, st.sampled_from(ODD + LONG))


def mostly(good: st.SearchStrategy, odd: st.SearchStrategy = odd_text) -> st.SearchStrategy:
    """Four in five draws from `good`: requests should mostly reach the call's logic."""
    return st.integers(0, 4).flatmap(lambda n: odd if n == 4 else good)


def numbers(low: float, high: float) -> st.SearchStrategy[str]:
    return st.one_of(
        st.floats(low, high).map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(str),
        st.integers(-(10**30), 10**30).map(str),
        odd_text,
    )


offsets = st.builds(
    lambda minutes: timezone(timedelta(minutes=minutes)), st.integers(-14 * 60, 14 * 60)
)
moments = st.datetimes(
    min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=offsets
)
recent = st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2028, 1, 1), timezones=offsets
)
w3c_dates = st.one_of(
    recent.map(lambda d: d.isoformat(timespec="seconds")),
    moments.map(lambda d: d.isoformat(timespec="seconds")),
    moments.map(lambda d: d.isoformat()),
    st.dates(min_value=date(1, 1, 1)).map(date.isoformat),
    moments.map(lambda d: d.strftime("%Y-%m-%dT%H:%MZ")),
    st.sampled_from(["0001-01-01", "9999-12-31", "9999-12-31T23:59:59+14:00", "2026-02-30"]),
    odd_text,
)


def listed(values: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.lists(values, min_size=1, max_size=4).map(",".join)


def query(world: World, **names: st.SearchStrategy) -> st.SearchStrategy[dict]:
    """Any subset of the named parameters, sometimes with a jurisdiction_id and an unknown
    parameter."""
    common = {"jurisdiction_id": mostly(st.just("jhb")), "unknown_parameter": odd_text}
    return st.fixed_dictionaries({}, optional=names | common)


def request_ids(world: World) -> st.SearchStrategy[str]:
    return mostly(st.sampled_from(world.issue_ids), st.integers(-5, 10**30).map(str) | odd_text)


def get_requests(world: World) -> st.SearchStrategy[dict]:
    return query(
        world,
        service_request_id=st.one_of(listed(request_ids(world)), odd_text),
        service_code=st.one_of(listed(st.sampled_from(world.codes)), odd_text),
        start_date=w3c_dates,
        end_date=w3c_dates,
        updated_after=w3c_dates,
        updated_before=w3c_dates,
        status=st.one_of(st.sampled_from(["open", "closed", "open,closed", "Open"]), odd_text),
        lat=numbers(-90, 90),
        long=numbers(-180, 180),
        radius=numbers(0, 60_000),
        bbox=st.one_of(listed(numbers(-180, 180)), st.just("27.9,-26.3,28.1,-26.1"), odd_text),
        page=numbers(0, 20_000),
        page_size=numbers(0, 2_000),
    )


def get_updates(world: World) -> st.SearchStrategy[dict]:
    return query(
        world,
        service_request_id=st.one_of(listed(request_ids(world)), odd_text),
        start_date=w3c_dates,
        end_date=w3c_dates,
        page=numbers(0, 20_000),
        page_size=numbers(0, 2_000),
    )


def api_keys(world: World) -> st.SearchStrategy[str]:
    return mostly(st.sampled_from(world.api_keys))


attribute_names = st.sampled_from(
    ["extent", "note", "pole", "lamps", "since", "details", "state", "hazards", "asset_id"]
)
answers = st.one_of(
    st.sampled_from(["street", "one", "off", "flicker", "wires", "pole", "3", "P-1"]),
    w3c_dates,
    odd_text,
)
media = st.lists(
    st.one_of(
        st.sampled_from(["JPEG", "PNG", "WEBP"]).map(lambda f: (_image(f), f"photo.{f.lower()}")),
        st.binary(max_size=64).map(lambda b: (b, "photo.jpg")),
    ),
    max_size=2,
)


@st.composite
def post_requests(draw, world: World) -> dict:
    fields = draw(
        st.fixed_dictionaries(
            {
                "api_key": api_keys(world),
                "service_code": mostly(st.sampled_from(world.codes)),
                "lat": mostly(st.just(str(CARLTON_CENTRE[0])), numbers(-90, 90)),
                "long": mostly(st.just(str(CARLTON_CENTRE[1])), numbers(-180, 180)),
            }
        )
    )
    fields |= draw(
        query(
            world,
            address_string=odd_text,
            address_id=odd_text,
            email=st.one_of(st.emails().map(str), odd_text),
            phone=st.one_of(st.just("+27 82 555 0199"), odd_text),
            first_name=odd_text,
            last_name=odd_text,
            device_id=odd_text,
            account_id=odd_text,
            description=st.one_of(odd_text, st.text(min_size=900, max_size=1200)),
            media_url=st.one_of(st.just("https://example.org/p.jpg"), odd_text),
        )
    )
    for name, value in draw(st.dictionaries(attribute_names, answers, max_size=4)).items():
        fields[f"attribute[{name}]"] = value
    if draw(st.booleans()):
        fields["attribute[hazards][]"] = draw(st.lists(answers, max_size=3))
    uploads = draw(media)
    if uploads:
        fields["media"] = [(io.BytesIO(data), name) for data, name in uploads]
    return fields


def post_updates(world: World) -> st.SearchStrategy[dict]:
    return query(
        world,
        api_key=mostly(st.just(world.provider_key), api_keys(world)),
        service_request_id=mostly(st.sampled_from(world.provider_ids)),
        update_id=st.one_of(st.integers(1, 50).map(lambda n: f"u-{n}"), odd_text),
        status=st.one_of(st.sampled_from(shapes.EXTENDED_STATUSES), odd_text),
        updated_datetime=w3c_dates,
        description=odd_text,
        external_status_code=odd_text,
        media_url=odd_text,
    )


# The calls: method, path and parameters of each, and the document it answers.

segment = st.text(
    alphabet=st.characters(blacklist_characters="/.", blacklist_categories=("Cs",)),
    min_size=1,
    max_size=20,
)
formats = mostly(st.sampled_from(["json", "xml"]), st.sampled_from(["JSON", "", "json "]) | segment)


@dataclass(frozen=True)
class Call:
    name: str
    method: str
    path: Callable[[World], st.SearchStrategy[str]]  # without the format suffix
    params: Callable[[World], st.SearchStrategy[dict]]
    examples: int


def fixed(path: str) -> Callable[[World], st.SearchStrategy[str]]:
    return lambda world: st.just(path)


def under(prefix: str, values: Callable[[World], list[str]]) -> Callable:
    return lambda world: mostly(st.sampled_from(values(world)), segment).map(
        lambda v: prefix + quote(v, safe="")
    )


def no_params(world: World) -> st.SearchStrategy[dict]:
    return query(world)


CALLS = [
    Call("GET discovery", "GET", fixed("discovery"), no_params, 60),
    Call("GET services", "GET", fixed("services"), no_params, 100),
    Call("GET service definition", "GET", under("services/", lambda w: w.codes), no_params, 150),
    Call("GET requests", "GET", fixed("requests"), get_requests, 600),
    Call("GET a request", "GET", under("requests/", lambda w: w.issue_ids), no_params, 150),
    Call("GET a token", "GET", under("tokens/", lambda w: w.tokens), no_params, 100),
    Call("GET servicerequestupdates", "GET", fixed("servicerequestupdates"), get_updates, 300),
    Call("POST requests", "POST", fixed("requests"), post_requests, 500),
    Call("POST servicerequestupdates", "POST", fixed("servicerequestupdates"), post_updates, 200),
]
# What each path answers to each method it serves; other methods are a 405.
DOCUMENTS = {
    "discovery": {"GET": shapes.DISCOVERY},
    "services": {"GET": shapes.SERVICES},
    "services/": {"GET": shapes.SERVICE_DEFINITION},
    "requests": {"GET": shapes.SERVICE_REQUESTS, "POST": shapes.CREATED_REQUESTS},
    "requests/": {"GET": shapes.SERVICE_REQUESTS},
    "tokens/": {"GET": shapes.TOKEN_ANSWERS},
    "servicerequestupdates": {
        "GET": shapes.SERVICE_REQUEST_UPDATES,
        "POST": shapes.RECEIVED_UPDATES,
    },
}
OTHER_METHODS = ["PUT", "PATCH", "DELETE", "OPTIONS"]
BODY_TYPES = [
    "multipart/form-data",
    "multipart/form-data; boundary=x",
    "application/x-www-form-urlencoded",
    "application/json",
]


def documents_of(path: str) -> dict[str, shapes.Document]:
    """`path` relative to BASE, without its format suffix."""
    if "/" in path:
        return DOCUMENTS[path.split("/")[0] + "/"]
    return DOCUMENTS[path]


@st.composite
def requests_to(draw, call: Call, world: World) -> tuple[str, str, str, dict | bytes, dict]:
    fmt = draw(formats)
    path = draw(call.path(world))
    method = draw(mostly(st.just(call.method), st.sampled_from([*OTHER_METHODS, "GET", "POST"])))
    params = draw(call.params(world))
    headers = {}
    if method == "POST" and draw(st.integers(0, 9)) == 9:
        # A body the client mangled, under a content type that promises a form.
        headers["Content-Type"] = draw(st.sampled_from(BODY_TYPES))
        params = draw(st.binary(max_size=200))
    if method == "POST" and draw(st.booleans()):
        printable = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=8)
        headers["Idempotency-Key"] = draw(mostly(st.sampled_from(["k-1", "k-2"]), printable))
    return fmt, method, path, params, headers


def send(client: Client, method: str, path: str, params: dict | bytes, headers: dict):
    if method == "GET" and isinstance(params, dict):
        return client.open(path, method=method, query_string=params, headers=headers)
    return client.open(path, method=method, data=params, headers=headers)


def answer_problems(document: shapes.Document | None, fmt: str, response) -> list[str]:
    """What is wrong with an answer asked in `fmt`, of `document` if it succeeds (None: a
    method the path does not serve: a 405, or a 404 for a path or format unknown)."""
    answered_in = fmt if fmt in FORMATS else "xml"
    status = response.status_code
    found = []
    if status not in STATUSES or (document is None and status not in (404, 405)):
        found.append(f"status {status}")
    if response.headers.get("Content-Type") != FORMATS[answered_in]:
        found.append(f"Content-Type {response.headers.get('Content-Type')} for .{fmt}")
        return found
    body = response.get_data()
    if status == 200:
        return found + shapes.problems(document, answered_in, body)
    found += shapes.problems(shapes.ERRORS, answered_in, body)
    if not found:
        errors = shapes.items(answered_in, body)
        if not errors:
            found.append("an empty error list")
        codes = [e["code"] if answered_in == "json" else int(e.findtext("code")) for e in errors]
        if any(code != status for code in codes):
            found.append(f"error codes {codes} for status {status}")
    if status == 405 and not response.headers.get("Allow"):
        found.append("a 405 without Allow")
    return found


def _search(client: Client, call: Call, world: World, record: FuzzRecord) -> Callable:
    @fuzz_settings(call.examples)
    @given(requests_to(call, world))
    def search(drawn) -> None:
        fmt, method, path, params, headers = drawn
        url = f"{BASE}{path}.{quote(fmt, safe='')}"
        response = send(client, method, url, params, headers)
        record.answered(call.name, response.status_code)
        document = documents_of(path).get(method)
        found = answer_problems(document, fmt, response)
        assert not found, (method, url, params, found, response.get_data()[:500])

    return search


@pytest.mark.slow
def test_every_call_answers_in_the_spec_s_shapes_and_never_a_500(world):
    record = FuzzRecord()
    with wsgi_app_on_test_database() as app, record.catching_view_exceptions():
        client = Client(app)
        for call in CALLS:
            record.run(call.name, _search(client, call, world, record))

    print(record.summary())
    assert not record.failures and not record.exceptions, record.report()
    assert record.total >= MINIMUM_CASES, record.cases
    # The world was reached, not only refused: each call answered a 200 at least once.
    assert all(record.statuses[call.name][200] for call in CALLS), record.summary()


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_the_shapes_catch_a_broken_answer(fmt):
    """The checker can fail: an element the spec does not name, one missing, a bad value."""

    def body(document: dict) -> bytes:
        if fmt == "json":
            return json.dumps(document).encode()
        return to_xml("service_definition", document)

    attribute = {
        "variable": True,
        "code": "c",
        "datatype": "string",
        "required": False,
        "datatype_description": "",
        "order": 1,
        "description": "",
        "values": [{"key": "k", "name": "K"}],
    }
    good = {"service_code": "x", "attributes": [attribute]}
    assert shapes.problems(shapes.SERVICE_DEFINITION, fmt, body(good)) == []
    for broken in (
        good | {"email": "a@example.org"},
        {"attributes": [attribute]},
        {"service_code": "x", "attributes": [attribute | {"datatype": "colour"}]},
        {"service_code": "x", "attributes": [attribute | {"order": "first"}]},
        {"service_code": "x", "attributes": [attribute | {"values": [{"key": ""}]}]},
    ):
        assert shapes.problems(shapes.SERVICE_DEFINITION, fmt, body(broken)), broken


def test_control_characters_in_stored_text_keep_the_xml_readable(world, api_key):
    """A description with control characters made GET requests.xml unreadable for every
    client (found by fuzzing, in a provider's update_id); a NUL was a 500 on PostgreSQL."""
    with wsgi_app_on_test_database() as app:
        client = Client(app)
        fields = {
            "api_key": api_key,
            "service_code": "pothole",
            "lat": str(CARLTON_CENTRE[0]),
            "long": str(CARLTON_CENTRE[1]),
            "description": "Deep\x0b hole\x1b[31m by the \x00kerb",
        }
        refused = client.post(f"{BASE}requests.json", data=fields)
        assert refused.status_code == 400, refused.get_data()
        assert "NUL" in json.loads(refused.get_data())[0]["description"]
        fields["description"] = fields["description"].replace("\x00", "")
        created = client.post(f"{BASE}requests.json", data=fields)
        assert created.status_code == 200, created.get_data()
        issue_id = json.loads(created.get_data())[0]["service_request_id"]
        answer = client.get(f"{BASE}requests/{issue_id}.xml")
    assert answer.status_code == 200
    assert shapes.problems(shapes.SERVICE_REQUESTS, "xml", answer.get_data()) == []
    [request] = shapes.items("xml", answer.get_data())
    assert request.findtext("description") == "Deep\ufffd hole\ufffd[31m by the kerb"


@pytest.mark.parametrize(
    ("path", "params", "status"),
    [
        ("requests.json", {"updated_after": "0001-01-01"}, 400),
        ("requests.xml", {"start_date": "9999-12-31"}, 400),
        ("servicerequestupdates.json", {"end_date": "0001-01-02T03:00:00+00:00"}, 400),
        ("services/a%0Ab.json", {}, 404),
        ("requests.json", {"service_code": "pothole\x00"}, 400),
    ],
)
def test_what_the_fuzzer_found_is_an_error_list(world, path, params, status):
    """Each was a 500 or an HTML page: a date near year 1 or 9999 overflowed the window
    or the conversion to UTC, a newline in the path escaped the catch-all route, a NUL
    reached PostgreSQL."""
    with wsgi_app_on_test_database() as app:
        response = Client(app).get(BASE + path, query_string=params)
    fmt = path.rsplit(".", 1)[1]
    assert response.status_code == status
    assert answer_problems(None if status == 404 else shapes.ERRORS, fmt, response) == []


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_body_django_cannot_read_is_an_error_list(world, fmt):
    """Django answers a broken multipart body with an HTML page: Open311 clients get theirs."""
    with wsgi_app_on_test_database() as app:
        headers = {"Content-Type": "multipart/form-data"}
        response = Client(app).post(f"{BASE}requests.{fmt}", data=b"garbage", headers=headers)
    assert response.status_code == 400
    assert answer_problems(shapes.ERRORS, fmt, response) == []
