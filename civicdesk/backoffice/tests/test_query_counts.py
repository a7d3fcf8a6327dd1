"""Hot pages cost the same number of queries whatever the number of issues: each page is
rendered with 10 and with 300 issues (a page of 50 shows either way) and the counts must
be equal, and below a fixed ceiling."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from civicdesk.activities.services import create_activity, link_issues
from civicdesk.backoffice.tests.factories import open_issues
from civicdesk.forwarding.models import Forwarding, Provider
from civicdesk.issues.models import Issue
from civicdesk.timekeeping import now
from civicdesk.units.models import BusinessUnit

pytestmark = pytest.mark.django_db

CEILING = 20


def queries(client, url: str, **params) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200, response.content[:500]
    statements = [q["sql"] for q in captured.captured_queries]
    assert len(statements) <= CEILING, "\n".join(statements)
    return len(statements)


def grow(unit, issue_type, count, staff, programme):
    """`count` issues: a third breached, some pushed, every fifth in an activity, every
    seventh unrouted."""
    issues = open_issues(unit, issue_type, count // 3, age=timedelta(hours=30))
    issues += open_issues(unit, issue_type, count - len(issues), pushers=1)
    create_activity(programme, staff, title=f"Works {count}", issues=issues[::5])
    unrouted = [i.pk for n, i in enumerate(issues) if n % 5 and n % 7 == 0]
    Issue.objects.filter(pk__in=unrouted).update(unit=None, service_level=None)
    return issues


@pytest.mark.parametrize(
    "name, params",
    [
        ("unit-inbox", {}),
        ("unit-inbox", {"sla": "breached", "sort": "pushes", "page": "2"}),
        ("unit-inbox", {"view": "map"}),
        ("inbox-map-data", {}),
    ],
)
def test_the_inbox_costs_the_same_for_10_and_300_issues(
    signed_in, staff, electricity, programme, power_outage, name, params
):
    url = reverse(f"backoffice:{name}", args=[electricity.pk])
    grow(electricity, power_outage, 10, staff, programme)
    small = queries(signed_in, url, **params)
    grow(electricity, power_outage, 290, staff, programme)
    assert queries(signed_in, url, **params) == small


def test_the_programme_inbox_costs_the_same_for_10_and_300_issues(
    signed_in, staff, electricity, programme, power_outage
):
    url = reverse("backoffice:programme-inbox", args=[programme.pk])
    grow(electricity, power_outage, 10, staff, programme)
    small = queries(signed_in, url)
    grow(electricity, power_outage, 290, staff, programme)
    assert queries(signed_in, url) == small


def test_the_activity_page_costs_the_same_for_10_and_300_issues(
    signed_in, staff, electricity, programme, power_outage
):
    linked = open_issues(electricity, power_outage, 10, pushers=1)
    activity = create_activity(programme, staff, title="Substation", issues=linked)
    open_issues(electricity, power_outage, 10)
    url = reverse("backoffice:activity", args=[activity.pk])
    small = queries(signed_in, url)
    link_issues(activity, open_issues(electricity, power_outage, 290, pushers=1), staff)
    open_issues(electricity, power_outage, 300)
    assert queries(signed_in, url) == small


@pytest.mark.parametrize("queue", ["unrouted", "unacknowledged", "deadline", "provider"])
def test_the_dispatch_centre_costs_the_same_for_10_and_300_issues(
    client, dispatcher, staff, electricity, programme, power_outage, queue
):
    client.force_login(dispatcher)
    url = reverse("backoffice:dispatch")
    outside = silent_provider(electricity.jurisdiction)
    hand_over(grow(electricity, power_outage, 10, staff, programme)[2::3], outside)
    small = queries(client, url, queue=queue)
    assert client.get(url, {"queue": queue}).context["page"].paginator.count
    hand_over(grow(electricity, power_outage, 290, staff, programme)[2::3], outside)
    assert queries(client, url, queue=queue) == small


def silent_provider(jurisdiction) -> Provider:
    unit = BusinessUnit.objects.create(
        jurisdiction=jurisdiction, name="City Power", slug="city-power", is_external=True
    )
    return Provider.objects.create(unit=unit, kind=Provider.Kind.EMAIL, email="ops@example.org")


def hand_over(issues, provider: Provider) -> None:
    """The issues sent to the provider two days ago, with no answer since."""
    Issue.objects.filter(pk__in=[i.pk for i in issues]).update(unit=provider.unit)
    sent = now() - timedelta(days=2)
    Forwarding.objects.bulk_create(
        Forwarding(issue=i, provider=provider, state="sent", sent_at=sent, created_at=sent)
        for i in issues
    )
