"""The demo metro's reference data as tables: business units and their programmes, issue
types with their service levels, calendars, and the demo accounts (questions are in
`questions`, what residents write in `texts`).

Everything here is data; `setup.py` turns it into rows. Names of issue types follow what
Johannesburg residents report to the City, Joburg Water, City Power, Pikitup and the JRA."""

from dataclasses import dataclass
from datetime import time, timedelta

from civicdesk.demo.questions import QUESTIONS, QuestionSpec

JURISDICTION_SLUG = "jhb"
JURISDICTION_NAME = "City of Johannesburg"
TIME_ZONE = "Africa/Johannesburg"
WARDS_FILE = "jhb_wards_2020.geojson"

# Calendars. South Africa has no subdivisions in the holidays package: national holidays only.
ALWAYS = "always"
OFFICE = "office"
CALENDAR_NAMES = {ALWAYS: "Johannesburg 24/7", OFFICE: "Johannesburg office hours"}
OFFICE_HOURS = (time(7, 30), time(16, 0))  # Monday to Friday
OFFICE_DAYS = range(5)
HOLIDAY_COUNTRY = "ZA"
HOLIDAY_SUBDIVISION = ""
WORKING_DAY = timedelta(hours=8, minutes=30)  # one office day of working time


def hours(n: float) -> timedelta:
    return timedelta(hours=n)


def working_days(n: float) -> timedelta:
    return WORKING_DAY * n


@dataclass(frozen=True)
class UnitSpec:
    slug: str
    name: str
    email: str
    account: str  # prefix of the unit's demo accounts: "<account>.manager", "<account>.staff"
    programmes: tuple[tuple[str, str], ...]  # (name, description)
    is_external: bool = False
    # The unit covers the wards within this distance of the CBD; None: the whole city.
    wards_within_km: float | None = None


UNITS: tuple[UnitSpec, ...] = (
    UnitSpec(
        "water",
        "Water & Sanitation",
        "water@joburg.example.org",
        "water",
        (
            ("Burst pipes and leaks", "Repairs to mains, service pipes and meters."),
            ("Water supply", "Outages, low pressure and water tankers."),
            ("Sewer maintenance", "Blocked and overflowing sewers."),
        ),
    ),
    UnitSpec(
        "roads",
        "Roads & Stormwater",
        "roads@joburg.example.org",
        "roads",
        (
            ("Pothole repair", "Patching potholes and sinkholes on municipal roads."),
            ("Stormwater maintenance", "Clearing drains, kerb inlets and culverts."),
            ("Road furniture", "Road signs and manhole covers."),
        ),
    ),
    UnitSpec(
        "electricity",
        "Electricity",
        "electricity@joburg.example.org",
        "electricity",
        (
            ("Outage response", "Restoring supply after faults and outages."),
            ("Street lighting", "Street lights and high-mast lights."),
            ("Revenue protection", "Illegal connections, tampering and cable theft."),
        ),
    ),
    UnitSpec(
        "waste",
        "Waste Management",
        "waste@joburg.example.org",
        "waste",
        (
            ("Refuse collection", "Kerbside collection and public bins."),
            ("Illegal dumping clean-up", "Clearing dumped waste and carcasses."),
        ),
    ),
    UnitSpec(
        "parks",
        "Parks & Trees",
        "parks@joburg.example.org",
        "parks",
        (
            ("Grass cutting", "Parks, verges and open spaces."),
            ("Tree care", "Fallen and dangerous trees."),
        ),
    ),
    UnitSpec(
        "traffic-signals",
        "Traffic Signals (contractor)",
        "signals@contractor.example.org",
        "signals",
        (
            ("Signal repairs", "Faults at signalised intersections."),
            ("Signal maintenance", "Poles, heads and controller cabinets."),
        ),
        is_external=True,
        wards_within_km=14.0,  # the contract covers the central wards only
    ),
)

# Where the central contract area is measured from: the Johannesburg CBD (Carlton Centre).
CBD = (-26.2056, 28.0470)


@dataclass(frozen=True)
class IssueTypeSpec:
    code: str
    name: str
    unit: str  # slug of the unit that responds to it
    programme: str
    calendar: str  # ALWAYS for emergencies, OFFICE for the rest
    response: timedelta
    resolution: timedelta
    weight: float  # how often residents report it, relative to the others
    incident_prone: bool = False  # one fault, many reports (outages, bursts)
    keywords: str = ""
    description: str = ""

    @property
    def questions(self) -> tuple[QuestionSpec, ...]:
        return QUESTIONS.get(self.code, ())


# Targets on the office calendar are working time: working_days(10) is two working weeks.
# fmt: off
ISSUE_TYPES: tuple[IssueTypeSpec, ...] = (
    # Water & Sanitation
    IssueTypeSpec(
        "water-outage", "No water (water outage)", "water", "Water supply",
        ALWAYS, hours(4), hours(24), weight=8, incident_prone=True,
        keywords="no water, water outage, dry taps, water cut",
        description="No water from the taps at a property or in an area.",
    ),
    IssueTypeSpec(
        "burst-pipe", "Burst water pipe", "water", "Burst pipes and leaks",
        ALWAYS, hours(2), hours(24), weight=7, incident_prone=True,
        keywords="burst pipe, water leak, water running in street, flooding",
        description="A burst main or service pipe: water running in the street or on a pavement.",
    ),
    IssueTypeSpec(
        "leaking-meter", "Leaking water meter", "water", "Burst pipes and leaks",
        OFFICE, hours(8), working_days(5), weight=4,
        keywords="meter leak, leaking meter, water meter",
        description="Water leaking at the municipal meter or its connection.",
    ),
    IssueTypeSpec(
        "low-water-pressure", "Low water pressure", "water", "Water supply",
        OFFICE, hours(8), working_days(3), weight=3,
        keywords="low pressure, weak water, water pressure",
        description="Water comes out of the taps but very weakly.",
    ),
    IssueTypeSpec(
        "sewer-blockage", "Sewer blockage or overflow", "water", "Sewer maintenance",
        ALWAYS, hours(4), hours(48), weight=5, incident_prone=True,
        keywords="sewer, sewage, blocked drain, overflowing manhole, smell",
        description="A blocked sewer or sewage overflowing from a manhole.",
    ),
    # Roads & Stormwater
    IssueTypeSpec(
        "pothole", "Pothole", "roads", "Pothole repair",
        OFFICE, hours(8), working_days(10), weight=12,
        keywords="pothole, hole in road, road damage",
        description="A pothole on a municipal road.",
    ),
    IssueTypeSpec(
        "blocked-stormwater-drain", "Blocked stormwater drain", "roads", "Stormwater maintenance",
        OFFICE, hours(8), working_days(10), weight=5,
        keywords="stormwater, drain, kerb inlet, flooding road",
        description="A blocked kerb inlet or stormwater drain.",
    ),
    IssueTypeSpec(
        "missing-manhole-cover", "Missing manhole cover", "roads", "Road furniture",
        ALWAYS, hours(4), hours(48), weight=2,
        keywords="manhole, open hole, missing cover",
        description="An open manhole or a missing cover: a danger to people and cars.",
    ),
    IssueTypeSpec(
        "damaged-road-sign", "Damaged or missing road sign", "roads", "Road furniture",
        OFFICE, hours(8), working_days(10), weight=2,
        keywords="road sign, stop sign, street name",
        description="A road sign that is knocked over, damaged or missing.",
    ),
    IssueTypeSpec(
        "sinkhole", "Sinkhole", "roads", "Pothole repair",
        ALWAYS, hours(4), hours(72), weight=1,
        keywords="sinkhole, road collapse, subsidence",
        description="The road or pavement has collapsed.",
    ),
    # Electricity
    IssueTypeSpec(
        "power-outage", "Power outage", "electricity", "Outage response",
        ALWAYS, hours(2), hours(24), weight=9, incident_prone=True,
        keywords="no power, outage, no electricity, lights off, blackout",
        description="No electricity at a property or in an area (not scheduled load shedding).",
    ),
    IssueTypeSpec(
        "street-light-out", "Street light out", "electricity", "Street lighting",
        OFFICE, hours(8), working_days(10), weight=10,
        keywords="street light, lamp, dark street",
        description="A street light or high-mast light that is off or flickering.",
    ),
    IssueTypeSpec(
        "illegal-connection", "Illegal electricity connection", "electricity", "Revenue protection",
        OFFICE, hours(8), working_days(10), weight=2,
        keywords="illegal connection, izinyoka, cable across road, tampering",
        description="Cables connected illegally to the network.",
    ),
    IssueTypeSpec(
        "cable-theft", "Cable theft", "electricity", "Revenue protection",
        ALWAYS, hours(4), hours(72), weight=2,
        keywords="cable theft, stolen cable, copper",
        description="Cables stolen or being stolen.",
    ),
    IssueTypeSpec(
        "fallen-power-line", "Fallen or exposed power line", "electricity", "Outage response",
        ALWAYS, hours(2), hours(24), weight=1,
        keywords="fallen line, exposed wires, live wire, sparking",
        description="A power line down or wires exposed: keep away.",
    ),
    # Waste
    IssueTypeSpec(
        "missed-collection", "Missed refuse collection", "waste", "Refuse collection",
        OFFICE, hours(8), working_days(2), weight=7,
        keywords="refuse, rubbish, bins not collected, garbage",
        description="Household refuse not collected on the collection day.",
    ),
    IssueTypeSpec(
        "illegal-dumping", "Illegal dumping", "waste", "Illegal dumping clean-up",
        OFFICE, hours(8), working_days(10), weight=7,
        keywords="dumping, rubble, rubbish heap, tyres",
        description="Waste dumped on a verge, open land or a street.",
    ),
    IssueTypeSpec(
        "dead-animal", "Dead animal", "waste", "Illegal dumping clean-up",
        OFFICE, hours(4), working_days(1), weight=2,
        keywords="dead animal, carcass, dead dog",
        description="A dead animal on a road or public place.",
    ),
    IssueTypeSpec(
        "overflowing-bin", "Overflowing public bin", "waste", "Refuse collection",
        OFFICE, hours(8), working_days(3), weight=2,
        keywords="bin, litter bin, overflowing",
        description="A public litter bin that is full or overflowing.",
    ),
    # Parks
    IssueTypeSpec(
        "overgrown-park", "Overgrown park or verge", "parks", "Grass cutting",
        OFFICE, hours(8), working_days(10), weight=3,
        keywords="long grass, overgrown, park, verge",
        description="Grass or bush in a park or on a verge that needs cutting.",
    ),
    IssueTypeSpec(
        "fallen-tree", "Fallen tree", "parks", "Tree care",
        ALWAYS, hours(4), hours(48), weight=2,
        keywords="fallen tree, tree down, branch",
        description="A tree or large branch down after a storm.",
    ),
    IssueTypeSpec(
        "broken-play-equipment", "Broken playground equipment", "parks", "Grass cutting",
        OFFICE, hours(8), working_days(10), weight=1,
        keywords="playground, swing, jungle gym",
        description="Damaged or unsafe equipment in a public playground.",
    ),
    # Traffic signals (outside provider)
    IssueTypeSpec(
        "traffic-light-out", "Traffic light out", "traffic-signals", "Signal repairs",
        ALWAYS, hours(2), hours(12), weight=5, incident_prone=True,
        keywords="robot out, traffic light, signals dead",
        description="A traffic light (robot) with no lights at all.",
    ),
    IssueTypeSpec(
        "traffic-light-flashing", "Traffic light flashing", "traffic-signals", "Signal repairs",
        ALWAYS, hours(4), hours(24), weight=3, incident_prone=True,
        keywords="robot flashing, flashing red, traffic light fault",
        description="A traffic light flashing red or amber instead of cycling.",
    ),
    IssueTypeSpec(
        "traffic-light-knocked-down", "Traffic light pole knocked down", "traffic-signals",
        "Signal maintenance",
        ALWAYS, hours(4), hours(72), weight=1,
        keywords="robot pole, knocked down, accident, traffic light damaged",
        description="A traffic light pole or head damaged, usually by a vehicle.",
    ),
)
# fmt: on


@dataclass(frozen=True)
class Account:
    username: str
    password: str
    role: str
    first_name: str = ""
    last_name: str = ""


ADMIN = Account("admin", "demo-admin-2026", "superuser", "Ada", "Admin")
DISPATCHER = Account("dispatcher", "demo-dispatch-2026", "dispatcher", "Dineo", "Dispatch")
STAFF_PASSWORD = "demo-staff-2026"
# Invented names for the unit accounts (manager, staff), in the order of UNITS.
STAFF_NAMES = (
    (("Nomsa", "Khumalo"), ("Pieter", "van Wyk")),
    (("Kagiso", "Molefe"), ("Anele", "Ngcobo")),
    (("Fatima", "Patel"), ("Tshepo", "Mahlangu")),
    (("Busisiwe", "Zwane"), ("Johan", "Botha")),
    (("Refilwe", "Sithole"), ("Themba", "Mokoena")),
    (("Grace", "Naidoo"), ("Sizwe", "Dube")),
)


def unit_accounts() -> list[tuple[UnitSpec, Account, Account]]:
    """Each unit's manager and staff member, with readable demo passwords."""
    rows = []
    for spec, (manager, member) in zip(UNITS, STAFF_NAMES, strict=True):
        rows.append(
            (
                spec,
                Account(
                    f"{spec.account}.manager", STAFF_PASSWORD, f"manager, {spec.name}", *manager
                ),
                Account(f"{spec.account}.staff", STAFF_PASSWORD, f"staff, {spec.name}", *member),
            )
        )
    return rows


def all_accounts() -> list[Account]:
    accounts = [ADMIN, DISPATCHER]
    for _spec, manager, member in unit_accounts():
        accounts += [manager, member]
    return accounts
