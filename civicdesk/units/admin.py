"""Business units, their service levels and calendars, programmes and dispatchers."""

from datetime import timedelta
from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from civicdesk.catalogue.models import IssueType
from civicdesk.places.models import Area
from civicdesk.units.models import (
    BusinessUnit,
    Calendar,
    ClosedDay,
    Dispatcher,
    Membership,
    Programme,
    ServiceLevel,
    WorkingHours,
)

TARGET_HELP = "Hours as HH:MM:SS, or days and hours as 'D HH:MM:SS', counted on the calendar"


def format_target(target: timedelta | None) -> str:
    """A target in hours and minutes, since on a working-hours calendar a day is not 24 h."""
    if target is None:
        return "-"
    minutes = int(target.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"


class WorkingHoursInline(admin.TabularInline):
    model = WorkingHours
    extra = 0


class ClosedDayInline(admin.TabularInline):
    model = ClosedDay
    extra = 0


@admin.register(Calendar)
class CalendarAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "time_zone", "holiday_country", "holiday_subdivision"]
    list_filter = ["kind"]
    search_fields = ["name"]
    inlines = [WorkingHoursInline, ClosedDayInline]


class ServiceLevelForm(forms.ModelForm):
    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        unit, issue_type = cleaned.get("unit"), cleaned.get("issue_type")
        if unit and issue_type and unit.jurisdiction_id != issue_type.jurisdiction_id:
            self.add_error("issue_type", "Not an issue type of the unit's jurisdiction")
        return cleaned


class ServiceLevelInline(admin.TabularInline):
    model = ServiceLevel
    form = ServiceLevelForm
    extra = 0
    fields = [
        "issue_type",
        "response_target",
        "resolution_target",
        "calendar",
        "first_warning_percent",
        "second_warning_percent",
    ]

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)
        if obj is not None:
            field = formset.form.base_fields["issue_type"]
            field.queryset = field.queryset.filter(jurisdiction_id=obj.jurisdiction_id)
        for name in ("response_target", "resolution_target"):
            formset.form.base_fields[name].help_text = TARGET_HELP
        return formset


class BusinessUnitForm(forms.ModelForm):
    class Meta:
        model = BusinessUnit
        fields = ["jurisdiction", "name", "slug", "is_external", "email", "issue_types", "areas"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only names: polygons are large and a picker lists every area.
        areas = Area.objects.only("pk", "name", "kind", "jurisdiction_id")
        issue_types = IssueType.objects.all()
        if self.instance.jurisdiction_id:
            areas = areas.filter(jurisdiction_id=self.instance.jurisdiction_id)
            issue_types = issue_types.filter(jurisdiction_id=self.instance.jurisdiction_id)
        self.fields["areas"].queryset = areas
        self.fields["issue_types"].queryset = issue_types

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        jurisdiction = cleaned.get("jurisdiction")
        if jurisdiction is None:
            return cleaned
        for field in ("issue_types", "areas"):
            foreign = [o for o in cleaned.get(field) or [] if o.jurisdiction_id != jurisdiction.pk]
            if foreign:
                names = ", ".join(str(o) for o in foreign)
                self.add_error(field, f"Not in {jurisdiction}: {names}")
        return cleaned


@admin.register(BusinessUnit)
class BusinessUnitAdmin(admin.ModelAdmin):
    form = BusinessUnitForm
    list_display = ["name", "jurisdiction", "is_external", "email"]
    list_filter = ["jurisdiction", "is_external"]
    list_select_related = ["jurisdiction"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["issue_types", "areas"]
    inlines = [ServiceLevelInline]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["user", "role"]
    autocomplete_fields = ["user"]


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "unit"]
    list_filter = ["unit__jurisdiction", "unit"]
    list_select_related = ["unit"]
    search_fields = ["name", "unit__name"]
    inlines = [MembershipInline]


@admin.register(Dispatcher)
class DispatcherAdmin(admin.ModelAdmin):
    list_display = ["user", "jurisdiction"]
    list_filter = ["jurisdiction"]
    list_select_related = ["user", "jurisdiction"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user"]


@admin.register(ServiceLevel)
class ServiceLevelAdmin(admin.ModelAdmin):
    form = ServiceLevelForm
    list_display = ["unit", "issue_type", "response", "resolution", "calendar"]
    list_filter = ["unit__jurisdiction", "unit", "calendar", "unit__is_external"]
    list_select_related = ["unit", "issue_type", "calendar"]
    search_fields = ["unit__name", "issue_type__name", "issue_type__code"]
    ordering = ["unit__name", "issue_type__name"]

    @admin.display(description="response target", ordering="response_target")
    def response(self, obj: ServiceLevel) -> str:
        return format_target(obj.response_target)

    @admin.display(description="resolution target", ordering="resolution_target")
    def resolution(self, obj: ServiceLevel) -> str:
        return format_target(obj.resolution_target)
