"""Background tasks of the outbox (django-tasks: the database or the Redis queue)."""

import time
from collections import Counter

from django_tasks import task

from civicdesk.alerts.delivery import deliver_due

# A run stops taking new batches after this long, so one task never holds a worker.
RUN_BUDGET_SECONDS = 60


@task()
def deliver_alerts() -> dict[str, int]:
    """Deliver due alerts batch by batch until none is left; the scheduler enqueues this
    while alerts are due."""
    started = time.monotonic()
    total: Counter = Counter()
    while time.monotonic() - started < RUN_BUDGET_SECONDS:
        outcomes = deliver_due()
        if not outcomes:
            break
        total += outcomes
    return dict(total)
