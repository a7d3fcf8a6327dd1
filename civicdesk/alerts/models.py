from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from civicdesk.accounts.models import AlertChannel


class Alert(models.Model):
    """The outbox: an alert to deliver, written in the transaction of the change that
    caused it. Workers claim pending rows with a conditional update and deliver them.

    Citizen, issue and activity are not database-level foreign keys: a fan-out writes tens
    of thousands of rows at once and PostgreSQL's per-row key checks were a third of its
    time. Django still cascades deletions; nothing else writes this table."""

    class Channel(models.TextChoices):
        EMAIL = "email", "E-mail"
        SMS = "sms", "SMS"
        PUSH = "push", "Browser push"
        INBOX = "inbox", "Staff inbox"

    class State(models.TextChoices):
        PENDING = "pending"
        SENDING = "sending"
        SENT = "sent"
        FAILED = "failed"
        CANCELLED = "cancelled"

    citizen = models.ForeignKey(
        "accounts.Citizen",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="alerts",
        db_constraint=False,
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="alerts",
        db_index=False,
    )
    unit = models.ForeignKey(
        "units.BusinessUnit",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="alerts",
        db_index=False,
    )
    channel = models.CharField(max_length=8, choices=Channel.choices)
    kind = models.CharField(max_length=32)
    payload = models.JSONField(default=dict)
    issue = models.ForeignKey(
        "issues.Issue",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="alerts",
        db_constraint=False,
        db_index=False,  # the (issue, created_at) index serves
    )
    activity = models.ForeignKey(
        "activities.Activity",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="alerts",
        db_constraint=False,
        db_index=False,  # alerts are found by recipient, issue or due time, not by activity
    )
    # Alerts sharing a digest key go to one person as one message (e.g. a completion of
    # an activity that a citizen follows through several issues).
    digest_key = models.CharField(max_length=64, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Set when a worker claims the alert (state "sending"). A claim older than the lease
    # belongs to a worker that died: another worker takes the alert again.
    claimed_at = models.DateTimeField(null=True, blank=True)
    claim = models.CharField(max_length=32, blank=True, db_default="")

    class Meta:
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="alert_due",
                condition=Q(state="pending"),
            ),
            models.Index(fields=["claimed_at"], name="alert_claimed", condition=Q(state="sending")),
            models.Index(fields=["issue", "created_at"]),
            # Staff and unit alerts are few: partial indexes keep citizens' alerts cheap.
            models.Index(fields=["user"], name="alert_user", condition=Q(user__isnull=False)),
            models.Index(fields=["unit"], name="alert_unit", condition=Q(unit__isnull=False)),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(citizen__isnull=False, user__isnull=True, unit__isnull=True)
                    | Q(citizen__isnull=True, user__isnull=False, unit__isnull=True)
                    | Q(citizen__isnull=True, user__isnull=True, unit__isnull=False)
                ),
                name="alert_has_one_recipient",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} via {self.channel} ({self.state})"


class Preference(models.Model):
    """How a citizen wants alerts beyond `Citizen.alert_channel`: by browser push when a
    browser is subscribed, and not by SMS or push during quiet hours (local time)."""

    citizen = models.OneToOneField(
        "accounts.Citizen", on_delete=models.CASCADE, related_name="alert_preference"
    )
    push = models.BooleanField(default=False, help_text="Alert by browser push when subscribed")
    quiet_from = models.TimeField(null=True, blank=True)
    quiet_until = models.TimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Preferences of citizen #{self.citizen_id}"


class PushSubscription(models.Model):
    """A browser's Web Push subscription (its endpoint and encryption keys)."""

    citizen = models.ForeignKey(
        "accounts.Citizen", on_delete=models.CASCADE, related_name="push_subscriptions"
    )
    endpoint = models.URLField(max_length=1000, unique=True)
    p256dh = models.CharField(max_length=200)
    auth = models.CharField(max_length=100)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Push subscription #{self.pk}"

    def info(self) -> dict:
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}


class IssueAlertChoice(models.Model):
    """How a citizen wants alerts about one issue they follow: by e-mail, by SMS or not at
    all, instead of their global `Citizen.alert_channel`. No row means "as my default"."""

    # The unique (citizen, issue) constraint is also the index by citizen.
    citizen = models.ForeignKey(
        "accounts.Citizen", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    issue = models.ForeignKey("issues.Issue", on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=8, choices=AlertChannel.choices)
    chosen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["citizen", "issue"], name="issue_alert_choice_once")
        ]

    def __str__(self) -> str:
        return f"Citizen #{self.citizen_id} on #{self.issue_id}: {self.channel}"
