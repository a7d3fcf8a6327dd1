"""What the phone channels read: issue types and wards of a jurisdiction (from the cached
reference data), a citizen's issues, and an issue's status and deadlines as text."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from django.db.models import Q

from civicdesk import timekeeping
from civicdesk.accounts.models import Citizen
from civicdesk.catalogue.models import IssueType, Question
from civicdesk.issues.models import Issue, Push
from civicdesk.issues.reference import reference
from civicdesk.phonelines import texts
from civicdesk.places.models import Area, Jurisdiction

AREA_MATCHES = 30
MY_ISSUES = 20
TRAILING_NUMBER = re.compile(r"(\d+)\D*$")


def issue_types(jurisdiction: Jurisdiction) -> list[IssueType]:
    """The active issue types, by group then name (the category menu's order)."""
    found = reference(jurisdiction).issue_types.values()
    return sorted(found, key=lambda t: (t.group.lower(), t.name.lower(), t.code))


def issue_type(jurisdiction: Jurisdiction, code: str) -> IssueType | None:
    return reference(jurisdiction).issue_types.get(code)


def questions_to_ask(issue_type: IssueType) -> list[Question]:
    """The questions a phone report must answer: the required ones (optional questions
    would make a USSD session too long)."""
    return [q for q in issue_type.questions.all() if q.variable and q.required]


def ward_by_number(jurisdiction: Jurisdiction, text: str) -> Area | None:
    """The area whose code is `text`, else the ward whose name ends in that number
    ("Ward 124" for 124 or 0124)."""
    text = text.strip()
    if not text.isdecimal():
        return None
    areas = reference(jurisdiction).areas
    for area in areas:
        if area.code and area.code == text:
            return area
    for area in areas:
        found = TRAILING_NUMBER.search(area.name)
        if area.kind == "ward" and found and int(found.group(1)) == int(text):
            return area
    return None


def areas_named(jurisdiction: Jurisdiction, query: str) -> list[Area]:
    """Areas (suburbs, regions, wards) whose name has a word starting with `query`, then
    those containing it, by name."""
    query = query.strip().lower()
    starts, contains = [], []
    for area in reference(jurisdiction).areas:
        name = area.name.lower()
        if any(word.startswith(query) for word in name.split()) or name.startswith(query):
            starts.append(area)
        elif query in name:
            contains.append(area)
    key = lambda a: a.name.lower()  # noqa: E731
    return (sorted(starts, key=key) + sorted(contains, key=key))[:AREA_MATCHES]


def area_by_id(jurisdiction: Jurisdiction, area_id: int) -> Area | None:
    return next((a for a in reference(jurisdiction).areas if a.pk == area_id), None)


def point_in(jurisdiction: Jurisdiction, area: Area) -> tuple[float, float]:
    """A point surely inside the area (shapely's representative point): a report made
    without GPS is placed there."""
    known = reference(jurisdiction)
    index = next(i for i, a in enumerate(known.areas) if a.pk == area.pk)
    point = known.shapes.geometries[index].representative_point()
    return point.y, point.x


def last_area(citizen: Citizen, jurisdiction: Jurisdiction) -> Area | None:
    """The area of the citizen's latest report in the jurisdiction."""
    area_id = (
        Issue.objects.filter(reporter=citizen, jurisdiction=jurisdiction, area__isnull=False)
        .order_by("-submitted_at", "-id")
        .values_list("area_id", flat=True)
        .first()
    )
    return area_by_id(jurisdiction, area_id) if area_id else None


def issues_of(citizen: Citizen) -> list[Issue]:
    """The issues the citizen reported or pushes, newest first."""
    pushed = Push.objects.filter(citizen=citizen).values("issue_id")
    return list(
        Issue.objects.filter(Q(reporter=citizen) | Q(id__in=pushed))
        .select_related("issue_type", "area", "jurisdiction")
        .defer("area__geometry")
        .order_by("-submitted_at", "-id")[:MY_ISSUES]
    )


def find_issue(text: str) -> Issue | None:
    """The issue with this public reference (its number, with or without "#")."""
    text = text.strip().lstrip("#")
    if not text.isdecimal() or len(text) > 12:
        return None
    return (
        Issue.objects.select_related("issue_type", "area", "jurisdiction")
        .defer("area__geometry")
        .filter(pk=int(text))
        .first()
    )


def local(at: datetime, jurisdiction: Jurisdiction) -> str:
    return at.astimezone(ZoneInfo(jurisdiction.time_zone)).strftime("%Y-%m-%d %H:%M")


def deadlines(issue: Issue) -> str:
    """The sentence giving the two deadlines of a new issue."""
    if issue.response_due is None or issue.resolution_due is None:
        return str(texts.NO_DEADLINES)
    return str(texts.DEADLINES) % {
        "response": local(issue.response_due, issue.jurisdiction),
        "resolution": local(issue.resolution_due, issue.jurisdiction),
    }


def _deadline_line(template: str, due: datetime, issue: Issue, now: datetime) -> str:
    line = str(template) % {"at": local(due, issue.jurisdiction)}
    return str(texts.LATE) % {"deadline": line} if due < now else line


def status_text(issue: Issue, limit: int | None = None) -> str:
    """What a citizen is told about an issue: its status and its deadlines, met or due.
    Within `limit` characters, the issue type and area names are cut shorter as needed."""
    now = timekeeping.now()
    area = issue.area.name if issue.area else str(texts.UNKNOWN_AREA)
    lines = [
        str(texts.STATUS_LINE) % {"status": status_word(issue.status)},
    ]
    if issue.responded_at:
        lines.append(str(texts.RESPONDED) % {"at": local(issue.responded_at, issue.jurisdiction)})
    elif issue.response_due:
        lines.append(_deadline_line(texts.RESPONSE_DUE, issue.response_due, issue, now))
    if issue.resolved_at:
        lines.append(str(texts.RESOLVED) % {"at": local(issue.resolved_at, issue.jurisdiction)})
    elif issue.resolution_due:
        lines.append(_deadline_line(texts.RESOLUTION_DUE, issue.resolution_due, issue, now))
    if not (issue.response_due or issue.resolution_due):
        lines.append(str(texts.NO_TARGET))
    for room in (texts.LABEL_LIMIT, 20, 12, 6):
        head = str(texts.STATUS_HEAD) % {
            "issue": issue.pk,
            "issue_type": texts.label(issue.issue_type.name, room),
            "area": texts.label(area, room),
        }
        text = "\n".join([head, *lines])
        if limit is None or len(text) <= limit:
            break
    return text


def status_word(status: str) -> str:
    return str(texts.STATUS.get(status, status))
