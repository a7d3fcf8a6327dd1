"""The back office's own use cases: internal notes, follow-ups, escalating now, a unit's
escalation rules."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from civicdesk.alerts.models import Alert
from civicdesk.backoffice.models import FollowUp
from civicdesk.backoffice.services import (
    escalate_now,
    log_follow_up,
    remove_escalation_rule,
    save_escalation_rule,
)
from civicdesk.issues.services import add_note, reject
from civicdesk.slawatch.models import EscalationRule
from civicdesk.slawatch.services import sweep
from civicdesk.timekeeping import now
from civicdesk.timeline.models import Event
from conftest import report_outage

pytestmark = pytest.mark.django_db


@pytest.fixture
def outage(jurisdiction, electricity, reporter):
    return report_outage(jurisdiction, reporter)


def test_a_note_is_internal(outage, staff):
    event = add_note(outage, staff, "  Cable theft suspected  ")
    assert (event.kind, event.public, event.note) == ("note", False, "Cable theft suspected")
    assert not Event.objects.filter(issue=outage, kind="note", public=True).exists()


def test_an_empty_note_is_refused(outage, staff):
    with pytest.raises(ValidationError) as error:
        add_note(outage, staff, " ")
    assert "note" in error.value.message_dict
    assert not Event.objects.filter(kind="note").exists()


def test_a_follow_up_records_who_what_and_by_when(outage, dispatcher):
    follow_up = log_follow_up(
        outage,
        dispatcher,
        contacted="City Power depot, Mr Naidoo",
        promised="Crew on site",
        promised_for=date(2026, 11, 25),
    )
    assert follow_up.recorded_by == dispatcher
    assert follow_up.contacted_at is not None
    event = Event.objects.get(issue=outage, kind="follow_up")
    assert not event.public
    assert "Crew on site by 2026-11-25" in event.note


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"contacted": " "}, "contacted"),
        ({"contacted": "Depot", "contacted_at": now() + timedelta(days=1)}, "contacted_at"),
        ({"contacted": "Depot", "promised_for": date(2026, 12, 1)}, "promised"),
    ],
)
def test_a_bad_follow_up_changes_nothing(outage, dispatcher, fields, field):
    with pytest.raises(ValidationError) as error:
        log_follow_up(outage, dispatcher, **fields)
    assert field in error.value.message_dict
    assert not FollowUp.objects.exists()
    assert not Event.objects.filter(kind="follow_up").exists()


def test_escalate_now_tells_the_units_managers(outage, dispatcher, manager):
    assert escalate_now(outage, dispatcher, "Two days, no crew") == 1
    alert = Alert.objects.get(kind="escalation")
    assert alert.user == manager
    assert alert.payload["manual"] is True
    assert alert.payload["note"] == "Two days, no crew"
    assert Event.objects.get(issue=outage, kind="escalated").public is False


def test_escalate_now_without_managers_reaches_the_units_inbox(outage, dispatcher, electricity):
    assert escalate_now(outage, dispatcher) == 1
    assert Alert.objects.get(kind="escalation").unit == electricity


def test_escalate_now_needs_an_open_routed_issue(outage, dispatcher):
    reject(outage, dispatcher, "Not ours")
    with pytest.raises(ValidationError):
        escalate_now(outage, dispatcher)
    assert not Alert.objects.filter(kind="escalation").exists()


def test_a_rule_saved_here_is_applied_by_the_sla_watch(
    jurisdiction, electricity, staff, manager, reporter
):
    rule = save_escalation_rule(
        EscalationRule(
            unit=electricity,
            clock="resolution",
            after=timedelta(hours=2),
            recipient=EscalationRule.Recipient.USER,
            user=staff,
            email="ignored@example.org",
        )
    )
    assert rule.email == ""  # only what goes with the recipient is kept
    issue = report_outage(jurisdiction, reporter)
    sweep(issue.resolution_due + timedelta(hours=3))
    assert Alert.objects.filter(kind="escalation", user=staff, issue=issue).count() == 1


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"recipient": "user"}, "user"),
        ({"recipient": "email"}, "email"),
        ({"recipient": "managers", "after": timedelta(hours=-1)}, "after"),
        ({"recipient": "managers", "repeat_every": timedelta(minutes=1)}, "repeat_every"),
    ],
)
def test_a_bad_rule_is_refused(electricity, fields, field):
    rule = EscalationRule(unit=electricity, clock="resolution", after=timedelta(hours=1))
    for name, value in fields.items():
        setattr(rule, name, value)
    with pytest.raises(ValidationError) as error:
        save_escalation_rule(rule)
    assert field in error.value.message_dict
    assert not EscalationRule.objects.exists()


def test_a_rule_cannot_name_someone_outside_the_unit(electricity, roads_staff):
    rule = EscalationRule(
        unit=electricity, after=timedelta(hours=1), recipient="user", user=roads_staff
    )
    with pytest.raises(ValidationError) as error:
        save_escalation_rule(rule)
    assert "user" in error.value.message_dict


def test_removing_a_rule(electricity):
    rule = save_escalation_rule(
        EscalationRule(unit=electricity, after=timedelta(hours=1), recipient="managers")
    )
    remove_escalation_rule(rule)
    assert not EscalationRule.objects.exists()
