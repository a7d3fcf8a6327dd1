from django.db import models

from civicdesk.places.models import Jurisdiction


class ImportedRecord(models.Model):
    """A source's record that became an issue: what makes re-running an import a no-op."""

    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.CASCADE, related_name="+")
    source = models.CharField(max_length=32, help_text="The mapping's name for the source")
    external_id = models.CharField(max_length=64)
    # The issue is the key (one index fewer to write) and has no database-level foreign
    # key: a bulk import writes a row per issue, and PostgreSQL's per-row checks cost more
    # than the rows (as for events). Django still cascades.
    issue = models.OneToOneField(
        "issues.Issue",
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "source", "external_id"], name="imported_record_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.source}:{self.external_id}"
