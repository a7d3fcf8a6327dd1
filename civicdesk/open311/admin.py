from django.contrib import admin, messages
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest

from civicdesk.open311.models import ClientApplication, Submission
from civicdesk.open311.services import new_api_key, revoke_applications


@admin.register(ClientApplication)
class ClientApplicationAdmin(admin.ModelAdmin):
    """Adding an application shows its api_key once; `create_open311_key NAME` does the
    same from a shell."""

    list_display = [
        "name",
        "prefix",
        "answer_with_token",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "contact"]
    readonly_fields = ["prefix", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke", "issue_new_key"]

    def get_fields(self, request: HttpRequest, obj: ClientApplication | None = None) -> list:
        editable = ["name", "contact", "answer_with_token"]
        return editable if obj is None else editable + self.readonly_fields

    def save_model(
        self, request: HttpRequest, obj: ClientApplication, form: ModelForm, change: bool
    ) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        raw = new_api_key(obj)
        self.message_user(
            request,
            f"The api_key of {obj.name} is {raw} — copy it now, it will not be shown again.",
            messages.WARNING,
        )

    @admin.action(description="Revoke the api_key of the selected applications")
    def revoke(self, request: HttpRequest, queryset: QuerySet[ClientApplication]) -> None:
        count = revoke_applications(queryset)
        self.message_user(request, f"Revoked {count} api_key(s).")

    @admin.action(description="Issue a new api_key (the current one stops working)")
    def issue_new_key(self, request: HttpRequest, queryset: QuerySet[ClientApplication]) -> None:
        for application in queryset:
            raw = new_api_key(application)
            self.message_user(
                request,
                f"New api_key of {application.name}: {raw} — copy it now.",
                messages.WARNING,
            )


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    """Read-only: which client sent which request, for support and audit."""

    list_display = ["issue", "application", "created_at"]
    list_filter = ["application"]
    list_select_related = ["application", "issue__issue_type"]
    fields = [
        "application",
        "issue",
        "idempotency_key",
        "device_id",
        "account_id",
        "token",
        "created_at",
    ]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
