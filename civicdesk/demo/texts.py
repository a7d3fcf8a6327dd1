"""Words for the demo: invented citizens' names and what staff and citizens write.

Names are combined at random from common South African first names and surnames, so
nobody in the demo is a real person; e-mail addresses are at example.org."""

FIRST_NAMES = (
    "Thabo", "Lerato", "Sipho", "Naledi", "Mpho", "Zanele", "Bongani", "Palesa", "Lwazi",
    "Nandi", "Tumelo", "Ayanda", "Karabo", "Thandeka", "Musa", "Lindiwe", "Kabelo",
    "Nomvula", "Andile", "Precious", "Sibusiso", "Dimakatso", "Vusi", "Boitumelo",
    "Johan", "Annelie", "Pieter", "Marietjie", "David", "Sarah", "Michael", "Jessica",
    "Ahmed", "Ayesha", "Priya", "Rajesh", "Chen", "Maria", "Joao", "Fatima", "Tiisetso",
    "Mandla", "Nosipho", "Kgomotso", "Themba", "Dineo", "Lungile", "Refilwe", "Siyabonga",
    "Ntombi",
)  # fmt: skip
SURNAMES = (
    "Nkosi", "Dlamini", "Ndlovu", "Khumalo", "Mokoena", "Mahlangu", "Sithole", "Mthembu",
    "Zulu", "Molefe", "Nkuna", "Mabaso", "Radebe", "Ngcobo", "Botha", "van der Merwe",
    "Pretorius", "Smith", "Naidoo", "Pillay", "Patel", "Govender", "Moosa", "Maluleke",
    "Baloyi", "Mathebula", "Shabalala", "Tshabalala", "Masilela", "Modise", "Sebola",
    "Mokgadi", "Chauke", "Hlongwane", "Ferreira", "da Silva", "Williams", "Jacobs",
    "Mabena", "Ntuli",
)  # fmt: skip

REJECTION_REASONS = (
    "This is on private property: the owner is responsible for the repair.",
    "This road is a provincial road (Gauteng Department of Roads and Transport).",
    "The location is too vague to find; please report again with a pin on the spot.",
    "This is scheduled load shedding by Eskom, not a fault.",
    "The supply was cut for non-payment; please contact Revenue about the account.",
    "Test report, not a real fault.",
    "The area is supplied by Eskom directly; please report it to Eskom.",
)

INFO_QUESTIONS = (
    "Please give the street address or the nearest house number.",
    "Can you send a photo? We could not find the fault at the pin.",
    "Which side of the road is it on?",
    "Please give your account or meter number so we can check the supply.",
    "Is the problem still there today?",
)
INFO_ANSWERS = (
    "Opposite number 14, next to the bus stop.",
    "Still there, it has got worse.",
    "On the northern side, in front of the church.",
    "Sent a photo through the app.",
    "Corner house, the entrance is on the side street.",
)

DISPATCH_NOTES = (
    "Outside the contractor's contract wards; routed to them by arrangement.",
    "Routed to the signals contractor; reference given by their call centre.",
)

PROGRESS_NOTES = (
    "Team on site, fault located.",
    "Excavation under way.",
    "Waiting for materials from the depot.",
    "Repair under way, expected to be finished today.",
    "Crew dispatched.",
    "Work started on the first sites of the list.",
)
HOLD_NOTES = (
    "On hold: waiting for spare parts.",
    "On hold: the crew was redeployed to an emergency.",
    "On hold: heavy rain, work resumes when it clears.",
)
COMPLETION_NOTES = (
    "Repaired and tested. Thank you for reporting.",
    "Work completed and the site cleaned up.",
    "Fault fixed, supply restored.",
    "Completed. Please tell us if the problem comes back.",
)
CANCEL_REASONS = (
    "Crew reassigned to storm damage; the issues go back to the queue.",
    "Duplicate job card, the work is tracked on another activity.",
)

FEEDBACK_GOOD = (
    "Fixed quickly, thank you!",
    "Good work by the team.",
    "Took a while but it is fixed.",
    "",
    "",
)
FEEDBACK_BAD = (
    "It is not fixed, the problem is back.",
    "Nobody came, still broken.",
    "Patched badly, already breaking up.",
    "",
)

# What residents write when they report, by issue type ("" leaves the description blank).
REPORT_TEXTS: dict[str, tuple[str, ...]] = {
    "water-outage": (
        "No water since this morning.",
        "Taps are dry in the whole street.",
        "Water has been off for hours, no notice given.",
        "",
    ),
    "burst-pipe": (
        "Water gushing out of the road next to the kerb.",
        "Pipe burst on the pavement, water running down the street.",
        "Big leak, the road is starting to wash away.",
    ),
    "leaking-meter": ("Meter box full of water.", "The meter has been leaking for a week."),
    "low-water-pressure": ("Pressure drops every evening.", "Hardly any pressure upstairs."),
    "sewer-blockage": ("Manhole overflowing, terrible smell.", "Sewage running into the yard.", ""),
    "pothole": (
        "Deep pothole in the left lane, cars swerving.",
        "Several potholes after the rain.",
        "Pothole has burst two tyres this week.",
        "",
    ),
    "blocked-stormwater-drain": (
        "Drain full of sand and litter.",
        "Road floods every afternoon storm.",
    ),
    "missing-manhole-cover": (
        "Open manhole on the pavement near the school.",
        "Cover stolen again.",
    ),
    "damaged-road-sign": ("Stop sign knocked down.", "Street name sign missing."),
    "sinkhole": ("Road has caved in next to the bus stop.",),
    "power-outage": (
        "No power since last night.",
        "Whole street is dark, heard a bang at the substation.",
        "Power off, neighbours also affected.",
        "",
    ),
    "street-light-out": ("Street is pitch dark at night.", "Light flickers on and off.", ""),
    "illegal-connection": ("Dangerous cables across the pavement.",),
    "cable-theft": ("Trench dug open and cable gone.", "People digging up cables."),
    "fallen-power-line": ("Line down across the road after the storm.", "Sparking cable."),
    "missed-collection": ("Truck skipped our street again.", "Bins out since Monday.", ""),
    "illegal-dumping": ("Rubble dumped on the open field.", "Truck dumped garden waste overnight."),
    "dead-animal": ("Dead dog in the road.", ""),
    "overflowing-bin": ("Bin at the taxi rank overflowing.", "Litter bin not emptied for weeks."),
    "overgrown-park": ("Grass is waist high, criminals hide there.", "Verge not cut in months."),
    "fallen-tree": ("Big tree fell across the road in the storm.", "Branch on the power line."),
    "broken-play-equipment": ("Swing broken, children could get hurt.",),
    "traffic-light-out": ("Robots out, traffic chaos.", "Lights dead since the storm.", ""),
    "traffic-light-flashing": ("Flashing red in all directions.", "Robot stuck on amber flashing."),
    "traffic-light-knocked-down": ("Truck knocked the robot pole over.",),
}
