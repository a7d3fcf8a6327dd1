"""The alert outbox: workers deliver alerts; the admin shows them, counts them by channel
and state, and sends failed ones again."""

from django.contrib import admin, messages
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse

from civicdesk.alerts.delivery import retry
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
    actions = ["retry_alerts"]
    change_list_template = "admin/alerts/alert/change_list.html"
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
        "claimed_at",
        "last_error",
        "created_at",
        "sent_at",
    ]
    readonly_fields = fields

    @admin.action(description="Send the selected failed or cancelled alerts again")
    def retry_alerts(self, request: HttpRequest, queryset: QuerySet[Alert]) -> None:
        count = retry(queryset)
        self.message_user(request, f"{count} alert(s) will be sent again.", messages.SUCCESS)

    def changelist_view(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        rows = Alert.objects.values("channel", "state").annotate(n=Count("id"))
        states = [s.value for s in Alert.State]
        table: dict[str, dict[str, int]] = {}
        for row in rows:
            table.setdefault(row["channel"], dict.fromkeys(states, 0))[row["state"]] = row["n"]
        summary = [
            (channel, [counts[s] for s in states]) for channel, counts in sorted(table.items())
        ]
        context = {"outbox_states": states, "outbox_summary": summary} | (extra_context or {})
        return super().changelist_view(request, extra_context=context)

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
