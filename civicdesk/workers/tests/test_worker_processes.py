"""Real worker processes (`manage.py worker`) on the database queue and on Redis,
delivering to a real SMTP server: several at once, killed mid-batch, mail server down."""

import signal
from collections import Counter

import pytest
import redis
from django_tasks_db.models import DBTaskResult

from civicdesk.accounts.models import AlertChannel, Citizen
from civicdesk.alerts.models import Alert
from civicdesk.workers.models import WorkerHeartbeat
from civicdesk.workers.tests.processes import start_worker, stop, wait_until

pytestmark = pytest.mark.django_db(transaction=True)
REDIS_TEST_URL = "redis://127.0.0.1:6379/6"


def outbox(count: int) -> list[Alert]:
    citizens = Citizen.objects.bulk_create(
        Citizen(email=f"person{n}@example.org", alert_channel=AlertChannel.EMAIL)
        for n in range(count)
    )
    return Alert.objects.bulk_create(
        Alert(citizen=c, channel="email", kind="issue_received", payload={"issue_type": "Pothole"})
        for c in citizens
    )


def sent() -> int:
    return Alert.objects.filter(state="sent").count()


def recipients(smtp) -> Counter:
    return Counter(message["To"] for message in smtp.mailbox.messages)


def smtp_env(smtp) -> dict[str, str]:
    return {"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(smtp.port), "EMAIL_TIMEOUT": "5"}


def test_two_database_workers_deliver_every_alert_once(smtp):
    outbox(30)
    workers = [
        start_worker(**smtp_env(smtp), ALERTS_BATCH_SIZE="4"),
        start_worker(**smtp_env(smtp), ALERTS_BATCH_SIZE="4"),
    ]
    try:
        assert wait_until(lambda: sent() == 30), [stop(w) for w in workers]
        pids = {w.pid for w in workers}
        assert wait_until(
            lambda: set(WorkerHeartbeat.objects.values_list("pid", flat=True)) == pids
        ), list(WorkerHeartbeat.objects.values_list("pid", "worker_id"))
    finally:
        logs = [stop(w) for w in workers]
    assert recipients(smtp) == Counter({f"person{n}@example.org": 1 for n in range(30)}), logs
    ran = DBTaskResult.objects.exclude(status="READY")
    assert ran and all(len(t.worker_ids) == 1 for t in ran)  # no job taken twice
    assert {t.status for t in ran} == {"SUCCESSFUL"}


def test_a_redis_worker_delivers_through_the_redis_queue(smtp):
    connection = redis.Redis.from_url(REDIS_TEST_URL)
    connection.delete("rq:queue:default")
    outbox(5)
    worker = start_worker(
        **smtp_env(smtp), TASKS_BACKEND="django_tasks_rq.RQBackend", REDIS_URL=REDIS_TEST_URL
    )
    try:
        assert wait_until(lambda: sent() == 5), stop(worker)
        # RQ files a job as finished just after the delivery it ran returns.
        ran_as_job = wait_until(lambda: connection.zcard("rq:finished:default") >= 1)
        heartbeat = WorkerHeartbeat.objects.get()
    finally:
        log = stop(worker)
    assert heartbeat.backend == "RQBackend", log
    assert ran_as_job, log  # the delivery ran as an RQ job
    assert not DBTaskResult.objects.exists()
    assert len(recipients(smtp)) == 5


def test_a_worker_killed_mid_batch_loses_no_alert_and_sends_none_twice(smtp):
    smtp.mailbox.delay = 0.8  # a slow mail server: the kill lands inside a send
    outbox(5)
    lease = {"ALERTS_LEASE_SECONDS": "2"}
    first = start_worker(**smtp_env(smtp), **lease)
    try:
        assert wait_until(lambda: sent() >= 2), stop(first)
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait()
    assert sent() < 5
    assert Alert.objects.filter(state="sending").exists()  # claimed by the dead worker
    second = start_worker(**smtp_env(smtp), **lease)
    try:
        assert wait_until(lambda: sent() == 5, timeout=30), stop(second)
    finally:
        stop(second)
    assert recipients(smtp) == Counter({f"person{n}@example.org": 1 for n in range(5)})


def test_a_mail_server_down_for_a_while_delays_alerts_but_loses_none(smtp):
    smtp.stop()
    outbox(3)
    worker = start_worker(
        **smtp_env(smtp), ALERTS_RETRY_BASE_SECONDS="0.2", ALERTS_RETRY_MAX_SECONDS="1"
    )
    try:
        assert wait_until(lambda: Alert.objects.filter(attempts__gte=2).count() == 3)
        assert sent() == 0
        assert set(Alert.objects.values_list("state", flat=True)) <= {"pending", "sending"}
        smtp.start()
        assert wait_until(lambda: sent() == 3), stop(worker)
    finally:
        stop(worker)
    assert len(smtp.mailbox.messages) == 3
    assert all("mail server" in a.last_error for a in Alert.objects.all())
