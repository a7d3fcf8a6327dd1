from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from civicdesk.accounts.models import User
from civicdesk.activities.models import ActivityStatus
from civicdesk.activities.services import create_activity, link_issues, update_activity
from civicdesk.alerts.models import Alert
from civicdesk.issues.clock import sla_readings
from civicdesk.issues.models import Issue, Status
from civicdesk.issues.services import Contact
from civicdesk.slawatch.models import ClockWatch, EscalationRule
from civicdesk.slawatch.services import sweep
from civicdesk.timekeeping import as_of
from civicdesk.timeline.models import Event
from civicdesk.units.models import Membership
from conftest import report_outage

SAST = ZoneInfo("Africa/Johannesburg")
T0 = datetime(2026, 11, 2, 9, 0, tzinfo=SAST)  # a Monday


@pytest.fixture
def outage(wards, electricity, reporter) -> Issue:
    with as_of(T0):
        return report_outage(electricity.jurisdiction, reporter)


def unit_alerts(kind: str) -> list[Alert]:
    return list(Alert.objects.filter(kind=kind, unit__isnull=False))


def test_the_unit_is_told_before_and_at_a_breach_once_each(outage, electricity):
    assert sweep(T0 + timedelta(hours=1)) == {"synced": 1}
    assert ClockWatch.objects.get().response_warn_at == T0 + timedelta(hours=2)

    assert sweep(T0 + timedelta(hours=2, minutes=1)) == {"response_at_risk": 1}
    assert sweep(T0 + timedelta(hours=2, minutes=2)) == {}
    [warning] = unit_alerts("response_at_risk")
    assert (warning.unit, warning.issue_id, warning.channel) == (electricity, outage.pk, "inbox")

    assert sweep(T0 + timedelta(hours=4, minutes=1)) == {"response_breached": 1}
    assert sweep(T0 + timedelta(hours=5)) == {}
    assert sweep(T0 + timedelta(hours=12, minutes=1)) == {"resolution_at_risk": 1}
    assert sweep(T0 + timedelta(hours=30)) == {"resolution_breached": 1}
    assert len(unit_alerts("response_breached")) == len(unit_alerts("resolution_breached")) == 1


def test_an_issue_found_past_its_deadline_is_breached_not_at_risk(outage):
    assert sweep(T0 + timedelta(hours=5)) == {"synced": 1, "response_breached": 1}
    assert unit_alerts("response_at_risk") == []


def test_warnings_fall_where_the_working_calendar_puts_them(wards, roads):
    monday_3pm = datetime(2026, 11, 2, 15, 0, tzinfo=SAST)
    with as_of(monday_3pm):
        issue = report_outage(
            roads.jurisdiction, issue_type_code="pothole", answers={}, reporter=None
        )
    sweep(monday_3pm)
    watch = ClockWatch.objects.get()
    issue = Issue.objects.select_related("service_level__calendar").get()
    before = sla_readings(issue, watch.response_warn_at - timedelta(minutes=2))["response"]
    after = sla_readings(issue, watch.response_warn_at + timedelta(minutes=1))["response"]
    assert (before.state, after.state) == ("on_track", "at_risk")
    assert watch.response_warn_at.astimezone(SAST).date() > monday_3pm.date()  # next morning


def test_escalation_rules_tell_managers_a_user_and_an_address_and_repeat(
    outage, electricity, programme
):
    manager = User.objects.create_user("boss", email="boss@example.org")
    Membership.objects.create(programme=programme, user=manager, role="manager")
    duty = User.objects.create_user("duty", email="duty@example.org")
    EscalationRule.objects.create(
        unit=electricity,
        clock="response",
        after=timedelta(hours=1),
        repeat_every=timedelta(hours=2),
        recipient="managers",
    )
    EscalationRule.objects.create(
        unit=electricity, clock="response", after=timedelta(hours=3), recipient="user", user=duty
    )
    EscalationRule.objects.create(
        unit=electricity,
        clock="resolution",
        after=timedelta(0),
        recipient="email",
        email="ops@example.org",
    )
    breach = T0 + timedelta(hours=4)

    sweep(breach + timedelta(minutes=30))
    assert not Alert.objects.filter(kind="escalation").exists()
    sweep(breach + timedelta(hours=1))
    assert list(
        Alert.objects.filter(kind="escalation").values_list("user__username", flat=True)
    ) == ["boss"]
    sweep(breach + timedelta(hours=2))
    assert Alert.objects.filter(kind="escalation").count() == 1
    sweep(breach + timedelta(hours=3))  # the repeat, and the duty officer's first
    escalations = Alert.objects.filter(kind="escalation").order_by("id")
    assert [a.user.username for a in escalations] == ["boss", "boss", "duty"]
    assert all(a.channel == "email" for a in escalations)

    sweep(T0 + timedelta(hours=24, minutes=1))
    [to_ops] = Alert.objects.filter(kind="escalation", unit=electricity)
    assert to_ops.payload == {"clock": "resolution", "to": "ops@example.org"}


def test_followers_are_reminded_then_the_issue_closes_after_the_feedback_window(
    outage, programme, staff, settings
):
    settings.FEEDBACK_REMINDER_HOURS, settings.FEEDBACK_WINDOW_HOURS = 72, 168
    with as_of(T0 + timedelta(hours=1)):
        activity = create_activity(programme, staff, title="Fix")
        link_issues(activity, [outage], staff)
        update_activity(activity, staff, status=ActivityStatus.COMPLETED)
    resolved = T0 + timedelta(hours=1)

    assert sweep(resolved + timedelta(hours=71)) == {}
    assert sweep(resolved + timedelta(hours=72)) == {"reminded": 1}
    assert sweep(resolved + timedelta(hours=100)) == {}
    [reminder] = Alert.objects.filter(kind="feedback_reminder")
    assert reminder.citizen == Issue.objects.get().reporter

    assert sweep(resolved + timedelta(hours=168)) == {"closed": 1}
    issue = Issue.objects.get()
    assert (issue.status, issue.closed_at) == (Status.CLOSED, resolved + timedelta(hours=168))
    assert Event.objects.filter(issue=issue, to_value="closed", actor_role="system").exists()


def test_a_sweep_costs_the_same_queries_for_few_or_many_issues(
    wards, electricity, django_assert_max_num_queries
):
    EscalationRule.objects.create(
        unit=electricity,
        clock="response",
        after=timedelta(0),
        recipient="email",
        email="ops@example.org",
    )
    for count in (2, 20):
        with as_of(T0):
            for n in range(count):
                report_outage(electricity.jurisdiction, Contact(email=f"p{count}-{n}@example.org"))
        with django_assert_max_num_queries(30):
            sweep(T0 + timedelta(hours=5, minutes=count))
        assert len(unit_alerts("response_breached")) == (2 if count == 2 else 22)
