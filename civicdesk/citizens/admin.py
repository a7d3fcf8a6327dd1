from django.contrib import admin

from civicdesk.citizens.models import ReportKey


@admin.register(ReportKey)
class ReportKeyAdmin(admin.ModelAdmin):
    """Keys of web reports, to answer "did my offline report arrive?" questions."""

    list_display = ("key", "issue", "created_at")
    search_fields = ("key", "issue__id")
    raw_id_fields = ("issue",)
    date_hierarchy = "created_at"

    def has_change_permission(self, request, obj=None) -> bool:
        return False
