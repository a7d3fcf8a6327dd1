from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Provider(models.Model):
    """How an outside business unit is reached: its own Open311 server, or e-mail."""

    class Kind(models.TextChoices):
        OPEN311 = "open311", "Open311 GeoReport v2"
        EMAIL = "email", "E-mail"

    unit = models.OneToOneField(
        "units.BusinessUnit", on_delete=models.CASCADE, related_name="provider"
    )
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.OPEN311)
    active = models.BooleanField(default=True)
    endpoint = models.URLField(
        blank=True, help_text="The provider's Open311 base URL, e.g. https://host/open311/v2/"
    )
    # The key the provider issued to us; sent with every POST, so it is kept as given.
    api_key = models.CharField(max_length=200, blank=True)
    jurisdiction_id = models.CharField(max_length=100, blank=True)
    service_codes = models.JSONField(
        default=dict,
        blank=True,
        help_text='Our issue type code → its service_code: {"pothole": "033"}',
    )
    status_map = models.JSONField(
        default=dict,
        blank=True,
        help_text="Its status or external_status_code → ours (acknowledged, in_progress, "
        "resolved, duplicate, rejected, reopened, dispatch, or empty for a note only); "
        "overrides the standard Open311 statuses",
    )
    email = models.EmailField(blank=True, help_text="For e-mail providers; the unit's by default")
    send_contact = models.BooleanField(
        default=False,
        help_text="Send the reporter's name, e-mail and phone (only where an agreement allows)",
    )
    push_application = models.ForeignKey(
        "open311.ClientApplication",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="providers",
        help_text="The key this provider uses to push its updates to our servicerequestupdates",
    )
    max_attempts = models.PositiveSmallIntegerField(
        default=8, help_text="Failed sends are retried with growing delays up to this many tries"
    )
    # Where the next pull of servicerequestupdates starts (its end last time).
    pulled_until = models.DateTimeField(null=True, blank=True)
    last_pull_error = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"{self.unit} ({self.get_kind_display()})"

    def clean(self) -> None:
        errors = {}
        if self.unit_id and not self.unit.is_external:
            errors["unit"] = "only an outside unit (is_external) is reached through a provider"
        if self.kind == self.Kind.OPEN311:
            if not self.endpoint:
                errors["endpoint"] = "an Open311 provider needs its endpoint"
            if not isinstance(self.service_codes, dict) or not self.service_codes:
                errors["service_codes"] = "map at least one issue type code to a service_code"
        elif not (self.email or (self.unit_id and self.unit.email)):
            errors["email"] = "an e-mail provider needs an address (here or on the unit)"
        from civicdesk.forwarding.statuses import TARGETS  # issue services load after models

        if not isinstance(self.status_map, dict) or any(
            v not in TARGETS for v in self.status_map.values()
        ):
            errors["status_map"] = f"a mapping of its statuses to one of {', '.join(TARGETS)}"
        if errors:
            raise ValidationError(errors)

    @property
    def recipient(self) -> str:
        return self.email or self.unit.email


class Forwarding(models.Model):
    """One issue sent to one provider: the send with its retries, then the updates."""

    class State(models.TextChoices):
        PENDING = "pending"
        SENDING = "sending"
        TOKEN = "token", "Awaiting the provider's id"
        SENT = "sent"
        FAILED = "failed"
        WITHDRAWN = "withdrawn", "Withdrawn (re-routed)"

    issue = models.ForeignKey("issues.Issue", on_delete=models.CASCADE, related_name="forwardings")
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="forwardings")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    token = models.CharField(max_length=100, blank=True)
    service_request_id = models.CharField(max_length=100, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # The provider's latest word applied here, to skip repeats of it.
    last_status = models.CharField(max_length=64, blank=True)
    last_note = models.TextField(blank=True)
    last_updated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["state", "next_attempt_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "service_request_id"],
                condition=~Q(service_request_id=""),
                name="forwarding_unique_provider_id",
            )
        ]

    def __str__(self) -> str:
        return f"#{self.issue_id} → {self.provider.unit}"


class AppliedUpdate(models.Model):
    """A provider's update applied to an issue; its id makes applying it again a no-op."""

    forwarding = models.ForeignKey(Forwarding, on_delete=models.CASCADE, related_name="updates")
    update_id = models.CharField(max_length=100)
    status = models.CharField(max_length=64, blank=True)
    external_status_code = models.CharField(max_length=64, blank=True)
    description = models.TextField(blank=True)
    media_url = models.URLField(max_length=500, blank=True)
    updated_at = models.DateTimeField()
    applied_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["updated_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["forwarding", "update_id"], name="update_applied_once")
        ]

    def __str__(self) -> str:
        return f"{self.update_id}: {self.status}"
