from django.db import models
from django.utils import timezone


class Follow(models.Model):
    """A citizen who gets an issue's alerts without having reported or pushed it.

    Reporters and pushers follow their issues already; a Follow row is only made for
    others (citizens.services.following keeps it so), which lets the alert fan-out add
    these rows to reporters and pushers without counting anyone twice."""

    citizen = models.ForeignKey(
        "accounts.Citizen", on_delete=models.CASCADE, related_name="follows", db_index=False
    )
    issue = models.ForeignKey("issues.Issue", on_delete=models.CASCADE, related_name="follows")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            # Also the index by citizen ("my issues").
            models.UniqueConstraint(fields=["citizen", "issue"], name="follow_once")
        ]

    def __str__(self) -> str:
        return f"Citizen #{self.citizen_id} follows #{self.issue_id}"


class ApiReport(models.Model):
    """A report made through the JSON API. A retry with the same Idempotency-Key by the same
    user gets the first answer instead of making a second issue."""

    user = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    idempotency_key = models.CharField(max_length=200)
    # A digest of the request, so that a key reused for a different report is refused.
    fingerprint = models.CharField(max_length=64)
    issue = models.OneToOneField("issues.Issue", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "idempotency_key"], name="api_report_once")
        ]

    def __str__(self) -> str:
        return f"API report #{self.issue_id}"
