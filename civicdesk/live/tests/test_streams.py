"""The live streams end to end: a real HTTP server (pytest-django's live_server) and an
HTTP client reading server-sent events, on the database feed and on Redis pub/sub."""

import http.client
import json
import time
from urllib.parse import urlsplit

import pytest
import redis
from django.conf import settings

from civicdesk.live.feed import RELAY_KEY, relay
from civicdesk.timeline.models import Event
from civicdesk.timeline.services import record
from conftest import report_outage

pytestmark = pytest.mark.django_db(transaction=True)
REDIS_TEST_URL = "redis://127.0.0.1:6379/6"


@pytest.fixture(autouse=True)
def quick_streams(settings):
    settings.LIVE_POLL_SECONDS = 0.1
    settings.LIVE_STREAM_SECONDS = 6
    settings.LIVE_KEEPALIVE_SECONDS = 0.3  # a closed client is noticed at the next write


class Stream:
    """An SSE client: reads `id`/`event`/`data` records from a streaming response."""

    def __init__(
        self, live_server, path: str, headers: dict | None = None, timeout: float = 8
    ) -> None:
        url = urlsplit(live_server.url)
        self.connection = http.client.HTTPConnection(url.hostname, url.port, timeout=timeout)
        self.connection.request("GET", path, headers=headers or {})
        self.response = self.connection.getresponse()

    def read(self, count: int) -> list[dict]:
        events, current = [], {}
        while len(events) < count:
            line = self.response.fp.readline().decode().rstrip("\n")
            if not line:
                if "data" in current:
                    events.append(current | {"data": json.loads(current["data"])})
                current = {}
            elif not line.startswith(":"):
                field, _, value = line.partition(": ")
                current[field] = value
        return events

    def close(self, wait: bool = True) -> None:
        self.connection.close()
        if wait:
            # The server notices a gone client at its next write (a keepalive): let it,
            # so no stream outlives the test's database.
            time.sleep(settings.LIVE_KEEPALIVE_SECONDS + 0.3)


def test_an_issue_stream_carries_public_events_and_resumes_after_last_event_id(
    live_server, wards, electricity, reporter
):
    issue = report_outage(electricity.jurisdiction, reporter)
    public = list(Event.objects.filter(issue=issue, public=True).order_by("id"))
    stream = Stream(live_server, f"/live/issues/{issue.pk}/events/?after=0")
    assert stream.response.status == 200
    assert stream.response.getheader("Content-Type") == "text/event-stream"
    first = stream.read(len(public))
    assert [int(e["id"]) for e in first] == [e.pk for e in public]

    record(issue=issue, kind="note", note="internal triage", public=False)
    update = record(issue=issue, kind="status", from_value="submitted", to_value="acknowledged")
    [live] = stream.read(1)
    assert (int(live["id"]), live["event"], live["data"]["to"]) == (
        update.pk,
        "status",
        "acknowledged",
    )
    stream.close()

    missed = [record(issue=issue, kind="comment", note=f"crew update {n}") for n in range(2)]
    again = Stream(
        live_server, f"/live/issues/{issue.pk}/events/", {"Last-Event-ID": str(update.pk)}
    )
    resumed = again.read(2)
    again.close()
    assert [int(e["id"]) for e in resumed] == [e.pk for e in missed]
    everything = json.dumps([e["data"] for e in first + [live] + resumed])
    assert "internal triage" not in everything
    assert "Lerato" not in everything and "lerato@example.org" not in everything


def test_a_unit_inbox_stream_is_for_that_units_staff_only(
    live_server, client, wards, electricity, staff, roads, reporter
):
    issue = report_outage(electricity.jurisdiction, reporter)
    anonymous = Stream(live_server, f"/live/units/{electricity.pk}/events/")
    assert anonymous.response.status == 403
    anonymous.close()
    client.force_login(staff)
    cookie = {"Cookie": f"sessionid={client.cookies['sessionid'].value}"}
    other_unit = Stream(live_server, f"/live/units/{roads.pk}/events/", cookie)
    assert other_unit.response.status == 403
    other_unit.close()

    stream = Stream(live_server, f"/live/units/{electricity.pk}/events/", cookie)
    internal = record(issue=issue, kind="note", note="crew dispatched", public=False)
    [event] = stream.read(1)
    stream.close()
    assert (int(event["id"]), event["data"]["public"]) == (internal.pk, False)


def test_with_redis_a_relayed_event_wakes_the_stream_at_once(
    live_server, settings, wards, electricity, reporter
):
    settings.REDIS_URL = REDIS_TEST_URL
    redis.Redis.from_url(REDIS_TEST_URL).delete(RELAY_KEY)
    issue = report_outage(electricity.jurisdiction, reporter)
    relay()  # the first relay starts from the newest event
    stream = Stream(live_server, f"/live/issues/{issue.pk}/events/")
    settings.LIVE_KEEPALIVE_SECONDS = 3  # without a Redis message it would wait this long
    time.sleep(0.5)  # the stream is subscribed and waiting for a message

    started = time.monotonic()
    event = record(issue=issue, kind="status", from_value="submitted", to_value="acknowledged")
    assert relay() == 1  # what a worker's scheduler does every second
    [received] = stream.read(1)
    waited = time.monotonic() - started
    stream.close()
    assert int(received["id"]) == event.pk
    assert waited < 2


def test_a_stream_whose_database_goes_away_ends_and_the_browser_is_told_to_retry(caplog):
    from django.db import OperationalError

    from civicdesk.live.views import _stream, public_event

    class GoneDatabase:
        def filter(self, **_):
            raise OperationalError("server closed the connection unexpectedly")

    sent = list(_stream(GoneDatabase(), 0, [], public_event))
    assert sent == ["retry: 2000\n\n"]
    assert "live stream ended" in caplog.text and "server closed" in caplog.text
