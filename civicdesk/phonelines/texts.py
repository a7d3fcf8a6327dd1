"""What the phone menus and text replies say, translatable, and how a USSD screen is laid
out: at most SCREEN_LIMIT characters, long lists in pages with a "more" option."""

from collections.abc import Sequence

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

SCREEN_LIMIT = 160
LABEL_LIMIT = 40
MORE_CHOICE = "98"
BACK_CHOICE = "0"

# Shown before a language is chosen, so in all three languages at once.
LANGUAGE_MENU = "Choose language / Khetha ulimi / Kies taal\n1. English\n2. isiZulu\n3. Afrikaans"
LANGUAGES = ("en", "zu", "af")
LANGUAGE_NAMES = {"en": "English", "zu": "isiZulu", "af": "Afrikaans"}

MENU = _("Civic Desk\n1. Report a problem\n2. Push an issue\n3. My issues\n4. Language")
RESUME = _("You did not finish last time.\n1. Continue\n2. Start again")
MORE = pgettext_lazy("ussd", "98. More")
BACK = pgettext_lazy("ussd", "0. Back")
NOT_A_CHOICE = _("Choose a number from the list.")
CATEGORY_HEADER = _("What is the problem?")
ENTER_NUMBER = _("Enter a number:")
ENTER_TEXT = _("Type your answer:")
ENTER_DATETIME = _("Enter date and time like 2026-03-02 06:30:")
NOT_A_NUMBER = _("That is not a number.")
NOT_A_DATETIME = _("Write the date and time like 2026-03-02 06:30.")
EMPTY_ANSWER = _("Please type an answer.")
PLACE = _("Where is it?\n1. Ward number\n2. Suburb or area name")
PLACE_LAST = _("3. Same area as last time: %(area)s")
WARD_PROMPT = _("Enter the ward number:")
NO_WARD = _("There is no ward %(number)s here.")
AREA_PROMPT = _("Type the first letters of your suburb or area:")
AREA_TOO_SHORT = _("Type at least 3 letters.")
NO_AREA = _("No area is called %(query)s.")
AREA_HEADER = _("Choose the area:")
DESCRIPTION_PROMPT = _("Describe the problem in a few words:")
DESCRIPTION_SHORT = _("Please write a few more words.")
CONFIRM = _("Report %(issue_type)s in %(area)s?\n1. Send\n2. Cancel")
REPORTED = _("Thank you. Your issue number is %(issue)s.")
DEADLINES = _("Response by %(response)s, fix by %(resolution)s.")
NO_DEADLINES = _("The dispatch centre will set its deadlines.")
CANCELLED = _("Your report was not sent.")
REPORT_LIMIT = _("You have sent as many reports as we take in a day. Please try tomorrow.")
PUSH_PROMPT = _("Enter the number of the issue to push:")
NO_ISSUE = _("There is no issue number %(issue)s.")
PUSHED = _("Thank you for pushing issue %(issue)s (%(issue_type)s). We will send you its news.")
OWN_ISSUE = _("Issue %(issue)s is your own report: you follow it already.")
ALREADY_PUSHED = _("You already push issue %(issue)s.")
NOT_OPEN = _("Issue %(issue)s is %(status)s: it can no longer be pushed.")
MINE_HEADER = _("Your issues:")
NO_ISSUES = _("You have no issues yet.")
UNAVAILABLE = _("This service is not available on this number.")
TOO_MANY = _("Too many requests from your number. Please try again later.")

STATUS_HEAD = _("Issue %(issue)s: %(issue_type)s, %(area)s")
STATUS_LINE = pgettext_lazy("phone", "Status: %(status)s")
RESPONDED = _("Response: %(at)s")
RESPONSE_DUE = _("Response by %(at)s")
RESOLVED = _("Fixed: %(at)s")
RESOLUTION_DUE = _("Fix by %(at)s")
LATE = _("%(deadline)s (late)")
NO_TARGET = _("No deadline yet.")
UNKNOWN_AREA = pgettext_lazy("place", "place not known")

# Statuses as the phone says them (short; the web's labels live with the citizens' pages).
STATUS = {
    "submitted": pgettext_lazy("phone status", "received"),
    "acknowledged": pgettext_lazy("phone status", "acknowledged"),
    "needs_info": pgettext_lazy("phone status", "waiting on the reporter"),
    "in_progress": pgettext_lazy("phone status", "in progress"),
    "resolved": pgettext_lazy("phone status", "resolved"),
    "closed": pgettext_lazy("phone status", "closed"),
    "duplicate": pgettext_lazy("phone status", "a duplicate"),
    "rejected": pgettext_lazy("phone status", "rejected"),
    "reopened": pgettext_lazy("phone status", "reopened"),
}

# Text messages.
HELP = _(
    "Civic Desk: send STATUS 123, PUSH 123, REPORT pothole 124 a few words, STOP or START. "
    "Language: ENGLISH, ZULU, AFRIKAANS."
)
STOPPED = _("You will get no more SMS alerts. Send START to get them again.")
STARTED = _("SMS alerts are on again. Send STOP to end them.")
LANGUAGE_CHOSEN = _("From now on we write to you in %(language)s.")
STATUS_USAGE = _("Send STATUS and the issue number, e.g. STATUS 1234.")
PUSH_USAGE = _("Send PUSH and the issue number, e.g. PUSH 1234.")
REPORT_USAGE = _(
    "To report send REPORT, the problem, the ward number and a few words, e.g. %(example)s"
)
UNKNOWN_TYPE = _("We do not know the problem %(word)s. Try one of: %(words)s")
AMBIGUOUS_TYPE = _("%(word)s could be: %(words)s. Send one of these words.")
MISSING_WARD = _("Which ward? Send REPORT %(word)s, the ward number and a few words.")
UNKNOWN_WARD = _(
    "There is no ward %(number)s here. Send REPORT %(word)s, the ward number and a few words."
)
MISSING_DESCRIPTION = _(
    "Add a few words about the problem: REPORT %(word)s %(ward)s and your words."
)
NEEDS_ANSWERS = _("%(issue_type)s needs answers to questions: dial %(code)s to report it.")
NEEDS_ANSWERS_WEB = _("%(issue_type)s needs answers to questions: report it on the website.")
NO_REPORTING = _("Reports cannot be sent to this number.")


def label(text: str, limit: int = LABEL_LIMIT) -> str:
    """A name in a list or a sentence, cut short so that a screen has room for it."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def pages(header: str, labels: Sequence[str]) -> list[range]:
    """Split a list into screens: each holds the header, an error line (room is kept for
    it), its entries numbered from 1, "more" unless it is the last, and "back"."""
    budget = SCREEN_LIMIT - len(str(NOT_A_CHOICE)) - 1
    fixed = len(header) + 1 + len(str(BACK))
    more = len(str(MORE)) + 1
    result: list[range] = []
    start = 0
    while start < len(labels) or not result:
        used, end = fixed, start
        while end < len(labels):
            line = len(f"{end - start + 1}. {label(labels[end])}") + 1
            last = end + 1 == len(labels)
            if used + line + (0 if last else more) > budget and end > start:
                break
            used += line
            end += 1
        result.append(range(start, end))
        start = end
        if start >= len(labels):
            break
    return result


def list_screen(header: str, labels: Sequence[str], page: int, error: str = "") -> str:
    """Page `page` of a list as a screen."""
    chunks = pages(header, labels)
    shown = chunks[min(page, len(chunks) - 1)]
    lines = [error] if error else []
    lines.append(header)
    lines.extend(f"{i + 1}. {label(labels[n])}" for i, n in enumerate(shown))
    if page < len(chunks) - 1:
        lines.append(str(MORE))
    lines.append(str(BACK))
    return "\n".join(lines)


def with_error(error: str, screen: str) -> str:
    return f"{error}\n{screen}" if error else screen
