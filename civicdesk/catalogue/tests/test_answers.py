import pytest
from django.core.exceptions import ValidationError

from civicdesk.catalogue.models import Datatype, IssueType, Question
from civicdesk.catalogue.services import validate_answers, validate_question

VALUES = [{"key": "a", "name": "A"}, {"key": "b", "name": "B"}, {"key": "c", "name": "C"}]


@pytest.fixture
def burst_pipe(jurisdiction) -> IssueType:
    issue_type = IssueType.objects.create(jurisdiction=jurisdiction, code="burst", name="Burst")
    for order, (code, datatype, required) in enumerate(
        [
            ("meter", Datatype.STRING, False),
            ("depth", Datatype.NUMBER, False),
            ("since", Datatype.DATETIME, True),
            ("notes", Datatype.TEXT, False),
            ("size", Datatype.SINGLEVALUELIST, False),
            ("affected", Datatype.MULTIVALUELIST, False),
        ],
        start=1,
    ):
        is_list = datatype in (Datatype.SINGLEVALUELIST, Datatype.MULTIVALUELIST)
        Question.objects.create(
            issue_type=issue_type,
            code=code,
            description=code,
            datatype=datatype,
            required=required,
            order=order,
            values=VALUES if is_list else [],
        )
    Question.objects.create(
        issue_type=issue_type,
        code="safety",
        description="Keep away from the water",
        datatype=Datatype.STRING,
        variable=False,
        order=7,
    )
    return issue_type


def test_answers_of_every_datatype_are_cleaned(burst_pipe):
    cleaned = validate_answers(
        burst_pipe,
        {
            "meter": " M-12 ",
            "depth": "2.50",
            "since": "2026-11-23T06:00:00+02:00",
            "notes": "Water everywhere",
            "size": "b",
            "affected": ["c", "a", "c"],
        },
    )
    assert cleaned == {
        "meter": "M-12",
        "depth": 2.5,
        "since": "2026-11-23T06:00:00+02:00",
        "notes": "Water everywhere",
        "size": "b",
        "affected": ["a", "c"],
    }


@pytest.mark.parametrize(
    ("answers", "code"),
    [
        ({}, "since"),
        ({"since": "yesterday"}, "since"),
        ({"since": "2026-11-23T06:00:00"}, "since"),  # no time zone
        ({"since": "2026-11-23T06:00:00Z", "depth": "deep"}, "depth"),
        ({"since": "2026-11-23T06:00:00Z", "depth": "NaN"}, "depth"),
        ({"since": "2026-11-23T06:00:00Z", "size": "z"}, "size"),
        ({"since": "2026-11-23T06:00:00Z", "size": ["a", "b"]}, "size"),
        ({"since": "2026-11-23T06:00:00Z", "affected": ["a", "z"]}, "affected"),
        ({"since": "2026-11-23T06:00:00Z", "meter": "x" * 301}, "meter"),
        ({"since": "2026-11-23T06:00:00Z", "safety": "ok"}, "safety"),  # informational only
    ],
)
def test_bad_answers_are_reported_per_question(burst_pipe, answers, code):
    with pytest.raises(ValidationError) as caught:
        validate_answers(burst_pipe, answers)
    assert list(caught.value.message_dict) == [code]


def test_list_questions_need_values_and_others_none(burst_pipe):
    question = burst_pipe.questions.get(code="size")
    question.values = []
    with pytest.raises(ValidationError):
        validate_question(question)
    text = burst_pipe.questions.get(code="notes")
    text.values = VALUES
    with pytest.raises(ValidationError):
        text.full_clean()
    question.values = [{"key": "a", "name": "A"}, {"key": "a", "name": "again"}]
    with pytest.raises(ValidationError, match="unique"):
        validate_question(question)
