"""Health details for a monitor: the database, the task queue, the workers, the mail
server and the outbox. 503 when any of them is not working. They name the site's parts
(mail host, database vendor, queue sizes), so only staff signed in and a monitor holding
settings.HEALTH_DETAILS_TOKEN (`Authorization: Bearer ...`) see them; the load balancer's
probe is the public /health/."""

import smtplib
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django_tasks_db import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from civicdesk.alerts.models import Alert
from civicdesk.twofactor.gate import missing_step
from civicdesk.units.access import scope_of
from civicdesk.workers.models import WorkerHeartbeat

PROBE_TIMEOUT = 3


def check_queue() -> dict:
    if isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], DatabaseBackend):
        ready = DBTaskResult.objects.ready().count()
        return {"status": "ok", "backend": "database", "ready": ready}
    import django_rq  # only with the Redis backend

    queue = django_rq.get_queue("default")
    queue.connection.ping()
    return {"status": "ok", "backend": "redis", "ready": queue.count}


def check_workers() -> dict:
    since = timezone.now() - timedelta(seconds=3 * settings.WORKER_HEARTBEAT_SECONDS)
    alive = WorkerHeartbeat.objects.filter(seen_at__gte=since).count()
    return {"status": "ok" if alive else "down", "alive": alive}


def check_mail() -> dict:
    with smtplib.SMTP(settings.EMAIL_HOST, settings.EMAIL_PORT, timeout=PROBE_TIMEOUT) as smtp:
        code, _ = smtp.noop()
    return {"status": "ok" if code == 250 else "down", "host": settings.EMAIL_HOST}


def check_outbox() -> dict:
    now = timezone.now()
    oldest = (
        Alert.objects.filter(state=Alert.State.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("next_attempt_at", flat=True)
        .first()
    )
    return {
        "status": "ok",
        "oldest_due_seconds": round((now - oldest).total_seconds()) if oldest else 0,
        "failed": Alert.objects.filter(state=Alert.State.FAILED).count(),
    }


def check_database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return {"status": "ok", "vendor": connection.vendor}


def _may_see_details(request: HttpRequest) -> bool:
    token = settings.HEALTH_DETAILS_TOKEN
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if token and given and constant_time_compare(given, token):
        return True
    # Staff who still owe their second factor are not signed in yet.
    return scope_of(request.user).is_staff_member and missing_step(request) is None


CHECKS = {
    "database": check_database,
    "queue": check_queue,
    "workers": check_workers,
    "mail": check_mail,
    "outbox": check_outbox,
}


@never_cache
@require_GET
def health_details(request: HttpRequest) -> JsonResponse:
    if not _may_see_details(request):
        return JsonResponse(
            {"detail": "Health details are for staff and the monitor's token; see /health/."},
            status=403,
        )
    report = {}
    for name, check in CHECKS.items():
        try:
            report[name] = check()
        except Exception as exc:  # any failure of a part is that part being down
            report[name] = {"status": "down", "error": type(exc).__name__}
    healthy = all(part["status"] == "ok" for part in report.values())
    report["status"] = "ok" if healthy else "unavailable"
    return JsonResponse(report, status=200 if healthy else 503)
