import secrets

from django.db import models
from django.db.models import Q
from django.utils import timezone


class ClientApplication(models.Model):
    """A program allowed to POST to the Open311 API: a citizen app, another city's CRM, an
    outside provider pushing its updates. Only the hash of its api_key is stored."""

    RAW_PREFIX = "o311_"

    name = models.CharField(max_length=100, unique=True)
    contact = models.CharField(
        max_length=200, blank=True, help_text="Who runs it (staff-only note)"
    )
    prefix = models.CharField(max_length=8, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    answer_with_token = models.BooleanField(
        default=False,
        help_text="Answer POSTs with a token to resolve through tokens/{token}, for clients "
        "written for servers that queue requests",
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def new_raw_key(cls) -> str:
        return cls.RAW_PREFIX + secrets.token_urlsafe(32)


class Submission(models.Model):
    """One accepted POST of a service request. It makes retries safe (the same
    Idempotency-Key, or the same fields from the same device within a short window, get
    the first answer again) and holds the private client fields (device, account)."""

    # Indexed by the composite indexes below, which start with it.
    application = models.ForeignKey(
        ClientApplication, on_delete=models.CASCADE, related_name="submissions", db_index=False
    )
    issue = models.OneToOneField(
        "issues.Issue", on_delete=models.CASCADE, related_name="open311_submission"
    )
    idempotency_key = models.CharField(max_length=200, blank=True)
    # A digest of the submitted fields, for clients that retry without a key.
    fingerprint = models.CharField(max_length=64)
    device_id = models.CharField(max_length=200, blank=True)
    account_id = models.CharField(max_length=200, blank=True)
    token = models.CharField(max_length=32, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            # Repeats without a key are looked for only from the same device.
            models.Index(
                fields=["application", "fingerprint", "created_at"],
                name="submission_repeats",
                condition=~Q(device_id=""),
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="submission_unique_idempotency_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.application} → #{self.issue_id}"
