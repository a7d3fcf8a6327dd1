"""Shared fixtures: a small jurisdiction with real Johannesburg wards, units, service
levels on both calendar kinds, staff roles and citizens."""

import uuid
from datetime import time, timedelta
from pathlib import Path

import pytest

from civicdesk.accounts.models import User
from civicdesk.catalogue.models import Datatype, IssueType, Question
from civicdesk.issues import reference
from civicdesk.issues.models import Issue
from civicdesk.issues.services import Contact, report_issue
from civicdesk.open311.services import forget_keys
from civicdesk.places.models import Area, Jurisdiction
from civicdesk.places.services import import_areas, read_feature_collection
from civicdesk.units.models import (
    BusinessUnit,
    Calendar,
    Dispatcher,
    Membership,
    Programme,
    ServiceLevel,
    WorkingHours,
)

pytest_plugins = ["civicdesk.testing.browser"]

WARDS_FILE = Path(__file__).parent / "civicdesk" / "demo" / "data" / "jhb_wards_2020.geojson"
# Points inside real City of Johannesburg wards (2020 demarcation).
CARLTON_CENTRE = (-26.2056, 28.0470)  # ward 124 (79800124)


def report_outage(jurisdiction: Jurisdiction, reporter=None, **overrides) -> Issue:
    """A power-outage report at the Carlton Centre, through the real service."""
    fields = {
        "jurisdiction": jurisdiction,
        "issue_type_code": "power-outage",
        "lat": CARLTON_CENTRE[0],
        "lon": CARLTON_CENTRE[1],
        "answers": {"extent": "street"},
        "reporter": reporter,
    }
    return report_issue(**(fields | overrides))


@pytest.fixture(autouse=True)
def fast_passwords(settings) -> None:
    """Tests create users by the hundred: Argon2 as in production, at a test's cost
    (production's parameters are tested in civicdesk/tests/test_production_settings.py)."""
    settings.PASSWORD_HASHERS = ["civicdesk.testing.hashers.CheapArgon2PasswordHasher"]


@pytest.fixture(autouse=True)
def generous_rate_limits(settings) -> None:
    """Tests report and sign in far more often than a citizen: each test has its own rate
    counters (a fresh key prefix in the shared cache) and limits no ordinary test reaches.
    Tests of the limits themselves set tight ones."""
    settings.RATE_LIMITS = {name: "10000/h" for name in settings.RATE_LIMITS}
    settings.RATELIMIT_CACHE_PREFIX = f"rl:{uuid.uuid4().hex}:"


@pytest.fixture(autouse=True)
def fresh_reference_data() -> None:
    """Each test's rolled-back data must not survive in the per-process caches."""
    reference.forget()
    forget_keys()


@pytest.fixture
def jurisdiction(db) -> Jurisdiction:
    return Jurisdiction.objects.create(slug="jhb", name="City of Johannesburg")


@pytest.fixture
def wards(jurisdiction) -> list[Area]:
    import_areas(
        jurisdiction,
        read_feature_collection(WARDS_FILE),
        name_property="ward_no",
        code_property="ward_code",
        name_format="Ward {}",
    )
    return list(Area.objects.filter(jurisdiction=jurisdiction))


@pytest.fixture
def always_calendar(db) -> Calendar:
    return Calendar.objects.create(name="24/7", kind=Calendar.Kind.ALWAYS)


@pytest.fixture
def office_calendar(db) -> Calendar:
    calendar = Calendar.objects.create(
        name="Office hours", kind=Calendar.Kind.WORKING_HOURS, holiday_country="ZA"
    )
    WorkingHours.objects.bulk_create(
        WorkingHours(calendar=calendar, weekday=day, opens=time(8), closes=time(16, 30))
        for day in range(5)
    )
    return calendar


@pytest.fixture
def power_outage(jurisdiction) -> IssueType:
    issue_type = IssueType.objects.create(
        jurisdiction=jurisdiction, code="power-outage", name="Power outage", group="Electricity"
    )
    Question.objects.create(
        issue_type=issue_type,
        code="extent",
        description="How many homes are affected?",
        datatype=Datatype.SINGLEVALUELIST,
        required=True,
        order=1,
        values=[{"key": "one", "name": "Only mine"}, {"key": "street", "name": "The street"}],
    )
    return issue_type


@pytest.fixture
def pothole(jurisdiction) -> IssueType:
    return IssueType.objects.create(
        jurisdiction=jurisdiction, code="pothole", name="Pothole", group="Roads"
    )


@pytest.fixture
def electricity(jurisdiction, power_outage, always_calendar) -> BusinessUnit:
    unit = BusinessUnit.objects.create(
        jurisdiction=jurisdiction, name="Electricity", slug="electricity"
    )
    unit.issue_types.add(power_outage)
    ServiceLevel.objects.create(
        unit=unit,
        issue_type=power_outage,
        response_target=timedelta(hours=4),
        resolution_target=timedelta(hours=24),
        calendar=always_calendar,
    )
    return unit


@pytest.fixture
def roads(jurisdiction, pothole, office_calendar) -> BusinessUnit:
    unit = BusinessUnit.objects.create(jurisdiction=jurisdiction, name="Roads", slug="roads")
    unit.issue_types.add(pothole)
    ServiceLevel.objects.create(
        unit=unit,
        issue_type=pothole,
        response_target=timedelta(hours=8),
        resolution_target=timedelta(hours=40),
        calendar=office_calendar,
    )
    return unit


@pytest.fixture
def programme(electricity) -> Programme:
    return Programme.objects.create(unit=electricity, name="Outage response")


@pytest.fixture
def staff(programme) -> User:
    user = User.objects.create_user("thandi", password="x", is_staff=True)
    Membership.objects.create(programme=programme, user=user)
    return user


@pytest.fixture
def dispatcher(jurisdiction) -> User:
    user = User.objects.create_user("dispatch", password="x", is_staff=True)
    Dispatcher.objects.create(user=user, jurisdiction=jurisdiction)
    return user


@pytest.fixture
def reporter() -> Contact:
    return Contact(name="Lerato Mokoena", email="lerato@example.org")


@pytest.fixture
def neighbour() -> Contact:
    return Contact(name="Sipho Dlamini", phone="+27 82 555 0101")
