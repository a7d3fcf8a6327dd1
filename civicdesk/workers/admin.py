"""The workers as their schedulers last reported, and the periodic jobs."""

from datetime import timedelta

from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest
from django.utils import timezone

from civicdesk.workers.models import PeriodicJob, WorkerHeartbeat


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(ReadOnlyAdmin):
    list_display = ["worker_id", "host", "pid", "backend", "started_at", "seen_at", "alive"]
    ordering = ["-seen_at"]

    @admin.display(boolean=True)
    def alive(self, obj: WorkerHeartbeat) -> bool:
        return obj.seen_at >= timezone.now() - timedelta(
            seconds=3 * settings.WORKER_HEARTBEAT_SECONDS
        )


@admin.register(PeriodicJob)
class PeriodicJobAdmin(ReadOnlyAdmin):
    list_display = ["name", "due_at", "last_enqueued_at"]
