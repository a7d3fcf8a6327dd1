from django.contrib import admin

from civicdesk.slawatch.models import EscalationRule


@admin.register(EscalationRule)
class EscalationRuleAdmin(admin.ModelAdmin):
    list_display = ["unit", "clock", "after", "repeat_every", "recipient", "user", "email"]
    list_filter = ["clock", "recipient", "unit"]
    autocomplete_fields = ["user"]
