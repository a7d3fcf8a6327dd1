import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from civicdesk.activities.models import ActivityStatus
from civicdesk.activities.services import update_activity
from civicdesk.activities.tests.factories import activity_with_issues
from civicdesk.alerts.models import Alert
from civicdesk.issues.models import Issue, Status
from civicdesk.timeline.models import Event


def complete(activity, staff) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        update_activity(activity, staff, status=ActivityStatus.COMPLETED, public_summary="Done")
    return [q["sql"] for q in queries.captured_queries]


def test_completing_an_activity_costs_the_same_queries_for_10_or_1000_issues(
    programme, power_outage, staff
):
    small = activity_with_issues(programme, power_outage, 10)
    large = activity_with_issues(programme, power_outage, 1000)
    small_queries, large_queries = complete(small, staff), complete(large, staff)
    assert len(small_queries) == len(large_queries), "\n".join(large_queries)
    # Every issue resolved, one status event per issue, one alert per reporter and pusher.
    assert Issue.objects.filter(status=Status.RESOLVED).count() == 1010
    assert Event.objects.filter(kind="status", to_value="resolved").count() == 1010
    assert Alert.objects.filter(kind="issue_resolved").count() == 3030
    assert Alert.objects.filter(activity=large, kind="issue_resolved").count() == 3000


@pytest.mark.parametrize("count", [10, 200])
def test_starting_costs_the_same_queries_at_any_size(programme, power_outage, staff, count):
    activity = activity_with_issues(programme, power_outage, count)
    Issue.objects.update(status=Status.ACKNOWLEDGED)
    activity.status = ActivityStatus.PLANNED
    activity.save(update_fields=["status"])
    with CaptureQueriesContext(connection) as queries:
        update_activity(activity, staff, status=ActivityStatus.IN_PROGRESS)
    # savepoint, lock the activity, save it, its event, status events, UPDATE issues,
    # the alerts of resolved issues (none) and of open ones, release.
    assert len(queries.captured_queries) == 9, [q["sql"] for q in queries.captured_queries]
    assert Issue.objects.filter(status=Status.IN_PROGRESS).count() == count


@pytest.mark.parametrize("count", [10, 300])
def test_linking_costs_the_same_queries_at_any_size(programme, power_outage, staff, count):
    from civicdesk.activities.services import create_activity, link_issues

    source = activity_with_issues(programme, power_outage, count)
    ids = list(Issue.objects.filter(activity_links__activity=source).values_list("pk", flat=True))
    Issue.objects.update(status=Status.SUBMITTED, responded_at=None, response_met=None)
    target = create_activity(programme, staff, title="Sweep")
    with CaptureQueriesContext(connection) as queries:
        assert link_issues(target, ids, staff) == count
    assert len(queries.captured_queries) == 13, [q["sql"] for q in queries.captured_queries]
    assert Issue.objects.filter(status=Status.IN_PROGRESS).count() == count  # source runs
    assert Alert.objects.filter(kind="issue_linked").count() == 3 * count
