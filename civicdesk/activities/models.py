from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from civicdesk.issues.models import Issue
from civicdesk.units.models import Programme


class ActivityStatus(models.TextChoices):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress", "In progress"
    ON_HOLD = "on_hold", "On hold"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class Activity(models.Model):
    """Work a programme does in response to one or many issues."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="activities")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    status = models.CharField(
        max_length=12, choices=ActivityStatus.choices, default=ActivityStatus.PLANNED
    )
    progress = models.PositiveSmallIntegerField(default=0)
    public_summary = models.TextField(blank=True, help_text="Actions taken, shown to citizens")
    scheduled_start = models.DateTimeField(null=True, blank=True)
    scheduled_end = models.DateTimeField(null=True, blank=True)
    assignees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="assigned_activities"
    )
    issues = models.ManyToManyField(Issue, through="ActivityIssue", related_name="activities")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    # Counts the changes to the fields staff edit, so that an editor who read an older
    # version is told of the changes made since (activities.services.ActivityConflict).
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name_plural = "activities"
        indexes = [models.Index(fields=["programme", "status"])]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="activity_progress_le_100"),
            models.CheckConstraint(
                condition=Q(scheduled_end__isnull=True)
                | Q(scheduled_start__isnull=True)
                | Q(scheduled_end__gte=models.F("scheduled_start")),
                name="activity_schedule_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ActivityIssue(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="links")
    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="activity_links")
    linked_at = models.DateTimeField(default=timezone.now)
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["activity", "issue"], name="activity_issue_once")
        ]
