from django.conf import settings
from django.db import models
from django.utils import timezone


class FollowUp(models.Model):
    """A dispatcher or staff member chasing an issue: who was contacted and when, what
    they promised (and for when), and who recorded it. Internal: citizens never see it."""

    issue = models.ForeignKey("issues.Issue", on_delete=models.CASCADE, related_name="follow_ups")
    contacted = models.CharField(max_length=200, help_text="Who was contacted")
    contacted_at = models.DateTimeField()
    promised = models.TextField(blank=True, help_text="What they promised")
    promised_for = models.DateField(null=True, blank=True, help_text="By when they promised it")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-contacted_at", "-id"]
        indexes = [
            models.Index(fields=["issue", "contacted_at"]),
            # The dispatch centre's "promises due" queue.
            models.Index(
                fields=["promised_for"],
                name="follow_up_promise",
                condition=models.Q(promised_for__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.issue_id}: {self.contacted} ({self.contacted_at:%Y-%m-%d})"


class ContactView(models.Model):
    """One look by staff at citizens' contact details (name, e-mail, phone): who, when,
    which issue (or which citizen record, in the admin) and through which interface.
    Written by `backoffice.contacts`, the only way staff interfaces read contacts."""

    class Interface(models.TextChoices):
        STAFF_PAGE = "staff_page", "Staff page"
        STAFF_API = "staff_api", "Staff JSON API"
        ADMIN = "admin", "Admin"

    viewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Kept as text too, so the log still names the viewer after their account is deleted.
    viewer_username = models.CharField(max_length=150)
    issue = models.ForeignKey(
        "issues.Issue", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    citizen = models.ForeignKey(
        "accounts.Citizen", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    interface = models.CharField(max_length=10, choices=Interface.choices)
    viewed_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-viewed_at", "-id"]
        indexes = [models.Index(fields=["issue", "viewed_at"])]

    def __str__(self) -> str:
        subject = f"issue #{self.issue_id}" if self.issue_id else f"citizen #{self.citizen_id}"
        return f"{self.viewer_username} viewed {subject} ({self.get_interface_display()})"
