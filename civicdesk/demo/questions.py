"""The extra questions (Open311 attributes) of the demo's issue types, by issue type code,
with how the demo answers them. Together they use every Open311 datatype."""

from dataclasses import dataclass


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


Q = QuestionSpec


def choices(*pairs: str) -> tuple[tuple[str, str], ...]:
    """("key:Name", …) → ((key, Name), …)."""
    return tuple((key, name) for key, name in (p.split(":", 1) for p in pairs))


SINCE = Q(
    "since",
    "Since when has it been like this?",
    "datetime",
    datatype_description="Date and time, e.g. 2026-03-02T06:30:00+02:00",
)
INTERSECTION = Q(
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
DANGER_NOTE = Q(
    "safety",
    "If anyone is in danger, also call the emergency number 112 or 10177.",
    "text",
    variable=False,
)
EXTENT = Q(
    "extent",
    "How many homes are affected?",
    "singlevaluelist",
    required=True,
    values=choices("mine:Only mine", "street:My street", "area:The whole area"),
)

QUESTIONS: dict[str, tuple[QuestionSpec, ...]] = {
    "water-outage": (
        EXTENT,
        SINCE,
    ),
    "burst-pipe": (
        Q(
            "flow",
            "How much water is escaping?",
            "singlevaluelist",
            required=True,
            values=choices("trickle:A trickle", "flowing:Flowing steadily", "gushing:Gushing"),
        ),
        Q(
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
    "leaking-meter": (
        Q(
            "meter_number",
            "Meter number (on the meter face), if you can read it",
            "string",
            samples=("JW-04417823", "88031245", "JW-11029374", "70552198"),
        ),
    ),
    "low-water-pressure": (
        Q(
            "when",
            "When is the pressure low?",
            "multivaluelist",
            required=True,
            values=choices(
                "morning:Mornings", "afternoon:Afternoons", "evening:Evenings", "night:Nights"
            ),
        ),
    ),
    "sewer-blockage": (
        Q(
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
    "pothole": (
        Q(
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
        Q(
            "depth_cm",
            "Roughly how deep, in centimetres?",
            "number",
            number_range=(3, 40),
        ),
    ),
    "blocked-stormwater-drain": (
        Q(
            "flooding",
            "Is the road flooding when it rains?",
            "singlevaluelist",
            values=choices("no:No", "sometimes:Sometimes", "always:Every time"),
        ),
    ),
    "missing-manhole-cover": (DANGER_NOTE,),
    "damaged-road-sign": (
        Q(
            "sign",
            "Which sign?",
            "singlevaluelist",
            required=True,
            values=choices("stop:Stop sign", "yield:Yield sign", "name:Street name", "other:Other"),
        ),
    ),
    "sinkhole": (
        Q(
            "width_m",
            "Roughly how wide, in metres?",
            "number",
            required=True,
            number_range=(1, 6),
        ),
    ),
    "power-outage": (
        EXTENT,
        SINCE,
        Q(
            "account_number",
            "Electricity account or prepaid meter number, if you have it",
            "string",
            samples=("512 004 7731", "04187736512", "553 120 9984", "07102295541"),
        ),
    ),
    "street-light-out": (
        Q(
            "pole_number",
            "Pole number (painted on the pole), if visible",
            "string",
            samples=("SL 10442", "SL 20871", "HM 0312", "SL 33017"),
        ),
        Q(
            "lights_out",
            "How many lights are out?",
            "number",
            number_range=(1, 8),
        ),
    ),
    "illegal-connection": (
        Q(
            "details",
            "What do you see?",
            "text",
            samples=(
                "Cables running across the road from the mini-sub.",
                "Wires hanging low over the pavement.",
            ),
        ),
    ),
    "cable-theft": (
        Q(
            "happening_now",
            "Is it happening now?",
            "singlevaluelist",
            required=True,
            values=choices("yes:Yes", "no:No"),
        ),
    ),
    "fallen-power-line": (DANGER_NOTE,),
    "missed-collection": (
        Q(
            "collection_day",
            "What is your collection day?",
            "singlevaluelist",
            required=True,
            values=choices(
                "mon:Monday", "tue:Tuesday", "wed:Wednesday", "thu:Thursday", "fri:Friday"
            ),
        ),
        Q(
            "bins",
            "Which bins were missed?",
            "multivaluelist",
            values=choices("general:General waste", "recycling:Recycling", "garden:Garden"),
        ),
    ),
    "illegal-dumping": (
        Q(
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
        Q(
            "volume_m3",
            "Roughly how much, in cubic metres (a bakkie load is about 1)?",
            "number",
            number_range=(1, 20),
        ),
    ),
    "dead-animal": (
        Q(
            "animal",
            "What animal?",
            "singlevaluelist",
            required=True,
            values=choices("dog:Dog", "cat:Cat", "bird:Bird", "other:Other"),
        ),
    ),
    "overflowing-bin": (),
    "overgrown-park": (
        Q(
            "park_name",
            "Name of the park, if it has one",
            "string",
            samples=("Zoo Lake", "Emmarentia Dam", "Thokoza Park", "Delta Park", "Rhodes Park"),
        ),
    ),
    "fallen-tree": (
        Q(
            "blocking",
            "What is it blocking?",
            "multivaluelist",
            required=True,
            values=choices(
                "road:The road", "pavement:The pavement", "lines:Power lines", "property:A property"
            ),
        ),
    ),
    "broken-play-equipment": (
        Q(
            "equipment",
            "What is broken?",
            "text",
            samples=("The swing chain snapped.", "Slide has a sharp broken edge."),
        ),
    ),
    "traffic-light-out": (
        INTERSECTION,
        Q(
            "directions",
            "Are all directions out?",
            "singlevaluelist",
            values=choices("all:All directions", "some:Some directions"),
        ),
    ),
    "traffic-light-flashing": (INTERSECTION,),
    "traffic-light-knocked-down": (
        INTERSECTION,
        SINCE,
    ),
}
