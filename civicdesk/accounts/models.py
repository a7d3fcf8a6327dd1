import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone


class User(AbstractUser):
    """Staff, dispatchers and signed-in citizens. A custom model from the start so that
    later changes (e-mail sign-in, profile fields) need no model swap."""


class AlertChannel(models.TextChoices):
    EMAIL = "email", "E-mail"
    SMS = "sms", "SMS"
    NONE = "none", "No alerts"


class Citizen(models.Model):
    """The person behind a report or a push: one row per contact, signed in or not.

    Personal data of citizens lives here and only here, so that public interfaces never
    see it and erasure (POPIA) touches one row."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    name = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True, db_index=True)
    phone = models.CharField(max_length=32, blank=True, db_index=True)
    alert_channel = models.CharField(
        max_length=8, choices=AlertChannel.choices, default=AlertChannel.NONE
    )
    language = models.CharField(max_length=8, default="en")
    created_at = models.DateTimeField(default=timezone.now)
    erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        # One row per e-mail and per phone number among people without an account, so that
        # two first contacts at once cannot make two (issues.services.citizen_for). Account
        # holders are left out: signing up keeps an unproven e-mail apart from earlier
        # anonymous reports with it until a sign-in link proves it (ensure_citizen).
        constraints = [
            models.UniqueConstraint(
                fields=["email"],
                condition=Q(user__isnull=True, erased_at__isnull=True) & ~Q(email=""),
                name="citizen_one_per_email",
            ),
            models.UniqueConstraint(
                fields=["phone"],
                condition=Q(user__isnull=True, erased_at__isnull=True) & ~Q(phone=""),
                name="citizen_one_per_phone",
            ),
        ]

    def __str__(self) -> str:
        return f"Citizen #{self.pk}"


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for the JSON and Open311 APIs. Only its hash is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100, blank=True)
    prefix = models.CharField(max_length=8, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    RAW_PREFIX = "cd_"

    @classmethod
    def new_raw_key(cls) -> str:
        return cls.RAW_PREFIX + secrets.token_urlsafe(32)
