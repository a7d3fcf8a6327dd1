"""Activities. Status, progress and the public summary change only through
civicdesk.activities.services, which moves the linked issues and alerts their followers."""

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from civicdesk.activities.models import Activity, ActivityIssue
from civicdesk.activities.services import edit_activity

STATUS_FIELDS = [
    "status",
    "progress",
    "public_summary",
    "started_at",
    "completed_at",
    "created_by",
    "created_at",
    "updated_at",
]


class LinkedIssueInline(admin.TabularInline):
    model = ActivityIssue
    verbose_name = "linked issue"
    verbose_name_plural = "linked issues"
    fields = ["issue", "linked_at", "linked_by"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[ActivityIssue]:
        return super().get_queryset(request).select_related("issue__issue_type", "linked_by")

    def has_add_permission(self, request: HttpRequest, obj: Activity | None = None) -> bool:
        return False  # linking goes through services.link_issues

    def has_change_permission(self, request: HttpRequest, obj: Activity | None = None) -> bool:
        return False


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ["title", "programme", "status", "progress", "linked_issues", "updated_at"]
    list_filter = ["status", "programme__unit__jurisdiction", "programme__unit", "programme"]
    list_select_related = ["programme__unit"]
    search_fields = ["title"]
    ordering = ["-updated_at", "-id"]
    fields = [
        "programme",
        "title",
        "description",
        ("scheduled_start", "scheduled_end"),
        "assignees",
        *STATUS_FIELDS,
    ]
    readonly_fields = ["programme", *STATUS_FIELDS]
    autocomplete_fields = ["assignees"]
    inlines = [LinkedIssueInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Activity]:
        return super().get_queryset(request).annotate(issue_total=Count("links"))

    @admin.display(description="issues", ordering="issue_total")
    def linked_issues(self, obj: Activity) -> int:
        return obj.issue_total

    def save_model(self, request: HttpRequest, obj: Activity, form, change: bool) -> None:
        data = form.cleaned_data
        edit_activity(
            obj,
            request.user,
            title=data["title"],
            description=data["description"],
            scheduled_start=data["scheduled_start"],
            scheduled_end=data["scheduled_end"],
            assignees=data["assignees"],
        )

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        # The assignees were saved by edit_activity; the linked-issue inline is read-only.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # services.create_activity records the event and links the issues

    def has_delete_permission(self, request: HttpRequest, obj: Activity | None = None) -> bool:
        # Deleting would strand its issues; cancel it through the services instead.
        return request.user.is_superuser
