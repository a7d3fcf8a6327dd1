"""The moderation audit: who hid or redacted what, when and why, with the original. For
superusers only; nobody changes or deletes it here."""

from django.contrib import admin
from django.http import HttpRequest

from civicdesk.moderation.models import Moderation


@admin.register(Moderation)
class ModerationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "issue", "target", "moderator", "reason"]
    list_filter = ["target"]
    date_hierarchy = "created_at"
    fields = [
        "issue",
        "target",
        "object_id",
        "original",
        "replacement",
        "reason",
        "moderator",
        "created_at",
    ]
    readonly_fields = fields

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
