from django.conf import settings
from django.db import models
from django.utils import timezone


class Moderation(models.Model):
    """Staff hiding a photo or redacting a text of an issue. The issue keeps only the
    redacted text; the original is here, for audit, seen by superusers in the admin only."""

    class Target(models.TextChoices):
        DESCRIPTION = "description", "the issue's description"
        NOTE = "note", "a note of the timeline"
        FEEDBACK = "feedback", "a feedback comment"
        PHOTO = "photo", "a photo"

    issue = models.ForeignKey("issues.Issue", on_delete=models.CASCADE, related_name="moderations")
    target = models.CharField(max_length=12, choices=Target.choices)
    # The event, feedback or photo moderated (none for the description).
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    # The text as it was; for a photo, where its file was stored before it was hidden.
    original = models.TextField(blank=True)
    replacement = models.TextField(blank=True)
    reason = models.TextField()
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["issue", "created_at"])]

    def __str__(self) -> str:
        return f"#{self.issue_id}: {self.get_target_display()}"
