"""One command starts a worker: the queue backend's own worker plus the scheduler."""

import logging
import os
import socket
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import InterfaceError, OperationalError, connections
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django_tasks_db import DatabaseBackend

from civicdesk.workers.scheduler import SchedulerThread

logger = logging.getLogger(__name__)

# How long to wait before polling the queue again after the database went away.
DATABASE_RETRY_SECONDS = 2.0


class Command(BaseCommand):
    help = "Run a background worker (database or Redis queue) with the periodic scheduler."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between polls")
        parser.add_argument("--no-scheduler", action="store_true", help="run tasks only")

    def handle(self, *args, interval: float, no_scheduler: bool, **options) -> None:
        backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]
        worker_id = f"{socket.gethostname()}-{os.getpid()}"[:64]
        if not no_scheduler:
            SchedulerThread(worker_id, type(backend).__name__).start()
        if isinstance(backend, DatabaseBackend):
            self.run_database_queue(interval, worker_id)
        else:
            # SimpleWorker runs jobs in this process: forking beside the scheduler thread
            # is not safe.
            call_command(
                "rqworker",
                "default",
                job_class="django_tasks_rq.Job",
                worker_class="rq.SimpleWorker",
                with_scheduler=True,
                name=worker_id,
            )

    def run_database_queue(self, interval: float, worker_id: str) -> None:
        """db_worker ends with the error when the database goes away (a restart, a fail-over):
        drop the dead connection and poll again, so the process outlives the outage. The
        task it was running is not lost: its alerts' leases expire and they are taken again."""
        while True:
            try:
                call_command(
                    "db_worker",
                    interval=interval,
                    worker_id=worker_id,
                    queue_name="*",
                    reload=False,
                )
                return
            except (OperationalError, InterfaceError) as exc:
                logger.warning("database unavailable, polling again shortly: %s", exc)
                connections.close_all()
                time.sleep(DATABASE_RETRY_SECONDS)
