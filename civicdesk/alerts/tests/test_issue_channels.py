"""A citizen's channel for one issue (alerts.IssueAlertChoice) decides how that issue's
alerts are written, one by one and in the set-based fan-out, and a choice of none stops
them, also those already waiting in the outbox."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from civicdesk.accounts.models import AlertChannel, Citizen
from civicdesk.activities.models import ActivityStatus
from civicdesk.activities.services import create_activity, update_activity
from civicdesk.alerts.delivery import deliver_due
from civicdesk.alerts.models import Alert, IssueAlertChoice
from civicdesk.alerts.preferences import set_issue_channel, unsubscribe
from civicdesk.alerts.services import new_alerts
from civicdesk.issues.services import Contact, acknowledge, citizen_for, push, request_info
from conftest import report_outage


@pytest.fixture
def lerato(db) -> Citizen:
    """A citizen with an e-mail and a phone, alerted by e-mail unless she chooses otherwise."""
    return citizen_for(Contact(email="lerato@example.org", phone="+27825550101"))


@pytest.fixture
def sipho(db) -> Citizen:
    """A citizen who wants no alerts, globally."""
    citizen = citizen_for(Contact(email="sipho@example.org"))
    citizen.alert_channel = AlertChannel.NONE
    citizen.save(update_fields=["alert_channel"])
    return citizen


# A report by a known contact, as before per-issue choices: the reporter's lookup, then the
# issue, its events and the reporter's alert (one statement on PostgreSQL, one per table
# elsewhere).
STATEMENTS = {"postgresql": 2, "sqlite": 4}


def written(kind: str) -> list[tuple[int, str, str]]:
    return sorted(
        Alert.objects.filter(kind=kind).values_list("issue_id", "citizen__email", "channel")
    )


def test_a_choice_decides_the_channel_of_the_next_alert_for_that_issue_only(
    wards, electricity, lerato, sipho, staff
):
    by_sms = report_outage(electricity.jurisdiction, lerato)
    as_default = report_outage(electricity.jurisdiction, lerato)
    push(by_sms, sipho)
    push(as_default, sipho)
    set_issue_channel(lerato, by_sms, AlertChannel.SMS)
    set_issue_channel(sipho, by_sms, AlertChannel.EMAIL)  # one issue, despite "none" globally
    acknowledge(by_sms, staff)
    acknowledge(as_default, staff)
    assert written("issue_acknowledged") == sorted(
        [
            (by_sms.pk, "lerato@example.org", "sms"),
            (by_sms.pk, "sipho@example.org", "email"),
            (as_default.pk, "lerato@example.org", "email"),
        ]
    )
    set_issue_channel(lerato, by_sms, None)  # back to her default
    assert [a.channel for a in new_alerts([lerato], kind="k", payload={}, issue=by_sms)] == [
        "email"
    ]


def test_none_stops_an_issues_alerts_written_or_not(wards, electricity, lerato, smtp, staff):
    quiet = report_outage(electricity.jurisdiction, lerato)
    other = report_outage(electricity.jurisdiction, lerato)
    # Both "received" alerts wait in the outbox; none for one issue cancels its alert.
    set_issue_channel(lerato, quiet, AlertChannel.NONE)
    assert deliver_due() == {"cancelled": 1, "sent": 1}
    assert Alert.objects.get(issue=quiet).state == "cancelled"
    [message] = smtp.mailbox.wait_for(1)
    assert f"#{other.pk}" in message["Subject"]
    acknowledge(quiet, staff)
    acknowledge(other, staff)
    assert written("issue_acknowledged") == [(other.pk, "lerato@example.org", "email")]


def test_the_set_based_fan_out_honours_each_issues_choice(
    wards, electricity, programme, staff, lerato, sipho
):
    by_sms, off, as_default = (report_outage(electricity.jurisdiction, lerato) for _ in "abc")
    for issue in (by_sms, off, as_default):
        push(issue, sipho)
    set_issue_channel(lerato, by_sms, AlertChannel.SMS)
    set_issue_channel(lerato, off, AlertChannel.NONE)
    set_issue_channel(sipho, as_default, AlertChannel.EMAIL)
    activity = create_activity(
        programme, staff, title="Replace the feeder", issues=[by_sms, off, as_default]
    )
    Alert.objects.all().delete()
    with CaptureQueriesContext(connection) as queries:
        update_activity(activity, staff, status=ActivityStatus.COMPLETED)
    assert written("issue_resolved") == sorted(
        [
            (by_sms.pk, "lerato@example.org", "sms"),
            (as_default.pk, "lerato@example.org", "email"),
            (as_default.pk, "sipho@example.org", "email"),
        ]
    )
    # Still one INSERT … SELECT per kind of alert, whatever the choices.
    fan_outs = [q for q in queries if "alerts_issuealertchoice" in q["sql"]]
    assert len(fan_outs) == 2 and all(q["sql"].startswith("INSERT") for q in fan_outs)


def test_a_digest_over_several_issues_drops_only_the_ones_turned_off(
    wards, electricity, programme, staff, lerato, smtp
):
    issues = [report_outage(electricity.jurisdiction, lerato) for _ in range(3)]
    activity = create_activity(programme, staff, title="Replace the transformer", issues=issues)
    Alert.objects.update(state="sent")
    update_activity(activity, staff, status=ActivityStatus.COMPLETED)
    set_issue_channel(lerato, issues[0], AlertChannel.NONE)  # after the digest was written
    assert deliver_due() == {"sent": 1}
    [message] = smtp.mailbox.wait_for(1)
    text = message.get_payload()[0].get_payload(decode=True).decode()
    assert f"/issues/{issues[0].pk}/" not in text
    assert all(f"/issues/{issue.pk}/" in text for issue in issues[1:])
    states = dict(Alert.objects.filter(kind="issue_resolved").values_list("issue_id", "state"))
    assert states == {issues[0].pk: "cancelled", issues[1].pk: "sent", issues[2].pk: "sent"}


def test_reporting_a_new_issue_adds_no_statement_for_choices(wards, electricity, lerato):
    earlier = report_outage(electricity.jurisdiction, lerato)
    set_issue_channel(lerato, earlier, AlertChannel.SMS)
    ayo = Contact(email="ayo@example.org")
    citizen_for(ayo)
    with CaptureQueriesContext(connection) as without_choices:
        report_outage(electricity.jurisdiction, ayo)
    with CaptureQueriesContext(connection) as with_choices:
        issue = report_outage(electricity.jurisdiction, Contact(email="lerato@example.org"))
    assert len(with_choices) == len(without_choices) == STATEMENTS[connection.vendor]
    assert not any("alerts_issuealertchoice" in q["sql"] for q in with_choices)
    assert Alert.objects.get(issue=issue).channel == "email"
    # An issue in the database costs one query for its followers' choices.
    with CaptureQueriesContext(connection) as existing:
        [alert] = new_alerts([lerato], kind="k", payload={}, issue=earlier)
    assert (len(existing), alert.channel) == (1, "sms")
    assert IssueAlertChoice.objects.count() == 1


def test_staff_ask_a_reporter_by_the_issues_channel_or_not_at_all(
    wards, electricity, staff, lerato, sipho
):
    asked = report_outage(electricity.jurisdiction, sipho)  # no alerts globally …
    set_issue_channel(sipho, asked, AlertChannel.EMAIL)  # … but by e-mail for this issue
    request_info(asked, staff, "Which pole number?")
    assert written("info_requested") == [(asked.pk, "sipho@example.org", "email")]
    unreachable = report_outage(electricity.jurisdiction, lerato)
    set_issue_channel(lerato, unreachable, AlertChannel.NONE)
    with pytest.raises(ValidationError):
        request_info(unreachable, staff, "Which pole number?")


def test_unsubscribing_stops_e_mail_chosen_for_one_issue_too(wards, electricity, staff, sipho):
    issue = report_outage(electricity.jurisdiction, sipho)
    set_issue_channel(sipho, issue, AlertChannel.EMAIL)
    assert unsubscribe(sipho.pk)
    acknowledge(issue, staff)
    assert written("issue_acknowledged") == []
    assert not IssueAlertChoice.objects.exists()
