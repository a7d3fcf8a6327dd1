"""Follow-ups, for looking and correcting: dispatchers record them on the issue page."""

from django.contrib import admin

from civicdesk.backoffice.models import FollowUp


@admin.register(FollowUp)
class FollowUpAdmin(admin.ModelAdmin):
    list_display = ["issue", "contacted", "contacted_at", "promised_for", "recorded_by"]
    list_filter = ["contacted_at", "promised_for"]
    search_fields = ["issue__id", "contacted", "promised"]
    raw_id_fields = ["issue"]
    readonly_fields = ["recorded_by", "created_at"]
    date_hierarchy = "contacted_at"
