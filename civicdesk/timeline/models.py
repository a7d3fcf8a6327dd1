from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Event(models.Model):
    """One change to an issue or an activity: who, when, what, from → to, public or not.
    The citizen's timeline is the public events of an issue and of its activities."""

    # The (issue, created_at) and (activity, created_at) indexes serve lookups by subject.
    # Activity and actor carry no database-level key (Django still cascades): a fan-out
    # writes an event per issue and PostgreSQL's per-row key checks cost more than the rows.
    issue = models.ForeignKey(
        "issues.Issue",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="events",
        db_index=False,
    )
    activity = models.ForeignKey(
        "activities.Activity",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="events",
        db_index=False,
        db_constraint=False,
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    # Who acted, for display without personal data: "staff", "citizen", "system", "dispatch".
    actor_role = models.CharField(max_length=16, default="system")
    kind = models.CharField(max_length=32)
    from_value = models.CharField(max_length=200, blank=True)
    to_value = models.CharField(max_length=200, blank=True)
    note = models.TextField(blank=True)
    public = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["issue", "created_at"]),
            models.Index(fields=["activity", "created_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(issue__isnull=False) | Q(activity__isnull=False),
                name="event_has_subject",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.from_value} → {self.to_value}"
