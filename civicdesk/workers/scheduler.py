"""The worker side's clock: periodic tasks and heartbeats.

Every worker runs a scheduler thread. A periodic job is enqueued by whichever scheduler
first moves its `PeriodicJob.due_at` forward with a conditional update, so any number of
workers on any number of machines enqueue each run once."""

import logging
import os
import socket
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone
from django.utils.module_loading import import_string

from civicdesk.live.feed import relay
from civicdesk.workers.models import PeriodicJob, WorkerHeartbeat

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Periodic:
    name: str
    task: str  # dotted path of a django-tasks Task
    every_setting: str  # the setting holding its period in seconds
    wanted: str | None = None  # dotted path of a cheap "is there work?" check

    @property
    def every(self) -> timedelta:
        return timedelta(seconds=getattr(settings, self.every_setting))


PERIODIC = (
    Periodic(
        "deliver_alerts",
        "civicdesk.alerts.tasks.deliver_alerts",
        "ALERTS_POLL_SECONDS",
        "civicdesk.alerts.delivery.has_due_alerts",
    ),
    Periodic("sla_watch", "civicdesk.slawatch.tasks.sla_watch", "SLA_WATCH_SECONDS"),
    Periodic(
        "provider_updates",
        "civicdesk.forwarding.tasks.pull_provider_updates",
        "PROVIDER_PULL_SECONDS",
        "civicdesk.forwarding.services.has_active_providers",
    ),
)


def tick(now: datetime | None = None) -> list[str]:
    """Enqueue the periodic jobs that are due and that this scheduler wins."""
    now = now or timezone.now()
    PeriodicJob.objects.bulk_create(
        [PeriodicJob(name=job.name, due_at=now) for job in PERIODIC], ignore_conflicts=True
    )
    enqueued = []
    for job in PERIODIC:
        if job.wanted and not import_string(job.wanted)():
            continue
        won = PeriodicJob.objects.filter(name=job.name, due_at__lte=now).update(
            due_at=now + job.every, last_enqueued_at=now
        )
        if won:
            import_string(job.task).enqueue()
            enqueued.append(job.name)
    return enqueued


def beat(worker_id: str, started_at: datetime, backend: str) -> None:
    now = timezone.now()
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "host": socket.gethostname(),
            "pid": os.getpid(),
            "backend": backend,
            "started_at": started_at,
            "seen_at": now,
        },
    )


class SchedulerThread(threading.Thread):
    """Ticks about once a second and beats every WORKER_HEARTBEAT_SECONDS until stopped."""

    def __init__(self, worker_id: str, backend: str) -> None:
        super().__init__(name="civicdesk-scheduler", daemon=True)
        self.worker_id = worker_id
        self.backend = backend
        self.stopped = threading.Event()

    def run(self) -> None:
        started_at = timezone.now()
        last_beat: datetime | None = None
        period = min([1.0] + [getattr(settings, j.every_setting) for j in PERIODIC])
        while not self.stopped.is_set():
            close_old_connections()
            try:
                now = timezone.now()
                heartbeat = timedelta(seconds=settings.WORKER_HEARTBEAT_SECONDS)
                if last_beat is None or now - last_beat >= heartbeat:
                    beat(self.worker_id, started_at, self.backend)
                    last_beat = now
                tick(now)
                if settings.REDIS_URL:
                    relay()  # wake the live streams of every web process
            except Exception:
                # A database or queue outage must not kill the worker: try again next tick.
                logger.exception("scheduler tick failed")
            self.stopped.wait(period)
        connection.close()
