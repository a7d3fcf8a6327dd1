from django.db import models

from civicdesk.places.models import Jurisdiction


class IssueType(models.Model):
    """What can be reported: Open311's *service*."""

    jurisdiction = models.ForeignKey(
        Jurisdiction, on_delete=models.CASCADE, related_name="issue_types"
    )
    code = models.SlugField(max_length=64, help_text="Open311 service_code")
    name = models.CharField(max_length=200)
    group = models.CharField(max_length=100, blank=True)
    description = models.TextField(blank=True)
    keywords = models.CharField(max_length=300, blank=True, help_text="Comma-separated")
    active = models.BooleanField(default=True)
    asset_kind = models.SlugField(
        max_length=32,
        blank=True,
        help_text="The kind of asset a report names (e.g. street_light); blank for none",
    )
    asset_required = models.BooleanField(
        default=False, help_text="A report must name the asset (when the type asks for one)"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "code"], name="issue_type_unique_code")
        ]
        ordering = ["group", "name"]

    def __str__(self) -> str:
        return self.name


class Datatype(models.TextChoices):
    STRING = "string"
    NUMBER = "number"
    DATETIME = "datetime"
    TEXT = "text"
    SINGLEVALUELIST = "singlevaluelist"
    MULTIVALUELIST = "multivaluelist"


LIST_DATATYPES = {Datatype.SINGLEVALUELIST, Datatype.MULTIVALUELIST}


class Question(models.Model):
    """An extra question of an issue type: Open311's *attribute*."""

    issue_type = models.ForeignKey(IssueType, on_delete=models.CASCADE, related_name="questions")
    code = models.SlugField(max_length=64)
    description = models.CharField(max_length=300, help_text="The question as asked")
    datatype = models.CharField(max_length=16, choices=Datatype.choices)
    datatype_description = models.CharField(max_length=300, blank=True)
    required = models.BooleanField(default=False)
    variable = models.BooleanField(
        default=True, help_text="Off for informational text that takes no answer"
    )
    order = models.PositiveSmallIntegerField()
    values = models.JSONField(
        default=list, blank=True, help_text='For list datatypes: [{"key": …, "name": …}, …]'
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issue_type", "code"], name="question_unique_code"),
            models.UniqueConstraint(fields=["issue_type", "order"], name="question_unique_order"),
            models.CheckConstraint(condition=models.Q(order__gte=1), name="question_order_gte_1"),
        ]
        ordering = ["issue_type", "order"]

    def __str__(self) -> str:
        return f"{self.issue_type.code}/{self.code}"

    @property
    def value_keys(self) -> list[str]:
        return [str(v["key"]) for v in self.values]

    def clean(self) -> None:
        from civicdesk.catalogue.services import validate_question

        validate_question(self)
