"""Providers are configured here; forwardings are shown, and failed ones retried."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest

from civicdesk.forwarding import services
from civicdesk.forwarding.models import AppliedUpdate, Forwarding, Provider


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin):
    list_display = ["unit", "kind", "active", "endpoint", "pulled_until", "last_pull_error"]
    list_filter = ["kind", "active"]
    list_select_related = ["unit"]
    readonly_fields = ["pulled_until", "last_pull_error"]
    # An endpoint typed without a scheme is https (as Django 6 will assume).
    formfield_overrides = {
        models.URLField: {"form_class": forms.URLField, "assume_scheme": "https"}
    }


class AppliedUpdateInline(admin.TabularInline):
    model = AppliedUpdate
    extra = 0
    can_delete = False
    fields = ["update_id", "status", "external_status_code", "description", "updated_at"]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Forwarding | None = None) -> bool:
        return False


@admin.register(Forwarding)
class ForwardingAdmin(admin.ModelAdmin):
    list_display = [
        "issue",
        "provider",
        "state",
        "attempts",
        "next_attempt_at",
        "service_request_id",
        "last_error",
    ]
    list_filter = ["state", "provider"]
    list_select_related = ["issue__issue_type", "provider__unit"]
    search_fields = ["=issue__id", "service_request_id", "token"]
    ordering = ["-created_at", "-id"]
    actions = ["retry"]
    inlines = [AppliedUpdateInline]
    readonly_fields = [f.name for f in Forwarding._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description="Retry the selected failed forwardings")
    def retry(self, request: HttpRequest, queryset: QuerySet[Forwarding]) -> None:
        retried = 0
        for forwarding in queryset.select_related("provider"):
            try:
                services.retry(forwarding)
                retried += 1
            except ValidationError as exc:
                self.message_user(request, f"{forwarding}: {exc.messages[0]}", messages.WARNING)
        self.message_user(request, f"{retried} forwarding(s) queued again")
