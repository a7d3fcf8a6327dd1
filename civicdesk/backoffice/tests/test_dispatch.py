"""The dispatch centre's queues and routing a selection; escalation rules kept by a
unit's managers."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils.timezone import localdate

from civicdesk.backoffice.services import log_follow_up
from civicdesk.backoffice.tests.factories import open_issues
from civicdesk.forwarding.models import Forwarding, Provider
from civicdesk.issues.models import Issue
from civicdesk.issues.services import acknowledge
from civicdesk.slawatch.models import EscalationRule
from civicdesk.slawatch.services import sweep
from civicdesk.timekeeping import now
from civicdesk.units.models import BusinessUnit
from conftest import report_outage

pytestmark = pytest.mark.django_db


def listed(client, queue):
    response = client.get(reverse("backoffice:dispatch"), {"queue": queue})
    assert response.status_code == 200
    return {issue.pk for issue in response.context["page"]}


@pytest.fixture
def dispatching(client, dispatcher):
    client.force_login(dispatcher)
    return client


def test_unit_staff_cannot_open_the_dispatch_centre(signed_in):
    assert signed_in.get(reverse("backoffice:dispatch")).status_code == 403
    assert signed_in.post(reverse("backoffice:route-selection")).status_code == 403


def test_unrouted_issues_are_routed_from_their_queue(
    dispatching, jurisdiction, electricity, power_outage, reporter
):
    electricity.issue_types.clear()  # nobody covers power outages: they reach dispatch
    unrouted = [report_outage(jurisdiction, reporter) for _ in range(2)]
    assert listed(dispatching, "unrouted") == {i.pk for i in unrouted}
    response = dispatching.post(
        reverse("backoffice:route-selection"),
        {"unit": electricity.pk, "ids": [i.pk for i in unrouted], "next": "/staff/dispatch/"},
    )
    assert response.status_code == 302
    assert set(Issue.objects.values_list("unit", flat=True)) == {electricity.pk}
    assert Issue.objects.filter(response_due__isnull=False).count() == 2  # deadlines set
    assert listed(dispatching, "unrouted") == set()


def test_late_issues_wait_in_their_queues(dispatching, electricity, power_outage, staff):
    # Power outages: respond within 4 hours, resolve within 24 (warning at half of it).
    def reported(hours_ago, acknowledged=True):
        issue = open_issues(electricity, power_outage, 1, age=timedelta(hours=hours_ago))[0]
        if acknowledged:
            acknowledge(issue, staff)
        return issue

    unanswered = reported(5, acknowledged=False)
    overdue = reported(30, acknowledged=False)
    near = reported(23)
    at_risk = reported(13)
    reported(1)
    assert listed(dispatching, "unacknowledged") == {unanswered.pk, overdue.pk}
    assert listed(dispatching, "deadline") == {overdue.pk, near.pk}
    sweep()  # the SLA watch places the warnings
    assert listed(dispatching, "deadline") == {overdue.pk, near.pk, at_risk.pk}


def test_outside_providers_that_do_not_answer(dispatching, jurisdiction, power_outage):
    unit = BusinessUnit.objects.create(
        jurisdiction=jurisdiction, name="City Power", slug="cp", is_external=True
    )
    provider = Provider.objects.create(unit=unit, kind="email", email="ops@example.org")
    silent, answered, recent, failed = open_issues(unit, power_outage, 4)
    old = now() - timedelta(days=2)
    for issue, fields in (
        (silent, {"state": "sent", "created_at": old}),
        (answered, {"state": "sent", "created_at": old, "last_updated_at": now()}),
        (recent, {"state": "sent", "created_at": now()}),
        (failed, {"state": "failed", "created_at": now(), "last_error": "550 no such user"}),
    ):
        Forwarding.objects.create(issue=issue, provider=provider, **fields)
    assert listed(dispatching, "provider") == {silent.pk, failed.pk}
    assert (
        "550 no such user"
        in dispatching.get(reverse("backoffice:dispatch"), {"queue": "provider"}).content.decode()
    )


def test_broken_promises(dispatching, dispatcher, electricity, power_outage):
    broken, kept_chasing, fresh = open_issues(electricity, power_outage, 3)
    yesterday = localdate() - timedelta(days=1)
    log_follow_up(broken, dispatcher, contacted="Depot", promised="Fix", promised_for=yesterday)
    log_follow_up(
        kept_chasing,
        dispatcher,
        contacted="Depot",
        promised="Fix",
        contacted_at=now() - timedelta(days=2),
        promised_for=yesterday,
    )
    log_follow_up(
        kept_chasing,
        dispatcher,
        contacted="Depot again",
        promised="Tomorrow",
        promised_for=localdate() + timedelta(days=1),
    )
    log_follow_up(fresh, dispatcher, contacted="Depot")
    assert listed(dispatching, "promises") == {broken.pk}


def test_a_dispatcher_sees_only_their_jurisdictions(client, electricity, power_outage):
    from civicdesk.accounts.models import User
    from civicdesk.places.models import Jurisdiction
    from civicdesk.units.models import Dispatcher

    elsewhere = User.objects.create_user("tshwane")
    Dispatcher.objects.create(
        user=elsewhere, jurisdiction=Jurisdiction.objects.create(slug="tsh", name="Tshwane")
    )
    late = open_issues(electricity, power_outage, 1, age=timedelta(hours=30))[0]
    client.force_login(elsewhere)
    assert listed(client, "deadline") == set()
    response = client.post(
        reverse("backoffice:route-selection"), {"unit": electricity.pk, "ids": [late.pk]}
    )
    assert response.status_code == 403


# --- escalation rules ---------------------------------------------------------------


def rules_url(unit):
    return reverse("backoffice:rules", args=[unit.pk])


def test_managers_add_change_and_remove_rules(client, manager, electricity, staff):
    client.force_login(manager)
    assert client.get(rules_url(electricity)).status_code == 200
    response = client.post(
        rules_url(electricity),
        {
            "clock": "resolution",
            "after": "2:00:00",
            "repeat_every": "1 00:00:00",
            "recipient": "user",
            "user": staff.pk,
        },
    )
    assert response.status_code == 302
    rule = EscalationRule.objects.get()
    assert (rule.after, rule.repeat_every, rule.user) == (
        timedelta(hours=2),
        timedelta(days=1),
        staff,
    )
    edit = reverse("backoffice:rule", args=[electricity.pk, rule.pk])
    client.post(edit, {"clock": "response", "after": "0:30:00", "recipient": "managers"})
    rule.refresh_from_db()
    assert (rule.clock, rule.recipient, rule.user) == ("response", "managers", None)
    client.post(edit, {"action": "delete"})
    assert not EscalationRule.objects.exists()


def test_a_rule_without_its_recipient_is_shown_with_the_error(client, manager, electricity):
    client.force_login(manager)
    response = client.post(
        rules_url(electricity), {"clock": "resolution", "after": "2:00:00", "recipient": "email"}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["email"]
    assert not EscalationRule.objects.exists()


def test_staff_who_do_not_manage_the_unit_get_403(signed_in, electricity, client, roads_staff):
    assert signed_in.get(rules_url(electricity)).status_code == 403
    client.force_login(roads_staff)
    assert (
        client.post(
            rules_url(electricity),
            {"clock": "resolution", "after": "1:00:00", "recipient": "managers"},
        ).status_code
        == 403
    )
    assert not EscalationRule.objects.exists()
