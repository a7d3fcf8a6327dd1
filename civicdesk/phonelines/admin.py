"""Phone lines are configured here; sessions and messages are for looking only, and show
the citizen as a link, never their number."""

from django.contrib import admin
from django.http import HttpRequest

from civicdesk.issues.admin import citizen_link
from civicdesk.phonelines.models import InboundSms, PhoneLine, PhoneProfile, UssdSession


@admin.register(PhoneLine)
class PhoneLineAdmin(admin.ModelAdmin):
    list_display = ["code", "channel", "jurisdiction", "active"]
    list_filter = ["channel", "active", "jurisdiction"]
    search_fields = ["code"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.display(description="citizen")
    def who(self, obj: UssdSession | InboundSms | PhoneProfile) -> str:
        return citizen_link(obj.citizen_id)


@admin.register(UssdSession)
class UssdSessionAdmin(ReadOnlyAdmin):
    list_display = ["started_at", "line", "who", "step", "finished_at", "issue"]
    list_filter = ["line"]
    list_select_related = ["line", "issue__issue_type"]
    search_fields = ["session_id"]
    ordering = ["-started_at", "-id"]
    fields = ["session_id", "line", "who", "network_code", "state", "started_at"]
    fields += ["updated_at", "finished_at", "issue"]
    readonly_fields = fields

    @admin.display(description="step")
    def step(self, obj: UssdSession) -> str:
        return obj.state.get("step", "")


@admin.register(InboundSms)
class InboundSmsAdmin(ReadOnlyAdmin):
    list_display = ["received_at", "to", "who", "outcome", "issue"]
    list_filter = ["outcome", "to"]
    list_select_related = ["issue__issue_type"]
    search_fields = ["message_id"]
    ordering = ["-received_at", "-id"]
    fields = ["message_id", "to", "who", "text", "sent_at", "received_at", "outcome", "reply"]
    fields += ["issue", "link_id"]
    readonly_fields = fields


@admin.register(PhoneProfile)
class PhoneProfileAdmin(ReadOnlyAdmin):
    list_display = ["who", "language_chosen_at", "created_at"]
    fields = ["who", "language_chosen_at", "created_at"]
    readonly_fields = fields
