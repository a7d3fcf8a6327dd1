"""Commands by text message: STATUS, PUSH, REPORT, STOP, START, a language, else help."""

import re
from dataclasses import dataclass

from django.utils import translation

from civicdesk.accounts.models import Citizen
from civicdesk.catalogue.models import IssueType
from civicdesk.issues.models import Issue, Source
from civicdesk.phonelines import actions, lookups, texts
from civicdesk.phonelines.models import InboundSms, PhoneLine

Outcome = InboundSms.Outcome
LANGUAGE_WORDS = {
    "ENGLISH": "en",
    "ZULU": "zu",
    "ISIZULU": "zu",
    "AFRIKAANS": "af",
}
WORD_LIST_LIMIT = 80
NOT_A_WORD = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class Answer:
    outcome: str
    reply: str
    issue: Issue | None = None


def command(text: str, citizen: Citizen, line: PhoneLine | None) -> Answer:
    """What a message asks, done, and the reply in the citizen's language."""
    words = text.split()
    keyword = words[0].upper().strip(".,:;!") if words else ""
    rest = words[1:]
    if keyword in LANGUAGE_WORDS:
        language = LANGUAGE_WORDS[keyword]
        actions.choose_language(citizen, language)
        with translation.override(language):
            name = texts.LANGUAGE_NAMES[language]
            return Answer(Outcome.ANSWERED, str(texts.LANGUAGE_CHOSEN) % {"language": name})
    if keyword == "STOP":
        actions.stop_sms(citizen)
        return Answer(Outcome.STOPPED, str(texts.STOPPED))
    if keyword == "START":
        actions.start_sms(citizen)
        return Answer(Outcome.STARTED, str(texts.STARTED))
    if keyword in ("STATUS", "PUSH"):
        issue = lookups.find_issue(rest[0]) if rest else None
        if not rest:
            usage = texts.STATUS_USAGE if keyword == "STATUS" else texts.PUSH_USAGE
            return Answer(Outcome.HELP, str(usage))
        if issue is None:
            return Answer(Outcome.ANSWERED, str(texts.NO_ISSUE) % {"issue": rest[0][:12]})
        if keyword == "STATUS":
            return Answer(Outcome.ANSWERED, lookups.status_text(issue, texts.SCREEN_LIMIT), issue)
        return Answer(Outcome.PUSHED, actions.push_text(citizen, issue), issue)
    if keyword == "REPORT":
        return _report(rest, citizen, line)
    return Answer(Outcome.HELP, str(texts.HELP))


def _words_of(kind: IssueType) -> set[str]:
    """The words that name an issue type in a REPORT: its code, keywords and name."""
    phrases = [kind.code, kind.name, *kind.keywords.split(",")]
    return {NOT_A_WORD.sub("", p.lower()) for p in phrases if p.strip()}


def _word_list(kinds: list[IssueType]) -> str:
    listed = ""
    for kind in kinds:
        more = f"{listed}, {kind.code}" if listed else kind.code
        if len(more) > WORD_LIST_LIMIT:
            break
        listed = more
    return listed


def _report(rest: list[str], citizen: Citizen, line: PhoneLine | None) -> Answer:
    if line is None:
        return Answer(Outcome.HELP, str(texts.NO_REPORTING))
    jurisdiction = line.jurisdiction
    kinds = lookups.issue_types(jurisdiction)
    if not rest:
        example = f"REPORT {kinds[0].code if kinds else 'pothole'} 124 …"
        return Answer(Outcome.HELP, str(texts.REPORT_USAGE) % {"example": example})
    if not actions.reports_left(citizen):
        return Answer(Outcome.ANSWERED, str(texts.REPORT_LIMIT))
    word = rest[0][:30]
    wanted = NOT_A_WORD.sub("", word.lower())
    matches = [k for k in kinds if wanted and wanted in _words_of(k)]
    if not matches:
        fields = {"word": word, "words": _word_list(kinds)}
        return Answer(Outcome.HELP, str(texts.UNKNOWN_TYPE) % fields)
    if len(matches) > 1:
        fields = {"word": word, "words": _word_list(matches)}
        return Answer(Outcome.HELP, str(texts.AMBIGUOUS_TYPE) % fields)
    kind = matches[0]
    if lookups.questions_to_ask(kind):
        ussd = PhoneLine.objects.filter(
            channel=PhoneLine.Channel.USSD, jurisdiction=jurisdiction, active=True
        ).first()
        if ussd is None:
            return Answer(Outcome.HELP, str(texts.NEEDS_ANSWERS_WEB) % {"issue_type": kind.name})
        fields = {"issue_type": kind.name, "code": ussd.code}
        return Answer(Outcome.HELP, str(texts.NEEDS_ANSWERS) % fields)
    if len(rest) < 2:
        return Answer(Outcome.HELP, str(texts.MISSING_WARD) % {"word": kind.code})
    area = lookups.ward_by_number(jurisdiction, rest[1])
    if area is None:
        fields = {"number": rest[1][:12], "word": kind.code}
        return Answer(Outcome.HELP, str(texts.UNKNOWN_WARD) % fields)
    description = " ".join(rest[2:])
    if len(description) < 3:
        fields = {"word": kind.code, "ward": rest[1]}
        return Answer(Outcome.HELP, str(texts.MISSING_DESCRIPTION) % fields)
    issue = actions.report(
        citizen=citizen,
        jurisdiction=jurisdiction,
        issue_type_code=kind.code,
        area=area,
        description=description[:4000],
        answers={},
        source=Source.SMS,
    )
    actions.drop_receipt(issue)
    thanks = str(texts.REPORTED) % {"issue": issue.pk}
    return Answer(Outcome.REPORTED, f"{thanks} {lookups.deadlines(issue)}", issue)
