"""The demo metro's reference data as tables: business units and their programmes, issue
types with their questions, service levels and calendars, and the demo accounts.

Everything here is data; `setup.py` turns it into rows. Names of issue types follow what
Johannesburg residents report to the City, Joburg Water, City Power, Pikitup and the JRA."""

from dataclasses import dataclass, field
from datetime import time, timedelta

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
class QuestionSpec:
    code: str
    description: str
    datatype: str
    required: bool = False
    values: tuple[tuple[str, str], ...] = ()
    variable: bool = True
    datatype_description: str = ""
    # How the demo answers it: a range for numbers, sample texts for strings and texts.
    samples: tuple[str, ...] = ()
    number_range: tuple[int, int] = (1, 10)


def choices(*pairs: str) -> tuple[tuple[str, str], ...]:
    """("key:Name", …) → ((key, Name), …)."""
    return tuple(tuple(p.split(":", 1)) for p in pairs)  # type: ignore[misc]


@dataclass(frozen=True)
class IssueTypeSpec:
    code: str
    name: str
    unit: str
    programme: str
    calendar: str  # ALWAYS for emergencies, OFFICE for the rest
    response: timedelta
    resolution: timedelta
    keywords: str
    description: str
    weight: float  # how often residents report it, relative
    questions: tuple[QuestionSpec, ...] = ()
    # Faults that many residents report at once (one outage, many reports).
    incident_prone: bool = False
    descriptions: tuple[str, ...] = field(default=())


SINCE = QuestionSpec(
    "since",
    "Since when has it been like this?",
    "datetime",
    datatype_description="Date and time, e.g. 2026-03-02T06:30:00+02:00",
)
INTERSECTION = QuestionSpec(
    "intersection",
    "Which intersection?",
    "string",
    required=True,
    samples=(
        "Jan Smuts Ave & Bolton Rd",
        "Louis Botha Ave & Athol St",
        "William Nicol Dr & Sandton Dr",
        "Beyers Naudé Dr & Judges Ave",
        "Empire Rd & Jan Smuts Ave",
        "Rivonia Rd & 5th St",
        "Main Reef Rd & Nasrec Rd",
        "Klipspruit Valley Rd & Chris Hani Rd",
        "Barry Hertzog Ave & Empire Rd",
        "Commissioner St & Rissik St",
        "Oxford Rd & Bompas Rd",
        "Witkoppen Rd & Cedar Rd",
    ),
)
DANGER_NOTE = QuestionSpec(
    "safety",
    "If anyone is in danger, also call the emergency number 112 or 10177.",
    "text",
    variable=False,
)
EXTENT = QuestionSpec(
    "extent",
    "How many homes are affected?",
    "singlevaluelist",
    required=True,
    values=choices("mine:Only mine", "street:My street", "area:The whole area"),
)

ISSUE_TYPES: tuple[IssueTypeSpec, ...] = (
    # Water & Sanitation
    IssueTypeSpec(
        "water-outage",
        "No water (water outage)",
        "water",
        "Water supply",
        ALWAYS,
        hours(4),
        hours(24),
        "no water, water outage, dry taps, water cut",
        "No water from the taps at a property or in an area.",
        8,
        (EXTENT, SINCE),
        incident_prone=True,
        descriptions=(
            "No water since this morning.",
            "Taps are dry in the whole street.",
            "Water has been off for hours, no notice given.",
            "",
        ),
    ),
    IssueTypeSpec(
        "burst-pipe",
        "Burst water pipe",
        "water",
        "Burst pipes and leaks",
        ALWAYS,
        hours(2),
        hours(24),
        "burst pipe, water leak, water running in street, flooding",
        "A burst main or service pipe: water running in the street or on a pavement.",
        7,
        (
            QuestionSpec(
                "flow",
                "How much water is escaping?",
                "singlevaluelist",
                required=True,
                values=choices("trickle:A trickle", "flowing:Flowing steadily", "gushing:Gushing"),
            ),
            QuestionSpec(
                "where",
                "Where is the water coming out?",
                "multivaluelist",
                values=choices(
                    "road:In the road",
                    "pavement:On the pavement",
                    "property:On a property",
                    "meter:At a meter box",
                ),
            ),
        ),
        incident_prone=True,
        descriptions=(
            "Water gushing out of the road next to the kerb.",
            "Pipe burst on the pavement, water running down the street.",
            "Big leak, the road is starting to wash away.",
        ),
    ),
    IssueTypeSpec(
        "leaking-meter",
        "Leaking water meter",
        "water",
        "Burst pipes and leaks",
        OFFICE,
        hours(8),
        working_days(5),
        "meter leak, leaking meter, water meter",
        "Water leaking at the municipal meter or its connection.",
        4,
        (
            QuestionSpec(
                "meter_number",
                "Meter number (on the meter face), if you can read it",
                "string",
                samples=("JW-04417823", "88031245", "JW-11029374", "70552198"),
            ),
        ),
        descriptions=("Meter box full of water.", "The meter has been leaking for a week."),
    ),
    IssueTypeSpec(
        "low-water-pressure",
        "Low water pressure",
        "water",
        "Water supply",
        OFFICE,
        hours(8),
        working_days(3),
        "low pressure, weak water, water pressure",
        "Water comes out of the taps but very weakly.",
        3,
        (
            QuestionSpec(
                "when",
                "When is the pressure low?",
                "multivaluelist",
                required=True,
                values=choices(
                    "morning:Mornings", "afternoon:Afternoons", "evening:Evenings", "night:Nights"
                ),
            ),
        ),
        descriptions=("Pressure drops every evening.", "Hardly any pressure upstairs."),
    ),
    IssueTypeSpec(
        "sewer-blockage",
        "Sewer blockage or overflow",
        "water",
        "Sewer maintenance",
        ALWAYS,
        hours(4),
        hours(48),
        "sewer, sewage, blocked drain, overflowing manhole, smell",
        "A blocked sewer or sewage overflowing from a manhole.",
        5,
        (
            QuestionSpec(
                "overflowing_into",
                "Where is the sewage going?",
                "multivaluelist",
                values=choices(
                    "street:Into the street",
                    "property:Onto a property",
                    "stream:Into a stream or river",
                ),
            ),
        ),
        incident_prone=True,
        descriptions=(
            "Manhole overflowing, terrible smell.",
            "Sewage running into the yard.",
            "",
        ),
    ),
    # Roads & Stormwater
    IssueTypeSpec(
        "pothole",
        "Pothole",
        "roads",
        "Pothole repair",
        OFFICE,
        hours(8),
        working_days(10),
        "pothole, hole in road, road damage",
        "A pothole on a municipal road.",
        12,
        (
            QuestionSpec(
                "size",
                "How big is it?",
                "singlevaluelist",
                required=True,
                values=choices(
                    "small:Smaller than a dinner plate",
                    "medium:Up to a car tyre",
                    "large:Larger than a car tyre",
                ),
            ),
            QuestionSpec(
                "depth_cm",
                "Roughly how deep, in centimetres?",
                "number",
                number_range=(3, 40),
            ),
        ),
        descriptions=(
            "Deep pothole in the left lane, cars swerving.",
            "Several potholes after the rain.",
            "Pothole has burst two tyres this week.",
            "",
        ),
    ),
    IssueTypeSpec(
        "blocked-stormwater-drain",
        "Blocked stormwater drain",
        "roads",
        "Stormwater maintenance",
        OFFICE,
        hours(8),
        working_days(10),
        "stormwater, drain, kerb inlet, flooding road",
        "A blocked kerb inlet or stormwater drain.",
        5,
        (
            QuestionSpec(
                "flooding",
                "Is the road flooding when it rains?",
                "singlevaluelist",
                values=choices("no:No", "sometimes:Sometimes", "always:Every time"),
            ),
        ),
        descriptions=("Drain full of sand and litter.", "Road floods every afternoon storm."),
    ),
    IssueTypeSpec(
        "missing-manhole-cover",
        "Missing manhole cover",
        "roads",
        "Road furniture",
        ALWAYS,
        hours(4),
        hours(48),
        "manhole, open hole, missing cover",
        "An open manhole or a missing cover: a danger to people and cars.",
        2,
        (DANGER_NOTE,),
        descriptions=("Open manhole on the pavement near the school.", "Cover stolen again."),
    ),
    IssueTypeSpec(
        "damaged-road-sign",
        "Damaged or missing road sign",
        "roads",
        "Road furniture",
        OFFICE,
        hours(8),
        working_days(10),
        "road sign, stop sign, street name",
        "A road sign that is knocked over, damaged or missing.",
        2,
        (
            QuestionSpec(
                "sign",
                "Which sign?",
                "singlevaluelist",
                required=True,
                values=choices(
                    "stop:Stop sign", "yield:Yield sign", "name:Street name", "other:Other"
                ),
            ),
        ),
        descriptions=("Stop sign knocked down.", "Street name sign missing."),
    ),
    IssueTypeSpec(
        "sinkhole",
        "Sinkhole",
        "roads",
        "Pothole repair",
        ALWAYS,
        hours(4),
        hours(72),
        "sinkhole, road collapse, subsidence",
        "The road or pavement has collapsed.",
        1,
        (
            QuestionSpec(
                "width_m",
                "Roughly how wide, in metres?",
                "number",
                required=True,
                number_range=(1, 6),
            ),
        ),
        descriptions=("Road has caved in next to the bus stop.",),
    ),
    # Electricity
    IssueTypeSpec(
        "power-outage",
        "Power outage",
        "electricity",
        "Outage response",
        ALWAYS,
        hours(2),
        hours(24),
        "no power, outage, no electricity, lights off, blackout",
        "No electricity at a property or in an area (not scheduled load shedding).",
        9,
        (
            EXTENT,
            SINCE,
            QuestionSpec(
                "account_number",
                "Electricity account or prepaid meter number, if you have it",
                "string",
                samples=("512 004 7731", "04187736512", "553 120 9984", "07102295541"),
            ),
        ),
        incident_prone=True,
        descriptions=(
            "No power since last night.",
            "Whole street is dark, heard a bang at the substation.",
            "Power off, neighbours also affected.",
            "",
        ),
    ),
    IssueTypeSpec(
        "street-light-out",
        "Street light out",
        "electricity",
        "Street lighting",
        OFFICE,
        hours(8),
        working_days(10),
        "street light, lamp, dark street",
        "A street light or high-mast light that is off or flickering.",
        10,
        (
            QuestionSpec(
                "pole_number",
                "Pole number (painted on the pole), if visible",
                "string",
                samples=("SL 10442", "SL 20871", "HM 0312", "SL 33017"),
            ),
            QuestionSpec(
                "lights_out",
                "How many lights are out?",
                "number",
                number_range=(1, 8),
            ),
        ),
        descriptions=("Street is pitch dark at night.", "Light flickers on and off.", ""),
    ),
    IssueTypeSpec(
        "illegal-connection",
        "Illegal electricity connection",
        "electricity",
        "Revenue protection",
        OFFICE,
        hours(8),
        working_days(10),
        "illegal connection, izinyoka, cable across road, tampering",
        "Cables connected illegally to the network.",
        2,
        (
            QuestionSpec(
                "details",
                "What do you see?",
                "text",
                samples=(
                    "Cables running across the road from the mini-sub.",
                    "Wires hanging low over the pavement.",
                ),
            ),
        ),
        descriptions=("Dangerous cables across the pavement.",),
    ),
    IssueTypeSpec(
        "cable-theft",
        "Cable theft",
        "electricity",
        "Revenue protection",
        ALWAYS,
        hours(4),
        hours(72),
        "cable theft, stolen cable, copper",
        "Cables stolen or being stolen.",
        2,
        (
            QuestionSpec(
                "happening_now",
                "Is it happening now?",
                "singlevaluelist",
                required=True,
                values=choices("yes:Yes", "no:No"),
            ),
        ),
        descriptions=("Trench dug open and cable gone.", "People digging up cables."),
    ),
    IssueTypeSpec(
        "fallen-power-line",
        "Fallen or exposed power line",
        "electricity",
        "Outage response",
        ALWAYS,
        hours(2),
        hours(24),
        "fallen line, exposed wires, live wire, sparking",
        "A power line down or wires exposed: keep away.",
        1,
        (DANGER_NOTE,),
        descriptions=("Line down across the road after the storm.", "Sparking cable."),
    ),
    # Waste
    IssueTypeSpec(
        "missed-collection",
        "Missed refuse collection",
        "waste",
        "Refuse collection",
        OFFICE,
        hours(8),
        working_days(2),
        "refuse, rubbish, bins not collected, garbage",
        "Household refuse not collected on the collection day.",
        7,
        (
            QuestionSpec(
                "collection_day",
                "What is your collection day?",
                "singlevaluelist",
                required=True,
                values=choices(
                    "mon:Monday", "tue:Tuesday", "wed:Wednesday", "thu:Thursday", "fri:Friday"
                ),
            ),
            QuestionSpec(
                "bins",
                "Which bins were missed?",
                "multivaluelist",
                values=choices("general:General waste", "recycling:Recycling", "garden:Garden"),
            ),
        ),
        descriptions=("Truck skipped our street again.", "Bins out since Monday.", ""),
    ),
    IssueTypeSpec(
        "illegal-dumping",
        "Illegal dumping",
        "waste",
        "Illegal dumping clean-up",
        OFFICE,
        hours(8),
        working_days(10),
        "dumping, rubble, rubbish heap, tyres",
        "Waste dumped on a verge, open land or a street.",
        7,
        (
            QuestionSpec(
                "kinds",
                "What has been dumped?",
                "multivaluelist",
                required=True,
                values=choices(
                    "rubble:Building rubble",
                    "household:Household rubbish",
                    "garden:Garden waste",
                    "tyres:Tyres",
                    "hazardous:Chemicals or asbestos",
                ),
            ),
            QuestionSpec(
                "volume_m3",
                "Roughly how much, in cubic metres (a bakkie load is about 1)?",
                "number",
                number_range=(1, 20),
            ),
        ),
        descriptions=("Rubble dumped on the open field.", "Truck dumped garden waste overnight."),
    ),
    IssueTypeSpec(
        "dead-animal",
        "Dead animal",
        "waste",
        "Illegal dumping clean-up",
        OFFICE,
        hours(4),
        working_days(1),
        "dead animal, carcass, dead dog",
        "A dead animal on a road or public place.",
        2,
        (
            QuestionSpec(
                "animal",
                "What animal?",
                "singlevaluelist",
                required=True,
                values=choices("dog:Dog", "cat:Cat", "bird:Bird", "other:Other"),
            ),
        ),
        descriptions=("Dead dog in the road.", ""),
    ),
    IssueTypeSpec(
        "overflowing-bin",
        "Overflowing public bin",
        "waste",
        "Refuse collection",
        OFFICE,
        hours(8),
        working_days(3),
        "bin, litter bin, overflowing",
        "A public litter bin that is full or overflowing.",
        2,
        descriptions=("Bin at the taxi rank overflowing.", "Litter bin not emptied for weeks."),
    ),
    # Parks
    IssueTypeSpec(
        "overgrown-park",
        "Overgrown park or verge",
        "parks",
        "Grass cutting",
        OFFICE,
        hours(8),
        working_days(10),
        "long grass, overgrown, park, verge",
        "Grass or bush in a park or on a verge that needs cutting.",
        3,
        (
            QuestionSpec(
                "park_name",
                "Name of the park, if it has one",
                "string",
                samples=("Zoo Lake", "Emmarentia Dam", "Thokoza Park", "Delta Park", "Rhodes Park"),
            ),
        ),
        descriptions=("Grass is waist high, criminals hide there.", "Verge not cut in months."),
    ),
    IssueTypeSpec(
        "fallen-tree",
        "Fallen tree",
        "parks",
        "Tree care",
        ALWAYS,
        hours(4),
        hours(48),
        "fallen tree, tree down, branch",
        "A tree or large branch down after a storm.",
        2,
        (
            QuestionSpec(
                "blocking",
                "What is it blocking?",
                "multivaluelist",
                required=True,
                values=choices(
                    "road:The road",
                    "pavement:The pavement",
                    "lines:Power lines",
                    "property:A property",
                ),
            ),
        ),
        descriptions=("Big tree fell across the road in the storm.", "Branch on the power line."),
    ),
    IssueTypeSpec(
        "broken-play-equipment",
        "Broken playground equipment",
        "parks",
        "Grass cutting",
        OFFICE,
        hours(8),
        working_days(10),
        "playground, swing, jungle gym",
        "Damaged or unsafe equipment in a public playground.",
        1,
        (
            QuestionSpec(
                "equipment",
                "What is broken?",
                "text",
                samples=("The swing chain snapped.", "Slide has a sharp broken edge."),
            ),
        ),
        descriptions=("Swing broken, children could get hurt.",),
    ),
    # Traffic signals (outside provider)
    IssueTypeSpec(
        "traffic-light-out",
        "Traffic light out",
        "traffic-signals",
        "Signal repairs",
        ALWAYS,
        hours(2),
        hours(12),
        "robot out, traffic light, signals dead",
        "A traffic light (robot) with no lights at all.",
        5,
        (
            INTERSECTION,
            QuestionSpec(
                "directions",
                "Are all directions out?",
                "singlevaluelist",
                values=choices("all:All directions", "some:Some directions"),
            ),
        ),
        incident_prone=True,
        descriptions=("Robots out, traffic chaos.", "Lights dead since the storm.", ""),
    ),
    IssueTypeSpec(
        "traffic-light-flashing",
        "Traffic light flashing",
        "traffic-signals",
        "Signal repairs",
        ALWAYS,
        hours(4),
        hours(24),
        "robot flashing, flashing red, traffic light fault",
        "A traffic light flashing red or amber instead of cycling.",
        3,
        (INTERSECTION,),
        descriptions=("Flashing red in all directions.", "Robot stuck on amber flashing."),
    ),
    IssueTypeSpec(
        "traffic-light-knocked-down",
        "Traffic light pole knocked down",
        "traffic-signals",
        "Signal maintenance",
        ALWAYS,
        hours(4),
        hours(72),
        "robot pole, knocked down, accident, traffic light damaged",
        "A traffic light pole or head damaged, usually by a vehicle.",
        1,
        (INTERSECTION, SINCE),
        descriptions=("Truck knocked the robot pole over.",),
    ),
)


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
