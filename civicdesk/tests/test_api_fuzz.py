"""Schemathesis against /api/v1/openapi.json: every operation, with data the schema allows
and data it forbids, as anonymous, two citizens, the staff of two units and a dispatcher,
over a small city of issues and activities. No answer may be a 500 or break the schema:
status codes, content types and bodies are what the OpenAPI document says.

Requests go through Django's real WSGI handler on the test database. Most generated ids are
replaced by ids of the world (in data the schema allows), so that reporting, pushing,
handling and linking really happen, not only 404s."""

from typing import Any

import pytest
import schemathesis
from hypothesis import given
from hypothesis import strategies as st
from schemathesis import GenerationMode

from civicdesk.accounts.models import User
from civicdesk.accounts.services import issue_api_token
from civicdesk.activities.services import create_activity, update_activity
from civicdesk.issues.services import Contact, citizen_for, push
from civicdesk.testing.fuzzing import FuzzRecord, fuzz_settings, wsgi_app_on_test_database
from civicdesk.units.models import Membership, Programme
from conftest import CARLTON_CENTRE, report_outage

MINIMUM_CASES = 2000
# Per operation and generation mode; Hypothesis stops earlier for an operation whose inputs
# it has exhausted, which is why the test counts what it ran.
EXAMPLES_PER_SEARCH = 50

CONFIG = schemathesis.Config.from_dict(
    {
        "checks": {
            # Data the schema allows may still be refused by the services (an unknown
            # service code, a closed issue): a 400 with its reasons. A 422 would mean the
            # schema allows what the API calls malformed.
            "positive_data_acceptance": {
                "expected-statuses": ["2xx", "400", "401", "403", "404", "409", "429"]
            },
        }
    }
)


class World:
    """Ids and tokens the fuzzer draws from."""

    def __init__(self) -> None:
        self.tokens: dict[str, str | None] = {}
        self.issue_ids: list[int] = []
        self.activity_ids: list[int] = []
        self.unit_ids: list[int] = []
        self.programme_ids: list[int] = []


@pytest.fixture
def world(wards, electricity, roads, programme, staff, dispatcher, settings) -> World:
    # Limits the fuzzer reaches, so that its 429s are checked against the schema too.
    settings.RATE_LIMITS |= {"report_per_account": "12/h", "push_per_account": "15/h"}
    amahle = User.objects.create_user("amahle", email="amahle@example.org", password="x")
    bongani = User.objects.create_user("bongani", email="bongani@example.org", password="x")
    road_crew = User.objects.create_user("roads-crew", password="x", is_staff=True)
    potholes = Programme.objects.create(unit=roads, name="Potholes")
    Membership.objects.create(programme=potholes, user=road_crew)
    jurisdiction = electricity.jurisdiction

    outages = [report_outage(jurisdiction, Contact(user=amahle)) for _ in range(3)]
    outages.append(report_outage(jurisdiction, Contact(email="someone@example.org")))
    pothole = report_outage(
        jurisdiction, Contact(user=bongani), issue_type_code="pothole", answers={}
    )
    push(outages[0], citizen_for(Contact(user=bongani)))
    resolved = create_activity(programme, staff, title="Replace the cable", issues=[outages[1]])
    update_activity(resolved, staff, status="completed", public_summary="Cable replaced")
    planned = create_activity(programme, staff, title="Inspect the substation")
    patching = create_activity(potholes, road_crew, title="Patch the road", issues=[pothole])

    world = World()
    world.tokens = {
        "citizen": issue_api_token(amahle),
        "unit staff": issue_api_token(staff),
        "dispatcher": issue_api_token(dispatcher),
        "other citizen": issue_api_token(bongani),
        "other unit staff": issue_api_token(road_crew),
        "anonymous": None,
    }
    world.issue_ids = [i.pk for i in [*outages, pothole]]
    world.activity_ids = [resolved.pk, planned.pk, patching.pk]
    world.unit_ids = [electricity.pk, roads.pk]
    world.programme_ids = [programme.pk, potholes.pk]
    return world


def _known_values(world: World) -> dict[str, st.SearchStrategy]:
    """Body fields whose generated values would nearly always name nothing."""
    issue_id = st.sampled_from(world.issue_ids)
    return {
        "into": issue_id,
        "unit": st.sampled_from(world.unit_ids),
        "programme": st.sampled_from(world.programme_ids),
        "issue_ids": st.lists(issue_id, min_size=1, max_size=3),
        "service_code": st.sampled_from(["power-outage", "pothole"]),
        "jurisdiction": st.sampled_from([None, "jhb"]),
        "lat": st.just(CARLTON_CENTRE[0]),
        "lon": st.just(CARLTON_CENTRE[1]),
        "answers": st.sampled_from([{"extent": "street"}, {"extent": "one"}, {}]),
        "asset": st.just(""),
        "channel": st.sampled_from(["email", "sms", "none", "default"]),
        "status": st.sampled_from(["planned", "in_progress", "completed", "cancelled"]),
        "rating": st.integers(1, 5),
    }


STAFF_ROLES = ["unit staff", "dispatcher", "other unit staff"]
# A report without a place is refused: where the schema allows a report, give it one.
REPORT_FIELDS = {"lat", "lon", "answers", "asset"}


@st.composite
def requests_of(draw, operation, mode: GenerationMode, world: World) -> tuple[Any, str]:
    """A generated case, sent by a drawn role; with schema-valid data, mostly about the
    world's own issues and activities."""
    case = draw(operation.as_strategy(generation_mode=mode))
    # Hypothesis draws the first role most: the one the operation is for.
    roles = list(world.tokens)
    if set(operation.tags or ()) & {"staff", "reports"}:
        roles = [*STAFF_ROLES, *(r for r in roles if r not in STAFF_ROLES)]
    role = draw(st.sampled_from(roles))
    # Hypothesis favours small draws: 4 (no substitution) is the rare case.
    if mode == GenerationMode.POSITIVE and draw(st.integers(0, 4)) < 4:
        ids = {"issue_id": world.issue_ids, "activity_id": world.activity_ids}
        for name in case.path_parameters or {}:
            if name in ids:
                case.path_parameters[name] = draw(st.sampled_from(ids[name]))
        if isinstance(case.body, dict):
            known = _known_values(world)
            names = set(case.body)
            if "service_code" in names:
                names |= REPORT_FIELDS
            for name in sorted(names & set(known)):
                case.body[name] = draw(known[name])
    return case, role


def _search(app, operation, mode: GenerationMode, world: World, record: FuzzRecord):
    target = f"{operation.label} ({mode.value})"

    @fuzz_settings(EXAMPLES_PER_SEARCH)
    @given(requests_of(operation, mode, world))
    def search(drawn) -> None:
        case, role = drawn
        headers = {}
        if token := world.tokens[role]:
            headers["Authorization"] = f"Bearer {token}"
        response = case.call(app=app, headers=headers)
        record.answered(target, response.status_code)
        case.validate_response(response, headers=headers, transport_kwargs={"app": app})

    return target, search


@pytest.mark.slow
def test_no_operation_answers_a_500_or_against_its_schema(world):
    record = FuzzRecord()
    with wsgi_app_on_test_database() as app, record.catching_view_exceptions():
        schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app, config=CONFIG)
        operations = [result.ok() for result in schema.get_all_operations()]
        for operation in operations:
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                record.run(*_search(app, operation, mode, world, record))

    print(record.summary())
    assert len(operations) >= 20, [op.label for op in operations]
    assert not record.failures and not record.exceptions, record.report()
    assert record.total >= MINIMUM_CASES, record.cases
    # Roles and ids reached the world, not only 401s and 404s.
    succeeded = {
        target.rsplit(" (", 1)[0]
        for target, statuses in record.statuses.items()
        if any(200 <= status < 300 for status in statuses)
    }
    assert len(succeeded) >= 0.75 * len(operations), record.summary()
    assert {"POST /api/v1/issues", "POST /api/v1/issues/{issue_id}/push"} <= succeeded
