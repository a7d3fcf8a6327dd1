import pytest
from django.core.exceptions import ValidationError

from civicdesk.issues.models import Issue, Push
from civicdesk.issues.services import Contact, citizen_for, push, reject, unpush
from conftest import report_outage


@pytest.fixture
def issue(wards, electricity, reporter) -> Issue:
    return report_outage(electricity.jurisdiction, reporter)


def test_unpushing_withdraws_the_push_and_lowers_the_count(issue, neighbour):
    push(issue, neighbour)
    push(issue, neighbour)  # a repeat changes nothing
    third, _ = push(issue, Contact(email="third@example.org"))
    assert unpush(issue, citizen_for(neighbour)) is True
    issue.refresh_from_db()
    assert issue.push_count == 1
    assert list(Push.objects.filter(issue=issue)) == [third]
    assert issue.events.filter(kind="unpushed", actor_role="citizen", public=True).count() == 1


def test_unpushing_without_a_push_changes_nothing(issue, neighbour, reporter):
    push(issue, neighbour)
    assert unpush(issue, citizen_for(reporter)) is False
    issue.refresh_from_db()
    assert issue.push_count == 1
    assert not issue.events.filter(kind="unpushed").exists()


def test_pushing_again_after_unpushing_counts_once_more(issue, neighbour):
    push(issue, neighbour)
    unpush(issue, citizen_for(neighbour))
    _, created = push(issue, neighbour)
    assert created
    assert Issue.objects.get(pk=issue.pk).push_count == 1


def test_unpushing_a_closed_issue_is_refused_and_keeps_the_push(issue, neighbour, dispatcher):
    push(issue, neighbour)
    reject(issue, dispatcher, "Not ours")
    with pytest.raises(ValidationError):
        unpush(issue, citizen_for(neighbour))
    assert Issue.objects.get(pk=issue.pk).push_count == 1
    assert Push.objects.filter(issue=issue).count() == 1
