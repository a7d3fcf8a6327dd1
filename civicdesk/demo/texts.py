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
