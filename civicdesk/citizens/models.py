from django.db import models
from django.utils import timezone

from civicdesk.issues.models import Issue


class ReportKey(models.Model):
    """The idempotency key a browser sends with a web report. A report queued offline is
    retried until an answer arrives; the key makes every retry answer with the first
    issue instead of filing another."""

    key = models.CharField(max_length=64, unique=True)
    issue = models.OneToOneField(Issue, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.key} → #{self.issue_id}"
