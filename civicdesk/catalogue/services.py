"""Issue types and their questions: validating a citizen's answers."""

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.dateparse import parse_datetime

from civicdesk.catalogue.models import LIST_DATATYPES, Datatype, IssueType, Question

MAX_TEXT = {Datatype.STRING: 300, Datatype.TEXT: 4000}


def _clean_answer(question: Question, value: Any) -> Any:
    datatype = question.datatype
    if datatype == Datatype.MULTIVALUELIST:
        values = value if isinstance(value, list | tuple) else [value]
        keys = [str(v) for v in values if str(v) != ""]
        unknown = sorted(set(keys) - set(question.value_keys))
        if unknown:
            raise ValidationError(f"not one of the allowed values: {', '.join(unknown)}")
        return sorted(set(keys), key=question.value_keys.index)
    if isinstance(value, list | tuple):
        raise ValidationError("takes one value, not a list")
    text = str(value).strip()
    if datatype == Datatype.SINGLEVALUELIST:
        if text not in question.value_keys:
            raise ValidationError(f"{text!r} is not one of the allowed values")
        return text
    if datatype == Datatype.NUMBER:
        try:
            number = Decimal(text)
        except InvalidOperation as exc:
            raise ValidationError(f"{text!r} is not a number") from exc
        if not number.is_finite():
            raise ValidationError(f"{text!r} is not a number")
        return int(number) if number == number.to_integral_value() else float(number)
    if datatype == Datatype.DATETIME:
        try:
            parsed = parse_datetime(text)
        except ValueError:
            parsed = None
        if parsed is None or parsed.tzinfo is None:
            raise ValidationError(f"{text!r} is not an ISO 8601 date and time with a time zone")
        return parsed.isoformat()
    if len(text) > MAX_TEXT[datatype]:
        raise ValidationError(f"longer than {MAX_TEXT[datatype]} characters")
    return text


def validate_answers(issue_type: IssueType, answers: dict[str, Any] | None) -> dict[str, Any]:
    """Check answers against the type's questions; return them cleaned, keyed by code.

    Raises ValidationError with one message per question code that is wrong or missing."""
    answers = dict(answers or {})
    questions = [q for q in issue_type.questions.all() if q.variable]
    known = {q.code for q in questions}
    errors: dict[str, list[str]] = {}
    for code in sorted(set(answers) - known):
        errors[code] = [f"{issue_type.code} has no question {code!r}"]
    cleaned: dict[str, Any] = {}
    for question in questions:
        value = answers.get(question.code)
        if value in (None, "", [], ()):
            if question.required:
                errors[question.code] = ["this question is required"]
            continue
        try:
            cleaned[question.code] = _clean_answer(question, value)
        except ValidationError as exc:
            errors[question.code] = exc.messages
    if errors:
        raise ValidationError(errors)
    return cleaned


def validate_question(question: Question) -> None:
    """Invariants the admin and imports must keep: list types need values, others none."""
    is_list = question.datatype in LIST_DATATYPES
    values = question.values or []
    if is_list and not values:
        raise ValidationError({"values": "A list question needs its allowed values"})
    if not is_list and values:
        raise ValidationError({"values": "Only list questions take allowed values"})
    keys = []
    for value in values:
        if not isinstance(value, dict) or not {"key", "name"} <= set(value):
            raise ValidationError({"values": 'Each value needs a "key" and a "name"'})
        keys.append(str(value["key"]))
    if len(set(keys)) != len(keys):
        raise ValidationError({"values": "Value keys must be unique"})
