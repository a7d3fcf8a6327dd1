"""An issue's stream also carries the public progress and summaries of the activities it
is linked to (from the link on), never their internal events nor other activities'."""

import time

import pytest
import redis

from civicdesk.activities.services import (
    create_activity,
    edit_activity,
    link_issues,
    update_activity,
)
from civicdesk.live.feed import RELAY_KEY, public_events_of_issue, relay
from civicdesk.live.tests.test_streams import REDIS_TEST_URL, Stream, quick_streams  # noqa: F401
from civicdesk.timeline.models import Event
from conftest import report_outage

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_issue_stream_carries_its_activities_progress_and_summaries(
    live_server, wards, electricity, programme, staff, reporter
):
    issue = report_outage(electricity.jurisdiction, reporter=reporter)
    other = report_outage(electricity.jurisdiction, reporter=reporter)
    activity = create_activity(programme, staff, title="Replace the transformer")
    early = update_activity(activity, staff, progress=5)  # before the link: not the issue's
    elsewhere = create_activity(programme, staff, title="Other street", issues=[other])
    newest = Event.objects.order_by("-id").first()
    stream = Stream(live_server, f"/live/issues/{issue.pk}/events/?after={newest.pk}")

    link_issues(activity, [issue], staff)
    linked = stream.read(2)  # the issue's "linked" and "status" (acknowledged) events
    assert {e["event"] for e in linked} == {"linked", "status"}

    update_activity(elsewhere, staff, progress=70, public_summary="Not this street")
    edit_activity(
        activity,
        staff,
        title="Replace the transformer",
        description="internal crew notes",
        scheduled_start=None,
        scheduled_end=None,
        assignees=[staff],
    )
    update_activity(activity, staff, progress=60, public_summary="Cable laid, testing tonight")
    progress, summary = stream.read(2)
    stream.close()
    assert (progress["event"], progress["data"]["to"]) == ("activity_progress", "60")
    assert (summary["event"], summary["data"]["note"]) == (
        "activity_summary",
        "Cable laid, testing tonight",
    )
    assert summary["data"]["activity"] == activity.pk and summary["data"]["issue"] is None

    events, activity_ids = public_events_of_issue(issue.pk)
    kinds = list(events.order_by("id").values_list("kind", "to_value"))
    assert activity_ids == [activity.pk]
    assert ("activity_progress", "5") not in kinds and early.progress == 5
    assert ("activity_progress", "70") not in kinds
    assert "activity_edited" not in [k for k, _ in kinds]


def test_with_redis_an_activity_update_wakes_its_issues_streams(
    live_server, settings, wards, electricity, programme, staff, reporter
):
    settings.REDIS_URL = REDIS_TEST_URL
    redis.Redis.from_url(REDIS_TEST_URL).delete(RELAY_KEY)
    issue = report_outage(electricity.jurisdiction, reporter=reporter)
    activity = create_activity(programme, staff, title="Replace the transformer", issues=[issue])
    relay()  # the first relay starts from the newest event
    stream = Stream(live_server, f"/live/issues/{issue.pk}/events/")
    settings.LIVE_KEEPALIVE_SECONDS = 3  # without a Redis message it would wait this long
    time.sleep(0.5)  # subscribed to the issue's and its activity's channels, waiting
    update_activity(activity, staff, progress=30)
    started = time.monotonic()
    assert relay() == 1
    [event] = stream.read(1)
    waited = time.monotonic() - started
    stream.close()
    assert (event["event"], event["data"]["to"]) == ("activity_progress", "30")
    assert waited < 1.5
