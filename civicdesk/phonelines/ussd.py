"""The USSD menu as a state machine: each callback's new input moves the session's state
on one step, and the state's screen is the answer. States are plain dicts (stored as
JSON on the session), so a session that timed out can be continued by the next one."""

from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.utils.dateparse import parse_datetime

from civicdesk.accounts.models import Citizen
from civicdesk.catalogue.models import LIST_DATATYPES, Datatype, Question
from civicdesk.issues.models import Issue, Source
from civicdesk.phonelines import actions, lookups, texts
from civicdesk.places.models import Jurisdiction

MENU = {"step": "menu"}
DESCRIPTION_MIN = 3
DESCRIPTION_MAX = 500


@dataclass
class Context:
    citizen: Citizen
    jurisdiction: Jurisdiction


@dataclass
class Move:
    """The outcome of one input: the next state (with an error to show on its screen),
    or the last screen of the session."""

    state: dict = field(default_factory=dict)
    error: str = ""
    end: str = ""
    issue: Issue | None = None


def start(ctx: Context, resumable: dict | None) -> dict:
    """The first state of a new session."""
    if not actions.language_chosen(ctx.citizen):
        return {"step": "language"}
    if resumable:
        return {"step": "resume", "saved": resumable}
    return dict(MENU)


def resumable(state: dict) -> bool:
    """Whether a session stopped in this state is worth continuing."""
    return state.get("step") not in (None, "language", "resume", "menu")


def _choice(value: str, count: int) -> int | None:
    """The 0-based entry a typed number picks among `count`, or None."""
    value = value.strip()
    if value.isdecimal() and 1 <= int(value) <= count:
        return int(value) - 1
    return None


def _pick(value: str, header: str, labels: list[str], page: int) -> tuple[str, int | None]:
    """What a typed value does on a page of a list: ("more"|"back"|"pick"|"bad", index)."""
    chunks = texts.pages(header, labels)
    value = value.strip()
    if value == texts.MORE_CHOICE and page < len(chunks) - 1:
        return "more", None
    if value == texts.BACK_CHOICE:
        return "back", None
    chunk = chunks[min(page, len(chunks) - 1)]
    chosen = _choice(value, len(chunk))
    return ("pick", chunk[chosen]) if chosen is not None else ("bad", None)


def _paged(state: dict, value: str, header: str, labels: list[str], back: dict) -> Move | int:
    """Moves within a paged list; the picked index when an entry was chosen."""
    page = state.get("page", 0)
    action, index = _pick(value, header, labels, page)
    if action == "more":
        return Move(state | {"page": page + 1})
    if action == "back":
        return Move(state | {"page": page - 1} if page else back)
    if action == "bad":
        return Move(state, error=str(texts.NOT_A_CHOICE))
    return index


# -- Screens -------------------------------------------------------------------------------


def screen(state: dict, ctx: Context, error: str = "") -> str:
    """The screen a state shows."""
    step = state["step"]
    j = ctx.jurisdiction
    if step == "language":
        return texts.with_error(error, texts.LANGUAGE_MENU)
    if step == "resume":
        return texts.with_error(error, str(texts.RESUME))
    if step == "menu":
        return texts.with_error(error, str(texts.MENU))
    if step == "category":
        names = [t.name for t in lookups.issue_types(j)]
        return texts.list_screen(str(texts.CATEGORY_HEADER), names, state["page"], error)
    if step == "question":
        question = _question(state, ctx)
        if question.datatype in LIST_DATATYPES:
            names = [str(v["name"]) for v in question.values]
            header = texts.label(question.description)
            return texts.list_screen(header, names, state["page"], error)
        prompt = {
            Datatype.NUMBER: texts.ENTER_NUMBER,
            Datatype.DATETIME: texts.ENTER_DATETIME,
        }.get(question.datatype, texts.ENTER_TEXT)
        return texts.with_error(error, f"{texts.label(question.description)}\n{prompt}")
    if step == "place":
        text = str(texts.PLACE)
        last = lookups.last_area(ctx.citizen, j)
        if last is not None:
            text += "\n" + str(texts.PLACE_LAST) % {"area": texts.label(last.name)}
        return texts.with_error(error, text)
    if step == "ward":
        return texts.with_error(error, str(texts.WARD_PROMPT))
    if step == "area_search":
        return texts.with_error(error, str(texts.AREA_PROMPT))
    if step == "area_pick":
        names = [a.name for a in lookups.areas_named(j, state["query"])]
        return texts.list_screen(str(texts.AREA_HEADER), names, state["page"], error)
    if step == "description":
        return texts.with_error(error, str(texts.DESCRIPTION_PROMPT))
    if step == "confirm":
        area = lookups.area_by_id(j, state["area"])
        kind = lookups.issue_type(j, state["type"])
        fields = {
            "issue_type": texts.label(kind.name if kind else state["type"]),
            "area": texts.label(area.name if area else ""),
        }
        return texts.with_error(error, str(texts.CONFIRM) % fields)
    if step == "push":
        return texts.with_error(error, str(texts.PUSH_PROMPT))
    if step == "mine":
        labels = [_issue_label(i) for i in lookups.issues_of(ctx.citizen)]
        return texts.list_screen(str(texts.MINE_HEADER), labels, state["page"], error)
    raise ValueError(f"unknown step {step!r}")


def _issue_label(issue: Issue) -> str:
    return f"#{issue.pk} {issue.issue_type.name}"


def _question(state: dict, ctx: Context) -> Question:
    kind = lookups.issue_type(ctx.jurisdiction, state["type"])
    return lookups.questions_to_ask(kind)[state["q"]]


# -- Moves ---------------------------------------------------------------------------------


def advance(state: dict, value: str, ctx: Context) -> Move:
    """The move one input makes from a state. A state naming an issue type or an area that
    has gone since (changed in the admin) starts again from the menu."""
    if _stale(state.get("saved", state), ctx):
        return Move(dict(MENU), error=str(texts.NOT_A_CHOICE))
    return MOVES[state["step"]](state, value, ctx)


def _stale(state: dict, ctx: Context) -> bool:
    j = ctx.jurisdiction
    if "type" in state:
        kind = lookups.issue_type(j, state["type"])
        if kind is None or state.get("q", 0) >= max(len(lookups.questions_to_ask(kind)), 1):
            return True
    return "area" in state and lookups.area_by_id(j, state["area"]) is None


def _on_language(state: dict, value: str, ctx: Context) -> Move:
    chosen = _choice(value, len(texts.LANGUAGES))
    if chosen is None:
        return Move(state, error=str(texts.NOT_A_CHOICE))
    actions.choose_language(ctx.citizen, texts.LANGUAGES[chosen])
    return Move(dict(MENU))


def _on_resume(state: dict, value: str, ctx: Context) -> Move:
    value = value.strip()
    if value == "1":
        return Move(state["saved"])
    if value == "2":
        return Move(dict(MENU))
    return Move(state, error=str(texts.NOT_A_CHOICE))


def _on_menu(state: dict, value: str, ctx: Context) -> Move:
    value = value.strip()
    if value == "1":
        if not actions.reports_left(ctx.citizen):
            return Move(end=str(texts.REPORT_LIMIT))
        return Move({"step": "category", "page": 0})
    if value == "2":
        return Move({"step": "push"})
    if value == "3":
        if not lookups.issues_of(ctx.citizen):
            return Move(end=str(texts.NO_ISSUES))
        return Move({"step": "mine", "page": 0})
    if value == "4":
        return Move({"step": "language"})
    return Move(state, error=str(texts.NOT_A_CHOICE))


def _on_category(state: dict, value: str, ctx: Context) -> Move:
    kinds = lookups.issue_types(ctx.jurisdiction)
    picked = _paged(state, value, str(texts.CATEGORY_HEADER), [t.name for t in kinds], MENU)
    if isinstance(picked, Move):
        return picked
    report = {"type": kinds[picked].code, "answers": {}}
    return Move(_next_question(report, ctx, 0))


def _next_question(report: dict, ctx: Context, index: int) -> dict:
    kind = lookups.issue_type(ctx.jurisdiction, report["type"])
    if index < len(lookups.questions_to_ask(kind)):
        return report | {"step": "question", "q": index, "page": 0}
    return {"step": "place", "type": report["type"], "answers": report["answers"]}


def _report_fields(state: dict) -> dict:
    return {"type": state["type"], "answers": state["answers"]}


def _on_question(state: dict, value: str, ctx: Context) -> Move:
    question = _question(state, ctx)
    if question.datatype in LIST_DATATYPES:
        names = [str(v["name"]) for v in question.values]
        back = {"step": "category", "page": 0}
        picked = _paged(state, value, texts.label(question.description), names, back)
        if isinstance(picked, Move):
            return picked
        key = str(question.values[picked]["key"])
        answer: object = [key] if question.datatype == Datatype.MULTIVALUELIST else key
    else:
        answer, error = _typed_answer(question, value, ctx)
        if error:
            return Move(state, error=error)
    report = _report_fields(state)
    report["answers"] = report["answers"] | {question.code: answer}
    return Move(_next_question(report, ctx, state["q"] + 1))


def _typed_answer(question: Question, value: str, ctx: Context) -> tuple[object, str]:
    value = value.strip()
    if not value:
        return None, str(texts.EMPTY_ANSWER)
    if question.datatype == Datatype.NUMBER:
        try:
            number = float(value.replace(",", "."))
        except ValueError:
            return None, str(texts.NOT_A_NUMBER)
        return (int(number) if number.is_integer() else number), ""
    if question.datatype == Datatype.DATETIME:
        try:
            parsed = parse_datetime(value.replace(" ", "T", 1))
        except ValueError:
            parsed = None
        if parsed is None:
            return None, str(texts.NOT_A_DATETIME)
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=ZoneInfo(ctx.jurisdiction.time_zone))
        return parsed.isoformat(), ""
    return value[:300], ""


def _on_place(state: dict, value: str, ctx: Context) -> Move:
    value = value.strip()
    report = _report_fields(state)
    if value == "1":
        return Move(report | {"step": "ward"})
    if value == "2":
        return Move(report | {"step": "area_search"})
    last = lookups.last_area(ctx.citizen, ctx.jurisdiction)
    if value == "3" and last is not None:
        return Move(report | {"step": "description", "area": last.pk})
    return Move(state, error=str(texts.NOT_A_CHOICE))


def _on_ward(state: dict, value: str, ctx: Context) -> Move:
    area = lookups.ward_by_number(ctx.jurisdiction, value)
    if area is None:
        return Move(state, error=str(texts.NO_WARD) % {"number": texts.label(value.strip())[:12]})
    return Move(_report_fields(state) | {"step": "description", "area": area.pk})


def _on_area_search(state: dict, value: str, ctx: Context) -> Move:
    query = value.strip()
    if query == texts.BACK_CHOICE:
        return Move(_report_fields(state) | {"step": "place"})
    if len(query) < 3:
        return Move(state, error=str(texts.AREA_TOO_SHORT))
    if not lookups.areas_named(ctx.jurisdiction, query):
        return Move(state, error=str(texts.NO_AREA) % {"query": query[:20]})
    return Move(_report_fields(state) | {"step": "area_pick", "query": query[:40], "page": 0})


def _on_area_pick(state: dict, value: str, ctx: Context) -> Move:
    areas = lookups.areas_named(ctx.jurisdiction, state["query"])
    back = _report_fields(state) | {"step": "area_search"}
    picked = _paged(state, value, str(texts.AREA_HEADER), [a.name for a in areas], back)
    if isinstance(picked, Move):
        return picked
    return Move(_report_fields(state) | {"step": "description", "area": areas[picked].pk})


def _on_description(state: dict, value: str, ctx: Context) -> Move:
    words = " ".join(value.split())
    if len(words) < DESCRIPTION_MIN:
        return Move(state, error=str(texts.DESCRIPTION_SHORT))
    return Move(state | {"step": "confirm", "description": words[:DESCRIPTION_MAX]})


def _on_confirm(state: dict, value: str, ctx: Context) -> Move:
    value = value.strip()
    if value == "2":
        return Move(end=str(texts.CANCELLED))
    if value != "1":
        return Move(state, error=str(texts.NOT_A_CHOICE))
    if not actions.reports_left(ctx.citizen):
        return Move(end=str(texts.REPORT_LIMIT))
    area = lookups.area_by_id(ctx.jurisdiction, state["area"])
    issue = actions.report(
        citizen=ctx.citizen,
        jurisdiction=ctx.jurisdiction,
        issue_type_code=state["type"],
        area=area,
        description=state["description"],
        answers=state["answers"],
        source=Source.USSD,
    )
    thanks = str(texts.REPORTED) % {"issue": issue.pk}
    return Move(end=f"{thanks} {lookups.deadlines(issue)}", issue=issue)


def _on_push(state: dict, value: str, ctx: Context) -> Move:
    if value.strip() == texts.BACK_CHOICE:
        return Move(dict(MENU))
    issue = lookups.find_issue(value)
    if issue is None:
        return Move(state, error=str(texts.NO_ISSUE) % {"issue": value.strip()[:12]})
    return Move(end=actions.push_text(ctx.citizen, issue), issue=issue)


def _on_mine(state: dict, value: str, ctx: Context) -> Move:
    issues = lookups.issues_of(ctx.citizen)
    labels = [_issue_label(i) for i in issues]
    picked = _paged(state, value, str(texts.MINE_HEADER), labels, MENU)
    if isinstance(picked, Move):
        return picked
    status = lookups.status_text(issues[picked], texts.SCREEN_LIMIT)
    return Move(end=status, issue=issues[picked])


MOVES = {
    "language": _on_language,
    "resume": _on_resume,
    "menu": _on_menu,
    "category": _on_category,
    "question": _on_question,
    "place": _on_place,
    "ward": _on_ward,
    "area_search": _on_area_search,
    "area_pick": _on_area_pick,
    "description": _on_description,
    "confirm": _on_confirm,
    "push": _on_push,
    "mine": _on_mine,
}
