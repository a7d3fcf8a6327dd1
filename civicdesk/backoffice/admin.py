"""Follow-ups, for looking and correcting: dispatchers record them on the issue page; the
log of staff looks at citizens' contacts, for administrators."""

from django.contrib import admin
from django.http import HttpRequest

from civicdesk.backoffice.models import ContactView, FollowUp


@admin.register(FollowUp)
class FollowUpAdmin(admin.ModelAdmin):
    list_display = ["issue", "contacted", "contacted_at", "promised_for", "recorded_by"]
    list_filter = ["contacted_at", "promised_for"]
    search_fields = ["issue__id", "contacted", "promised"]
    raw_id_fields = ["issue"]
    readonly_fields = ["recorded_by", "created_at"]
    date_hierarchy = "contacted_at"


@admin.register(ContactView)
class ContactViewAdmin(admin.ModelAdmin):
    """The log of staff looks at citizens' contacts: superusers only, read-only."""

    list_display = ["viewed_at", "viewer_username", "issue", "citizen", "interface"]
    list_filter = ["interface", "viewed_at"]
    search_fields = ["viewer_username", "=issue__id", "=citizen__id"]
    date_hierarchy = "viewed_at"
    raw_id_fields = ["viewer", "issue", "citizen"]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
