"""One command starts a worker: the queue backend's own worker plus the scheduler."""

import os
import socket

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django_tasks_db import DatabaseBackend

from civicdesk.workers.scheduler import SchedulerThread


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
            call_command(
                "db_worker", interval=interval, worker_id=worker_id, queue_name="*", reload=False
            )
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
