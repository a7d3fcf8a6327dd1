"""Events: the history of issues and activities, read-only."""

from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from civicdesk.timeline.models import Event


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "kind",
        "issue",
        "activity",
        "actor",
        "actor_role",
        "from_value",
        "to_value",
        "public",
    ]
    list_filter = ["kind", "public", "actor_role"]
    list_select_related = ["issue__issue_type", "activity", "actor"]
    search_fields = ["=issue__id", "=activity__id"]
    search_help_text = "Issue or activity number"
    ordering = ["-created_at", "-id"]

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Event], search_term: str
    ) -> tuple[QuerySet[Event], bool]:
        number = search_term.strip().removeprefix("#")
        if not number:
            return queryset, False
        if not number.isdecimal() or len(number) > 18:
            return queryset.none(), False
        return queryset.filter(Q(issue_id=int(number)) | Q(activity_id=int(number))), False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Event | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Event | None = None) -> bool:
        return False  # the history is the audit trail
