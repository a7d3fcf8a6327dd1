"""The alert outbox, read-only: workers deliver alerts, the admin only shows them."""

from django.contrib import admin
from django.http import HttpRequest

from civicdesk.alerts.models import Alert
from civicdesk.issues.admin import citizen_link


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "kind",
        "channel",
        "state",
        "recipient",
        "issue",
        "attempts",
        "next_attempt_at",
        "sent_at",
    ]
    list_filter = ["state", "channel", "kind"]
    list_select_related = ["issue__issue_type", "user", "unit"]
    ordering = ["-created_at", "-id"]
    fields = [
        "kind",
        "channel",
        "state",
        "recipient",
        "issue",
        "activity",
        "digest_key",
        "payload",
        "attempts",
        "next_attempt_at",
        "last_error",
        "created_at",
        "sent_at",
    ]
    readonly_fields = fields

    @admin.display(description="recipient")
    def recipient(self, obj: Alert) -> str:
        if obj.citizen_id is not None:
            return citizen_link(obj.citizen_id)
        return str(obj.user or obj.unit or "-")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Alert | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Alert | None = None) -> bool:
        return False
