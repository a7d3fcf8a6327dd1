"""Issues, for looking only: state changes go through civicdesk.issues.services so that
every change writes its events and alerts. No contact details of citizens appear here."""

from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from civicdesk.activities.models import ActivityIssue
from civicdesk.issues.models import ClockPause, Feedback, Issue, Photo, Push


def citizen_link(citizen_id: int | None) -> str:
    """A link to the citizen's record (superusers only) that names no personal data."""
    if citizen_id is None:
        return "-"
    url = reverse("admin:accounts_citizen_change", args=[citizen_id])
    return format_html('<a href="{}">Citizen #{}</a>', url, citizen_id)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Issue | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Issue | None = None) -> bool:
        return False


class PhotoInline(ReadOnlyInline):
    model = Photo
    fields = ["image", "uploaded_at", "hidden"]
    readonly_fields = fields


class PushInline(ReadOnlyInline):
    model = Push
    verbose_name_plural = "pushes"
    fields = ["pusher", "created_at"]
    readonly_fields = fields

    @admin.display(description="citizen")
    def pusher(self, obj: Push) -> str:
        return citizen_link(obj.citizen_id)


class FeedbackInline(ReadOnlyInline):
    model = Feedback
    verbose_name_plural = "feedback"
    fields = ["rating", "fixed", "comment", "author", "created_at"]
    readonly_fields = fields

    @admin.display(description="citizen")
    def author(self, obj: Feedback) -> str:
        return citizen_link(obj.citizen_id)


class ClockPauseInline(ReadOnlyInline):
    model = ClockPause
    fields = ["reason", "started_at", "ended_at", "created_by"]
    readonly_fields = fields


class ActivityLinkInline(ReadOnlyInline):
    model = ActivityIssue
    verbose_name = "linked activity"
    verbose_name_plural = "linked activities"
    fields = ["activity", "linked_at", "linked_by"]
    readonly_fields = fields


@admin.register(Issue)
class IssueAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "issue_type",
        "status",
        "unit",
        "area",
        "submitted_at",
        "response_due",
        "resolution_due",
        "push_count",
    ]
    list_filter = ["status", "unit", "issue_type", "jurisdiction"]
    list_select_related = ["issue_type", "unit", "area"]
    search_fields = ["=id"]
    search_help_text = "Issue number (1234 or #1234), or a provider's reference"
    ordering = ["-submitted_at", "-id"]
    fieldsets = [
        (
            None,
            {"fields": ["id", "jurisdiction", "issue_type", "status", "source", "reporter_link"]},
        ),
        ("Report", {"fields": ["description", "answers", "address", ("lat", "lon"), "area"]}),
        (
            "Handling",
            {
                "fields": [
                    "unit",
                    "service_level",
                    "provider_reference",
                    "external_id",
                    "duplicate_of",
                    "rejection_reason",
                    "push_count",
                    "history",
                ]
            },
        ),
        (
            "Service level clock",
            {
                "fields": [
                    "submitted_at",
                    ("response_due", "responded_at", "response_met"),
                    ("resolution_due", "resolved_at", "resolution_met"),
                    "paused_at",
                    "closed_at",
                    "updated_at",
                ]
            },
        ),
    ]
    inlines = [ActivityLinkInline, PhotoInline, PushInline, FeedbackInline, ClockPauseInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Issue]:
        # Area polygons are large and never shown in a list.
        queryset = super().get_queryset(request).select_related(*self.list_select_related)
        return queryset.defer("area__geometry")

    def get_readonly_fields(self, request: HttpRequest, obj: Issue | None = None) -> list[str]:
        return [name for fieldset in self.fieldsets for name in _flat(fieldset[1]["fields"])]

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Issue], search_term: str
    ) -> tuple[QuerySet[Issue], bool]:
        term = search_term.strip()
        if not term:
            return queryset, False
        match = Q(provider_reference=term) | Q(external_id=term)
        number = term.removeprefix("#")
        if number.isdecimal() and len(number) < 19:
            match |= Q(pk=int(number))
        return queryset.filter(match), False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # issues are reported through the services, which route and alert

    def has_change_permission(self, request: HttpRequest, obj: Issue | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Issue | None = None) -> bool:
        return request.user.is_superuser

    @admin.display(description="reporter")
    def reporter_link(self, obj: Issue) -> str:
        return citizen_link(obj.reporter_id)

    @admin.display(description="timeline")
    def history(self, obj: Issue) -> str:
        events = reverse("admin:timeline_event_changelist")
        alerts = reverse("admin:alerts_alert_changelist")
        return format_html(
            '<a href="{}?issue={}">Events</a> · <a href="{}?issue={}">Alerts</a>',
            events,
            obj.pk,
            alerts,
            obj.pk,
        )


def _flat(fields: list) -> list[str]:
    return [name for item in fields for name in (item if isinstance(item, tuple) else [item])]
