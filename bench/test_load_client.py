"""A smoke test of the load benchmark's clients (bench/load_client.py) against the test
server: every kind of request is sent and answered, each recorded with its timings, and a
live-stream watcher connects. The benchmark itself (bench/load_faults.py) is run by hand."""

import asyncio
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from bench.load_client import MIX, Target, run
from civicdesk.accounts.models import User
from civicdesk.accounts.services import issue_api_token
from civicdesk.open311.services import register_application
from conftest import CARLTON_CENTRE, report_outage

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def test_the_clients_send_every_kind_of_request_and_record_it(
    live_server, electricity, roads, settings
):
    settings.RATE_LIMITS = {}  # every client comes from one address
    # The server's stream notices that its client left at the next keepalive.
    settings.LIVE_KEEPALIVE_SECONDS = 0.5
    settings.LIVE_STREAM_SECONDS = 6
    outages = [report_outage(electricity.jurisdiction) for _ in range(3)]
    _, key = register_application("load smoke test")
    tokens = [issue_api_token(User.objects.create_user(f"citizen{n}")) for n in range(3)]
    lat, lon = CARLTON_CENTRE
    target = Target(
        read_ids=[i.pk for i in outages],
        open_ids=[i.pk for i in outages],
        type_codes=["pothole"],
        open311_key=key,
        tokens=tokens,
        box=(lat - 0.002, lon - 0.002, lat + 0.002, lon + 0.002),
    )
    random.seed(9)
    stream = f"/live/issues/{outages[0].pk}/events/"
    threads = threading.active_count()
    clients = run(live_server.url, target, clients=3, seconds=4, think=0.02, stream_paths=[stream])
    # In a thread of its own: the browser tests' Playwright keeps an event loop in this one.
    with ThreadPoolExecutor(1) as thread:
        records, [watcher] = thread.submit(asyncio.run, clients).result()
    assert {r.kind for r in records} == set(MIX)
    assert [(r.kind, r.status, r.error) for r in records if r.failed] == []
    assert all(r.end >= r.start for r in records)
    assert watcher.connects
    # The server's request threads, the stream's among them, end and close their connections.
    deadline = time.monotonic() + 10
    while threading.active_count() > threads and time.monotonic() < deadline:
        time.sleep(0.1)
