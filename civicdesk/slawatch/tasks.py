"""The SLA watch as a background task; the worker's scheduler enqueues it every
SLA_WATCH_SECONDS (a minute by default)."""

from django_tasks import task

from civicdesk.slawatch.services import sweep


@task()
def sla_watch() -> dict[str, int]:
    return dict(sweep())
