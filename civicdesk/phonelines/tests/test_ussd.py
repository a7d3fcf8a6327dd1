"""Whole USSD conversations against the real view, posting what Africa's Talking posts,
along every menu path and in each language; every screen is at most 160 characters (the
phone helper checks each one)."""

from datetime import timedelta

import pytest

from civicdesk import timekeeping
from civicdesk.accounts.models import Citizen
from civicdesk.catalogue.models import IssueType
from civicdesk.issues import reference
from civicdesk.issues.models import Issue, Push, Status
from civicdesk.phonelines.lookups import local
from civicdesk.phonelines.models import PhoneProfile, UssdSession
from civicdesk.phonelines.tests.conftest import PHONE, UssdPhone
from civicdesk.places.models import Area
from conftest import report_outage

LANGUAGES = ["en", "zu", "af"]
CHOICE = {"en": "1", "zu": "2", "af": "3"}
# One phrase of each screen, per language.
SAY = {
    "menu": {"en": "1. Report a problem", "zu": "1. Bika inkinga", "af": "1. Rapporteer"},
    "category": {"en": "What is the problem?", "zu": "Iyini inkinga?", "af": "Wat is die"},
    "place": {"en": "1. Ward number", "zu": "1. Inombolo yewadi", "af": "1. Wyksnommer"},
    "ward": {"en": "Enter the ward number", "zu": "Faka inombolo yewadi", "af": "Tik die wyks"},
    "describe": {"en": "Describe the problem", "zu": "Chaza inkinga", "af": "Beskryf die"},
    "thanks": {"en": "Thank you", "zu": "Siyabonga", "af": "Dankie"},
    "fix by": {"en": "fix by", "zu": "ukulungiswa ngo-", "af": "herstel teen"},
    "invalid": {"en": "Choose a number", "zu": "Khetha inombolo", "af": "Kies 'n nommer"},
    "more": {"en": "98. More", "zu": "98. Okunye", "af": "98. Meer"},
    "cancelled": {"en": "not sent", "zu": "awuthunyelwanga", "af": "nie gestuur nie"},
    "pushed": {"en": "Thank you for pushing", "zu": "ngokusekela", "af": "steun. Ons"},
    "already": {"en": "You already push", "zu": "Usuvele usekela", "af": "U steun reeds"},
    "own": {"en": "your own report", "zu": "ngumbiko wakho", "af": "u eie verslag"},
    "closed": {"en": "no longer be pushed", "zu": "alusakwazi", "af": "nie meer gesteun"},
    "no issue": {"en": "There is no issue", "zu": "Alukho udaba", "af": "Daar is geen kwessie"},
    "no ward": {"en": "There is no ward 999", "zu": "Alikho iwadi 999", "af": "geen wyk 999"},
    "status": {"en": "Status: received", "zu": "Isimo: kutholakele", "af": "Status: ontvang"},
    "resume": {"en": "1. Continue", "zu": "1. Qhubeka", "af": "1. Gaan voort"},
    "none": {"en": "no issues yet", "zu": "Awukabi nazo", "af": "nog geen kwessies"},
    "short": {"en": "at least 3", "zu": "okungenani", "af": "ten minste 3"},
    "no area": {"en": "No area is called", "zu": "Ayikho indawo", "af": "Geen gebied heet"},
    "limit": {"en": "as many reports", "zu": "imibiko eminingi", "af": "soveel verslae"},
}


def new_caller(client, language: str, phone: str = PHONE) -> UssdPhone:
    """A phone's first session: the language menu in three languages, then the menu."""
    caller = UssdPhone(client, phone)
    first = caller.dial()
    assert first.startswith("CON Choose language / Khetha ulimi / Kies taal")
    assert SAY["menu"][language] in caller.send(CHOICE[language])
    return caller


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_pothole_reported_by_ward_number(client, lines, language):
    caller = new_caller(client, language)

    screen = caller.send("1")
    assert SAY["category"][language] in screen
    assert "1. Power outage" in screen and "2. Pothole" in screen
    assert SAY["place"][language] in caller.send("2")
    assert SAY["ward"][language] in caller.send("1")
    assert SAY["describe"][language] in caller.send("124")
    confirm = caller.send("Deep hole * outside the taxi rank")
    assert "Pothole" in confirm and "Ward 124" in confirm
    end = caller.send("1")

    issue = Issue.objects.get()
    assert end.startswith("END " + SAY["thanks"][language]) and str(issue.pk) in end
    assert SAY["fix by"][language] in end
    assert local(issue.resolution_due, issue.jurisdiction) in end
    assert (issue.source, issue.issue_type.code, issue.area.name) == ("ussd", "pothole", "Ward 124")
    assert issue.description == "Deep hole * outside the taxi rank"
    assert issue.address == "Ward 124" and issue.lat is not None
    assert issue.unit.slug == "roads" and issue.resolution_due is not None
    assert issue.reporter.phone == PHONE and issue.reporter.language == language
    assert PhoneProfile.objects.get(citizen=issue.reporter).language_chosen_at is not None
    assert UssdSession.objects.get().issue == issue


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_outage_with_its_question_placed_by_suburb_name_then_the_same_area(
    client, lines, language
):
    caller = new_caller(client, language)
    caller.send("1")
    question = caller.send("1")
    assert "How many homes are affected?" in question and "2. The street" in question
    assert SAY["place"][language] in caller.send("2")
    caller.send("2")
    assert SAY["short"][language] in caller.send("wa")
    assert SAY["no area"][language] in caller.send("Zzzz")
    first_page = caller.send("ward 12")
    assert "1. Ward 12\n" in first_page and SAY["more"][language] in first_page
    second_page = caller.send("98")
    picked = second_page.splitlines()[1].split(". ", 1)[1]
    caller.send("1")
    caller.send("No power since last night")
    assert "END" in caller.send("1")

    issue = Issue.objects.get()
    assert issue.answers == {"extent": "street"}
    assert issue.area == Area.objects.get(name=picked) and picked.startswith("Ward 12")
    assert issue.unit.slug == "electricity"

    again = UssdPhone(client)
    assert SAY["menu"][language] in again.dial()  # the language is remembered
    again.send("1")
    place = again.send("2")
    assert f"3. {picked}" not in place and picked in place.splitlines()[-1]
    again.send("3")
    again.send("Same street, a pothole too")
    assert again.send("2").startswith("END ") and SAY["cancelled"][language] in again.screens[-1]
    assert Issue.objects.count() == 1


@pytest.mark.parametrize("language", LANGUAGES)
def test_pushing_by_reference_number(client, lines, language, neighbour):
    theirs = report_outage(lines[0].jurisdiction, neighbour)
    caller = new_caller(client, language)
    caller.send("2")
    assert SAY["no issue"][language] in caller.send("abc")
    end = caller.send(str(theirs.pk))
    assert end.startswith("END ") and SAY["pushed"][language] in end
    citizen = Citizen.objects.get(phone=PHONE)
    assert Push.objects.filter(issue=theirs, citizen=citizen).exists()

    again = UssdPhone(client)
    again.dial()
    again.send("2")
    assert SAY["already"][language] in again.send(str(theirs.pk))
    mine = report_outage(lines[0].jurisdiction, citizen)
    own = UssdPhone(client)
    own.dial()
    own.send("2")
    assert SAY["own"][language] in own.send(str(mine.pk))
    Issue.objects.filter(pk=theirs.pk).update(status=Status.CLOSED)
    closed = UssdPhone(client)
    closed.dial()
    closed.send("2")
    assert SAY["closed"][language] in closed.send(str(theirs.pk))
    assert Push.objects.count() == 1


@pytest.mark.parametrize("language", LANGUAGES)
def test_my_issues_with_status_and_deadlines(client, lines, language, neighbour):
    caller = new_caller(client, language)
    assert SAY["none"][language] in caller.send("3")

    citizen = Citizen.objects.get(phone=PHONE)
    mine = report_outage(lines[0].jurisdiction, citizen)
    again = UssdPhone(client)
    again.dial()
    listing = again.send("3")
    assert f"1. #{mine.pk} Power outage" in listing
    end = again.send("1")
    assert end.startswith("END ") and SAY["status"][language] in end
    assert local(mine.response_due, mine.jurisdiction) in end
    assert local(mine.resolution_due, mine.jurisdiction) in end


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_late_issue_with_long_names_still_fits_one_screen(client, lines, language):
    caller = new_caller(client, language)
    citizen = Citizen.objects.get(phone=PHONE)
    IssueType.objects.filter(code="power-outage").update(name="Power outage " * 6)
    Area.objects.filter(name="Ward 124").update(name="Ward 124 " + "Marshalltown " * 5)
    reference.forget()
    with timekeeping.as_of(timekeeping.now() - timedelta(days=3)):
        issue = report_outage(lines[0].jurisdiction, citizen)
    Issue.objects.filter(pk=issue.pk).update(status=Status.NEEDS_INFO)
    caller.send("3")
    end = caller.send("1")  # the phone helper checks the length
    assert end.count("\n") == 3 and str(issue.pk) in end
    assert local(issue.resolution_due, issue.jurisdiction) in end


@pytest.mark.parametrize("language", LANGUAGES)
def test_wrong_answers_are_asked_again(client, lines, language):
    caller = new_caller(client, language)
    menu_again = caller.send("7")
    assert SAY["invalid"][language] in menu_again and SAY["menu"][language] in menu_again
    caller.send("1")
    assert SAY["invalid"][language] in caller.send("9")
    caller.send("2")
    caller.send("1")
    assert SAY["no ward"][language] in caller.send("999")
    caller.send("124")
    assert SAY["describe"][language] in caller.send("a")
    caller.send("Broken tar")
    assert SAY["invalid"][language] in caller.send("5")
    assert Issue.objects.count() == 0


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_language_can_be_changed_from_the_menu(client, lines, language):
    caller = new_caller(client, "en")
    assert caller.send("4").startswith("CON Choose language")
    assert SAY["menu"][language] in caller.send(CHOICE[language])
    assert Citizen.objects.get(phone=PHONE).language == language


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_long_category_menu_comes_in_pages(client, lines, language):
    jurisdiction = lines[0].jurisdiction
    for n in range(25):
        IssueType.objects.create(
            jurisdiction=jurisdiction,
            code=f"type-{n:02d}",
            name=f"A rather long issue type name number {n:02d} of the city",
            group="Zz",
        )
    caller = new_caller(client, language)
    screen = caller.send("1")
    pages = [screen]
    while SAY["more"][language] in screen:
        screen = caller.send("98")
        pages.append(screen)
    assert len(pages) >= 4
    assert caller.send("0") == pages[-2]  # back one page
    last_entry = pages[-1].splitlines()[-2]  # the line above "0. Back"
    number, name = last_entry.split(". ", 1)
    caller.send("98")
    caller.send(number)
    caller.send("1")
    caller.send("124")
    caller.send("Something is wrong here")
    assert caller.send("1").startswith("END ")
    assert Issue.objects.get().issue_type.name.startswith(name.rstrip("…"))


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_session_that_timed_out_continues_in_the_next(client, lines, language):
    caller = new_caller(client, language)
    caller.send("1")
    caller.send("2")
    caller.send("1")
    caller.send("124")  # the network drops the session at the description

    later = UssdPhone(client)
    assert SAY["resume"][language] in later.dial()
    assert SAY["describe"][language] in later.send("1")
    later.send("Potholes everywhere")
    assert later.send("1").startswith("END ")
    assert Issue.objects.get().area.name == "Ward 124"

    caller = UssdPhone(client)
    caller.dial()
    caller.send("1")
    caller.send("2")  # stopped at the place
    restart = UssdPhone(client)
    restart.dial()
    assert SAY["menu"][language] in restart.send("2")
    restart.send("1")
    restart.send("1")  # stopped again, at the outage's question
    with timekeeping.as_of(timekeeping.now() + timedelta(minutes=6)):
        assert SAY["menu"][language] in UssdPhone(client).dial()


def test_a_retried_callback_gets_the_same_answer_and_reports_once(client, lines):
    caller = new_caller(client, "en")
    for value in ("1", "2", "1", "124", "Hole"):
        caller.send(value)
    end = caller.send("1")
    form = caller.form()
    assert client.post("/phone/ussd/s3cret-callback-token/", form).content.decode() == end
    earlier = form | {"text": "1*1*2*1"}  # language, report, pothole, by ward
    assert (
        "Enter the ward number"
        in client.post("/phone/ussd/s3cret-callback-token/", earlier).content.decode()
    )
    assert Issue.objects.count() == 1


def test_a_code_dialled_with_answers_takes_them_all(client, lines):
    new_caller(client, "en")
    dialled = UssdPhone(client)
    dialled.inputs = ["1", "2", "1"]  # *120*311*1*2*1#: report, pothole, by ward number
    dialled.session_id = "ATUid_dialled"
    assert dialled._post() == "CON Enter the ward number:"
    dialled.inputs.append("124")
    assert "Describe the problem" in dialled._post()


def test_rate_limits_per_number(client, lines, settings):
    settings.PHONELINES_USSD_SESSIONS_PER_HOUR = 2
    settings.PHONELINES_REPORTS_PER_DAY = 1
    caller = new_caller(client, "en")
    for value in ("1", "2", "1", "124", "Hole", "1"):
        caller.send(value)
    second = UssdPhone(client)
    second.dial()
    assert "as many reports" in second.send("1")
    assert "Too many requests" in UssdPhone(client).dial()
    assert UssdSession.objects.count() == 2
    other = UssdPhone(client, "+27825550777")
    assert other.dial().startswith("CON Choose language")


def test_an_unknown_service_code_is_not_served(client, lines):
    caller = UssdPhone(client, code="*120*999#")
    assert caller.dial() == "END This service is not available on this number."
    assert not Citizen.objects.exists() and not UssdSession.objects.exists()


def test_a_report_without_a_unit_has_no_deadlines_yet(client, lines, jurisdiction):
    IssueType.objects.create(jurisdiction=jurisdiction, code="graffiti", name="Graffiti")
    caller = new_caller(client, "en")
    caller.send("1")
    caller.send("1")  # Graffiti sorts first (no group)
    caller.send("1")
    caller.send("124")
    caller.send("Paint on the wall")
    end = caller.send("1")
    assert "The dispatch centre will set its deadlines." in end
    assert Issue.objects.get().unit is None


@pytest.mark.parametrize("language", LANGUAGES)
def test_back_leads_up_from_every_list_and_prompt(client, lines, language, neighbour):
    report_outage(lines[0].jurisdiction, neighbour)
    caller = new_caller(client, language)
    menu = caller.screens[-1]
    caller.send("1")
    assert caller.send("0") == menu  # categories → menu
    category = caller.send("1")
    caller.send("1")  # the outage's question
    assert caller.send("0") == category  # question → categories
    place = caller.send("2")  # the pothole: where is it?
    caller.send("2")
    assert caller.send("0") == place  # area search → where
    search = caller.send("2")
    caller.send("ward 12")
    assert caller.send("0") == search  # area list → area search
    caller.send("Ward 124")
    assert SAY["describe"][language] in caller.send("1")

    again = UssdPhone(client)
    assert SAY["resume"][language] in again.dial()  # the first session stopped mid-way
    assert again.send("2") == menu  # start again
    again.send("2")
    assert again.send("0") == menu  # push → menu
    report_outage(lines[0].jurisdiction, Citizen.objects.get(phone=PHONE))
    again.send("3")
    assert again.send("0") == menu  # my issues → menu


def test_number_and_date_questions_are_typed(client, lines, power_outage):
    power_outage.questions.create(
        code="poles",
        description="How many poles are down?",
        datatype="number",
        required=True,
        order=2,
    )
    power_outage.questions.create(
        code="since",
        description="Since when?",
        datatype="datetime",
        required=True,
        order=3,
    )
    caller = new_caller(client, "en")
    caller.send("1")
    caller.send("1")
    assert "How many poles are down?\nEnter a number:" in caller.send("2")
    assert "That is not a number." in caller.send("many")
    assert "Since when?" in caller.send("3")
    assert "Write the date and time like" in caller.send("yesterday")
    caller.send("2026-03-02 06:30")
    for value in ("1", "124", "Poles down in the storm"):
        caller.send(value)
    assert caller.send("1").startswith("END ")
    assert Issue.objects.get().answers == {
        "extent": "street",
        "poles": 3,
        "since": "2026-03-02T06:30:00+02:00",
    }
