"""Live updates with several web processes: the test's live server and a second web
server in its own process, both streaming one issue, with a change made in a third
process (this one) reaching both: through the database feed, and through Redis pub/sub
relayed by a real worker process."""

import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
import redis

from civicdesk.live.feed import RELAY_KEY
from civicdesk.live.tests.test_streams import REDIS_TEST_URL, Stream
from civicdesk.timeline.services import record
from civicdesk.workers.tests.processes import ROOT, database_url, start_worker, stop
from conftest import report_outage

pytestmark = pytest.mark.django_db(transaction=True)


class Server:
    """A second web process (runserver, threaded) on the test database."""

    def __init__(self, **env: str) -> None:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        environment = os.environ | {"DATABASE_URL": database_url(), "LOG_LEVEL": "WARNING"}
        environment.pop("DJANGO_SETTINGS_MODULE", None)
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{self.port}"],
            cwd=ROOT,
            env=environment | env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{self.url}/health/", timeout=1)
                return
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.stop()
                    raise RuntimeError("the second web server did not start") from None
                time.sleep(0.2)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


STREAM_ENV = {
    "LIVE_POLL_SECONDS": "0.1",
    "LIVE_STREAM_SECONDS": "8",
    "LIVE_KEEPALIVE_SECONDS": "0.3",
}


def both_streams_get(live_server, other: Server, issue, make_change, within: float) -> None:
    path = f"/live/issues/{issue.pk}/events/"
    last = issue.events.order_by("-id").values_list("id", flat=True).first()
    here = Stream(live_server, path, {"Last-Event-ID": str(last)}, timeout=2 * within)
    there = Stream(other, path, {"Last-Event-ID": str(last)}, timeout=2 * within)
    time.sleep(0.5)  # both are waiting
    change = make_change()
    started = time.monotonic()
    received = [here.read(1), there.read(1)]
    waited = time.monotonic() - started
    here.close(wait=False)
    there.close()
    assert [int(events[0]["id"]) for events in received] == [change.pk, change.pk]
    assert all(events[0]["data"]["to"] == "acknowledged" for events in received)
    assert waited < within


def acknowledged(issue):
    return lambda: record(
        issue=issue, kind="status", from_value="submitted", to_value="acknowledged"
    )


def test_a_change_reaches_streams_on_two_web_processes_through_the_database(
    live_server, settings, wards, electricity, reporter
):
    settings.LIVE_POLL_SECONDS, settings.LIVE_KEEPALIVE_SECONDS = 0.1, 0.3
    settings.LIVE_STREAM_SECONDS = 8
    issue = report_outage(electricity.jurisdiction, reporter)
    other = Server(**STREAM_ENV)
    try:
        both_streams_get(live_server, other, issue, acknowledged(issue), within=2)
    finally:
        other.stop()


def test_a_change_reaches_streams_on_two_web_processes_through_redis(
    live_server, settings, wards, electricity, reporter
):
    settings.REDIS_URL = REDIS_TEST_URL
    # Without a Redis message the streams would only look again after this long: long
    # enough that a busy machine's relay (a second or three) is told apart from it.
    settings.LIVE_KEEPALIVE_SECONDS, settings.LIVE_STREAM_SECONDS = 9, 20
    redis.Redis.from_url(REDIS_TEST_URL).delete(RELAY_KEY)
    issue = report_outage(electricity.jurisdiction, reporter)
    env = {"REDIS_URL": REDIS_TEST_URL}
    other = Server(
        **(STREAM_ENV | env | {"LIVE_KEEPALIVE_SECONDS": "9", "LIVE_STREAM_SECONDS": "20"})
    )
    worker = start_worker(**env)  # its scheduler relays new events to Redis every second
    try:
        time.sleep(1.5)  # the worker's first relay marks where relaying starts
        # Before the 9 s the streams would take to look again on their own.
        both_streams_get(live_server, other, issue, acknowledged(issue), within=8)
    finally:
        stop(worker)
        other.stop()
