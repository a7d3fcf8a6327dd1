from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q


class ClockWatch(models.Model):
    """What the SLA watch last knew of an issue's two clocks: the deadline it judged, when
    the warning comes, and the level reached (0 on track, 1 at risk, 2 breached). A sweep
    raises levels and alerts only on a change, so running it again changes nothing."""

    issue = models.OneToOneField(
        "issues.Issue", primary_key=True, on_delete=models.CASCADE, related_name="sla_watch"
    )
    response_due = models.DateTimeField(null=True)
    response_warn_at = models.DateTimeField(null=True)
    response_level = models.PositiveSmallIntegerField(default=0)
    response_changed_at = models.DateTimeField(null=True)
    resolution_due = models.DateTimeField(null=True)
    resolution_warn_at = models.DateTimeField(null=True)
    resolution_level = models.PositiveSmallIntegerField(default=0)
    resolution_changed_at = models.DateTimeField(null=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["response_due"], name="watch_response", condition=Q(response_level__lt=2)
            ),
            models.Index(
                fields=["resolution_due"],
                name="watch_resolution",
                condition=Q(resolution_level__lt=2),
            ),
            models.Index(
                fields=["response_warn_at"],
                name="watch_response_warn",
                condition=Q(response_level=0),
            ),
            models.Index(
                fields=["resolution_warn_at"],
                name="watch_resolution_warn",
                condition=Q(resolution_level=0),
            ),
            models.Index(fields=["response_changed_at"], name="watch_response_changed"),
            models.Index(fields=["resolution_changed_at"], name="watch_resolution_changed"),
        ]


class Clock(models.TextChoices):
    RESPONSE = "response"
    RESOLUTION = "resolution"


class EscalationRule(models.Model):
    """Who a unit tells when one of its issues is past a deadline: after how long past the
    breach, and again every so often while it stays breached."""

    class Recipient(models.TextChoices):
        MANAGERS = "managers", "The unit's managers"
        USER = "user", "A named user"
        EMAIL = "email", "An e-mail address"

    unit = models.ForeignKey(
        "units.BusinessUnit", on_delete=models.CASCADE, related_name="escalation_rules"
    )
    clock = models.CharField(max_length=10, choices=Clock.choices, default=Clock.RESOLUTION)
    after = models.DurationField(help_text="How long past the breach (e.g. 2:00:00)")
    repeat_every = models.DurationField(
        null=True, blank=True, help_text="Tell again this often while it stays breached"
    )
    recipient = models.CharField(max_length=8, choices=Recipient.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    email = models.EmailField(blank=True)

    class Meta:
        ordering = ["unit", "clock", "after"]

    def __str__(self) -> str:
        return f"{self.unit}: {self.clock} +{self.after} → {self.get_recipient_display()}"

    def clean(self) -> None:
        if self.recipient == self.Recipient.USER and self.user_id is None:
            raise ValidationError({"user": "Name the user to tell"})
        if self.recipient == self.Recipient.EMAIL and not self.email:
            raise ValidationError({"email": "Give the address to tell"})


class Escalation(models.Model):
    """An escalation rule applied to an issue: how often, and when last."""

    # No index starts with the rule: planning against an empty table, PostgreSQL checked
    # "not escalated yet" by scanning a rule's rows in such an index, every row the same
    # statement had inserted included: a first sweep over a backlog of 450,000 issues ran
    # for minutes. The unique (issue, rule) answers that check; last_sent_at finds what a
    # sweep has just escalated.
    issue = models.ForeignKey(
        "issues.Issue", on_delete=models.CASCADE, related_name="escalations", db_index=False
    )
    rule = models.ForeignKey(
        EscalationRule, on_delete=models.CASCADE, related_name="escalations", db_index=False
    )
    times = models.PositiveIntegerField(default=1)
    last_sent_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issue", "rule"], name="escalation_once_per_rule")
        ]


class FeedbackReminder(models.Model):
    """A reminder sent to the followers of a resolved issue, once per resolution."""

    issue = models.ForeignKey("issues.Issue", on_delete=models.CASCADE, related_name="+")
    resolved_at = models.DateTimeField()
    sent_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issue", "resolved_at"], name="reminder_once")
        ]
