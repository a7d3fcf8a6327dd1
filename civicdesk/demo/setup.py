"""The demo metro's reference data: jurisdiction, wards, calendars, units, programmes,
issue types, service levels and accounts, from the tables in `catalogue`."""

import math
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.contrib.auth.hashers import make_password
from shapely.geometry import shape

from civicdesk.accounts.models import User
from civicdesk.catalogue.models import IssueType, Question
from civicdesk.demo import catalogue as cat
from civicdesk.places.models import Area, Jurisdiction
from civicdesk.places.services import import_areas, read_feature_collection
from civicdesk.sla.clock import WorkingCalendar
from civicdesk.units.models import (
    BusinessUnit,
    Calendar,
    Dispatcher,
    Membership,
    Programme,
    ServiceLevel,
    WorkingHours,
)

DATA_DIR = Path(__file__).parent / "data"


@dataclass
class World:
    """The reference rows the history is built on, looked up by code."""

    jurisdiction: Jurisdiction
    wards: list[Area]
    units: dict[str, BusinessUnit]  # by slug
    programmes: dict[tuple[str, str], Programme]  # by (unit slug, programme name)
    issue_types: dict[str, IssueType]  # by code
    clocks: dict[str, WorkingCalendar]  # by issue type code (its service level's calendar)
    staff: dict[str, tuple[User, User]]  # unit slug -> (manager, staff member)
    dispatcher: User
    admin: User


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Equirectangular distance between two (lat, lon) points; plenty within a city."""
    lat = math.radians((a[0] + b[0]) / 2)
    dy = (a[0] - b[0]) * 111.32
    dx = (a[1] - b[1]) * 111.32 * math.cos(lat)
    return math.hypot(dx, dy)


def ward_centre(area: Area) -> tuple[float, float]:
    point = shape(area.geometry).representative_point()
    return point.y, point.x


def create_jurisdiction() -> tuple[Jurisdiction, list[Area]]:
    jurisdiction = Jurisdiction.objects.create(
        slug=cat.JURISDICTION_SLUG, name=cat.JURISDICTION_NAME, time_zone=cat.TIME_ZONE
    )
    import_areas(
        jurisdiction,
        read_feature_collection(DATA_DIR / cat.WARDS_FILE),
        name_property="ward_no",
        name_format="Ward {}",
        code_property="ward_code",
    )
    wards = sorted(Area.objects.filter(jurisdiction=jurisdiction), key=lambda a: int(a.code))
    return jurisdiction, wards


def create_calendars() -> dict[str, Calendar]:
    """The two calendars; they are shared rows (names are unique), reused if present."""
    always, _ = Calendar.objects.get_or_create(
        name=cat.CALENDAR_NAMES[cat.ALWAYS],
        defaults={"kind": Calendar.Kind.ALWAYS, "time_zone": cat.TIME_ZONE, "holiday_country": ""},
    )
    office, created = Calendar.objects.get_or_create(
        name=cat.CALENDAR_NAMES[cat.OFFICE],
        defaults={
            "kind": Calendar.Kind.WORKING_HOURS,
            "time_zone": cat.TIME_ZONE,
            "holiday_country": cat.HOLIDAY_COUNTRY,
            "holiday_subdivision": cat.HOLIDAY_SUBDIVISION,
        },
    )
    if created:
        opens, closes = cat.OFFICE_HOURS
        WorkingHours.objects.bulk_create(
            WorkingHours(calendar=office, weekday=day, opens=opens, closes=closes)
            for day in cat.OFFICE_DAYS
        )
    return {cat.ALWAYS: always, cat.OFFICE: office}


def create_issue_types(jurisdiction: Jurisdiction) -> dict[str, IssueType]:
    types = IssueType.objects.bulk_create(
        IssueType(
            jurisdiction=jurisdiction,
            code=spec.code,
            name=spec.name,
            group=next(u.name for u in cat.UNITS if u.slug == spec.unit),
            description=spec.description,
            keywords=spec.keywords,
        )
        for spec in cat.ISSUE_TYPES
    )
    by_code = {t.code: t for t in types}
    questions = []
    for spec in cat.ISSUE_TYPES:
        for order, q in enumerate(spec.questions, start=1):
            question = Question(
                issue_type=by_code[spec.code],
                code=q.code,
                description=q.description,
                datatype=q.datatype,
                datatype_description=q.datatype_description,
                required=q.required,
                variable=q.variable,
                order=order,
                values=[{"key": k, "name": n} for k, n in q.values],
            )
            question.clean()
            questions.append(question)
    Question.objects.bulk_create(questions)
    return by_code


def create_units(
    jurisdiction: Jurisdiction,
    wards: list[Area],
    issue_types: dict[str, IssueType],
    calendars: dict[str, Calendar],
) -> tuple[dict[str, BusinessUnit], dict[tuple[str, str], Programme]]:
    units: dict[str, BusinessUnit] = {}
    programmes: dict[tuple[str, str], Programme] = {}
    levels = []
    for spec in cat.UNITS:
        unit = BusinessUnit.objects.create(
            jurisdiction=jurisdiction,
            name=spec.name,
            slug=spec.slug,
            email=spec.email,
            is_external=spec.is_external,
        )
        units[spec.slug] = unit
        if spec.wards_within_km is not None:
            unit.areas.set(
                [w for w in wards if distance_km(ward_centre(w), cat.CBD) <= spec.wards_within_km]
            )
        for name, description in spec.programmes:
            programmes[spec.slug, name] = Programme.objects.create(
                unit=unit, name=name, description=description
            )
        type_specs = [t for t in cat.ISSUE_TYPES if t.unit == spec.slug]
        unit.issue_types.set([issue_types[t.code] for t in type_specs])
        levels += [
            ServiceLevel(
                unit=unit,
                issue_type=issue_types[t.code],
                response_target=t.response,
                resolution_target=t.resolution,
                calendar=calendars[t.calendar],
            )
            for t in type_specs
        ]
    ServiceLevel.objects.bulk_create(levels)
    return units, programmes


def create_accounts(
    jurisdiction: Jurisdiction,
    units: dict[str, BusinessUnit],
    programmes: dict[tuple[str, str], Programme],
    joined: datetime,
) -> tuple[User, User, dict[str, tuple[User, User]]]:
    """The demo's accounts. Each distinct password is hashed once (hashing is slow by
    design, and these passwords are public anyway)."""
    hashes: dict[str, str] = {}

    def user(account: cat.Account, **flags: bool) -> User:
        if account.password not in hashes:
            hashes[account.password] = make_password(account.password)
        return User.objects.create(
            username=account.username,
            password=hashes[account.password],
            first_name=account.first_name,
            last_name=account.last_name,
            email=f"{account.username}@joburg.example.org",
            date_joined=joined,
            **flags,
        )

    admin = user(cat.ADMIN, is_staff=True, is_superuser=True)
    dispatcher = user(cat.DISPATCHER, is_staff=True)
    Dispatcher.objects.create(user=dispatcher, jurisdiction=jurisdiction)
    staff: dict[str, tuple[User, User]] = {}
    memberships = []
    for spec, manager_account, member_account in cat.unit_accounts():
        manager = user(manager_account, is_staff=True)
        member = user(member_account, is_staff=True)
        staff[spec.slug] = (manager, member)
        for name, _ in spec.programmes:
            programme = programmes[spec.slug, name]
            memberships += [
                Membership(programme=programme, user=manager, role=Membership.Role.MANAGER),
                Membership(programme=programme, user=member, role=Membership.Role.MEMBER),
            ]
    Membership.objects.bulk_create(memberships)
    return admin, dispatcher, staff


def create_world(joined: datetime) -> World:
    jurisdiction, wards = create_jurisdiction()
    calendars = create_calendars()
    issue_types = create_issue_types(jurisdiction)
    units, programmes = create_units(jurisdiction, wards, issue_types, calendars)
    admin, dispatcher, staff = create_accounts(jurisdiction, units, programmes, joined)
    calendar_clocks = {
        kind: Calendar.objects.prefetch_related("hours", "closed_days").get(pk=c.pk).to_clock()
        for kind, c in calendars.items()
    }
    return World(
        jurisdiction=jurisdiction,
        wards=wards,
        units=units,
        programmes=programmes,
        issue_types=issue_types,
        clocks={t.code: calendar_clocks[t.calendar] for t in cat.ISSUE_TYPES},
        staff=staff,
        dispatcher=dispatcher,
        admin=admin,
    )
