"""Issue types and their questions (Open311 services and attributes)."""

from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from civicdesk.catalogue.models import IssueType, Question


class QuestionInline(admin.StackedInline):
    model = Question
    extra = 0
    ordering = ["order"]
    fields = [
        ("order", "code", "datatype"),
        "description",
        "datatype_description",
        ("required", "variable"),
        "values",
    ]
    # Question.clean() checks that list datatypes have values and the others none.
    formfield_overrides = {
        models.JSONField: {"widget": forms.Textarea(attrs={"rows": 3, "cols": 80})}
    }


@admin.register(IssueType)
class IssueTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "group", "jurisdiction", "active", "question_count"]
    list_filter = ["jurisdiction", "group", "active"]
    list_select_related = ["jurisdiction"]
    search_fields = ["code", "name", "keywords"]
    prepopulated_fields = {"code": ["name"]}
    fields = [
        "jurisdiction",
        "code",
        "name",
        "group",
        "description",
        "keywords",
        "active",
        ("asset_kind", "asset_required"),
    ]
    inlines = [QuestionInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[IssueType]:
        return super().get_queryset(request).annotate(question_total=Count("questions"))

    @admin.display(description="questions", ordering="question_total")
    def question_count(self, obj: IssueType) -> int:
        return obj.question_total
