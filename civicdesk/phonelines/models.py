"""USSD service codes and SMS numbers per jurisdiction, USSD sessions with the answers they
gave, and inbound text messages. Phone numbers live on `accounts.Citizen` only: these rows
point to the citizen."""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from civicdesk.accounts.models import Citizen
from civicdesk.issues.models import Issue
from civicdesk.places.models import Jurisdiction


class PhoneLine(models.Model):
    """A USSD service code (e.g. *120*311#) or an SMS short code or number, and the
    jurisdiction that citizens reach through it."""

    class Channel(models.TextChoices):
        USSD = "ussd", "USSD"
        SMS = "sms", "SMS"

    channel = models.CharField(max_length=4, choices=Channel.choices)
    code = models.CharField(
        max_length=32, help_text="USSD service code as dialled (*120*311#) or SMS number (31122)"
    )
    jurisdiction = models.ForeignKey(
        Jurisdiction, on_delete=models.CASCADE, related_name="phone_lines"
    )
    active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["channel", "code"], name="phone_line_unique_code")
        ]
        ordering = ["channel", "code"]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.code}"


class PhoneProfile(models.Model):
    """What a phone chose: its language (kept on the citizen, where alerts read it) was
    chosen at `language_chosen_at`; before that, the first screen asks for it."""

    citizen = models.OneToOneField(Citizen, on_delete=models.CASCADE, related_name="phone_profile")
    language_chosen_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Phone profile #{self.pk}"


class UssdSession(models.Model):
    """One USSD session (the gateway's sessionId) and where its menu stands."""

    session_id = models.CharField(max_length=100, unique=True)
    citizen = models.ForeignKey(Citizen, on_delete=models.CASCADE, related_name="ussd_sessions")
    line = models.ForeignKey(PhoneLine, null=True, on_delete=models.SET_NULL, related_name="+")
    network_code = models.CharField(max_length=16, blank=True)
    state = models.JSONField(default=dict)
    last_text = models.TextField(blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    # Set when the session answered END, or when a later session took over its state.
    finished_at = models.DateTimeField(null=True, blank=True)
    issue = models.ForeignKey(Issue, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        indexes = [
            models.Index(fields=["citizen", "started_at"]),
            models.Index(
                fields=["citizen", "updated_at"],
                name="ussd_session_unfinished",
                condition=Q(finished_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"USSD session #{self.pk}"


class UssdExchange(models.Model):
    """The answer given to one callback (session and cumulative text): a gateway that
    retries the callback gets this answer again and nothing is done twice."""

    session = models.ForeignKey(UssdSession, on_delete=models.CASCADE, related_name="exchanges")
    text_hash = models.CharField(max_length=64)
    answer = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "text_hash"], name="ussd_exchange_once")
        ]


class InboundSms(models.Model):
    """A text message received through the gateway's callback, kept once per message id,
    with what was answered."""

    class Outcome(models.TextChoices):
        ANSWERED = "answered"
        REPORTED = "reported"
        PUSHED = "pushed"
        STOPPED = "stopped"
        STARTED = "started"
        HELP = "help"
        RATE_LIMITED = "rate_limited", "Rate limited (no answer)"

    message_id = models.CharField(max_length=100, unique=True)
    citizen = models.ForeignKey(Citizen, on_delete=models.CASCADE, related_name="inbound_sms")
    line = models.ForeignKey(PhoneLine, null=True, on_delete=models.SET_NULL, related_name="+")
    to = models.CharField(max_length=32)
    text = models.TextField()
    link_id = models.CharField(max_length=100, blank=True)
    sent_at = models.CharField(max_length=40, blank=True, help_text="The gateway's date field")
    received_at = models.DateTimeField(default=timezone.now)
    outcome = models.CharField(max_length=12, choices=Outcome.choices)
    reply = models.TextField(blank=True)
    issue = models.ForeignKey(Issue, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        indexes = [models.Index(fields=["citizen", "received_at"])]
        verbose_name = "inbound SMS"
        verbose_name_plural = "inbound SMS"

    def __str__(self) -> str:
        return f"SMS {self.message_id}"
