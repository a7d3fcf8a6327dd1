from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from civicdesk.accounts.models import Citizen
from civicdesk.catalogue.models import IssueType
from civicdesk.places.models import Area, Jurisdiction
from civicdesk.units.models import BusinessUnit, ServiceLevel


class Status(models.TextChoices):
    SUBMITTED = "submitted"
    ACKNOWLEDGED = "acknowledged"
    NEEDS_INFO = "needs_info", "Waiting on the citizen"
    IN_PROGRESS = "in_progress", "In progress"
    RESOLVED = "resolved"
    CLOSED = "closed"
    DUPLICATE = "duplicate"
    REJECTED = "rejected"
    REOPENED = "reopened"


# Statuses in which the unit still owes a resolution (Open311 "open").
OPEN_STATUSES = (
    Status.SUBMITTED,
    Status.ACKNOWLEDGED,
    Status.NEEDS_INFO,
    Status.IN_PROGRESS,
    Status.REOPENED,
)
# Statuses no activity or staff action moves on from, except feedback on a resolution.
FINAL_STATUSES = (Status.CLOSED, Status.DUPLICATE, Status.REJECTED)


# Stopped clocks of issues with a service level whose working time is still to be measured.
RESPONSE_UNMEASURED = Q(responded_at__isnull=False, service_level__isnull=False) & (
    Q(response_measured_level__isnull=True)
    | Q(response_measured_level__lt=F("service_level"))
    | Q(response_measured_level__gt=F("service_level"))
)
RESOLUTION_UNMEASURED = Q(resolved_at__isnull=False, service_level__isnull=False) & (
    Q(resolution_measured_for__isnull=True)
    | Q(resolution_measured_for__lt=F("resolved_at"))
    | Q(resolution_measured_for__gt=F("resolved_at"))
)


class Source(models.TextChoices):
    WEB = "web"
    API = "api"
    OPEN311 = "open311"
    SMS = "sms"
    USSD = "ussd"
    IMPORT = "import"


class Issue(models.Model):
    """One report by a citizen: Open311's service request. Its id is the public reference."""

    # Single-column indexes on jurisdiction, issue_type and unit are left out: the composite
    # indexes below start with them, and every index slows the bulk updates of a fan-out.
    jurisdiction = models.ForeignKey(
        Jurisdiction, on_delete=models.PROTECT, related_name="issues", db_index=False
    )
    issue_type = models.ForeignKey(
        IssueType, on_delete=models.PROTECT, related_name="issues", db_index=False
    )
    answers = models.JSONField(default=dict, blank=True)
    description = models.TextField(blank=True, max_length=4000)
    # A report may be placed by address alone (Open311's address_string or address_id);
    # such an issue has no point until staff place it.
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    address = models.CharField(max_length=300, blank=True)
    address_id = models.CharField(max_length=100, blank=True)
    # A photo hosted elsewhere (Open311's media_url); uploaded photos are Photo rows.
    media_url = models.URLField(max_length=500, blank=True)
    area = models.ForeignKey(
        Area, null=True, blank=True, on_delete=models.SET_NULL, related_name="issues"
    )
    reporter = models.ForeignKey(
        Citizen, null=True, blank=True, on_delete=models.SET_NULL, related_name="reported_issues"
    )
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.WEB)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.SUBMITTED)
    unit = models.ForeignKey(
        BusinessUnit,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="issues",
        db_index=False,
    )
    service_level = models.ForeignKey(
        ServiceLevel, null=True, blank=True, on_delete=models.SET_NULL, related_name="issues"
    )
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="duplicates"
    )
    rejection_reason = models.TextField(blank=True)
    provider_reference = models.CharField(max_length=100, blank=True)
    external_id = models.CharField(max_length=100, blank=True)
    # The asset the fault is on (a street light by its pole number), if the type asks for one.
    asset = models.ForeignKey(
        "assets.Asset",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="issues",
        db_index=False,
    )
    push_count = models.PositiveIntegerField(default=0)

    # The SLA clock: it starts at submission and keeps that start across re-routing.
    submitted_at = models.DateTimeField(default=timezone.now)
    response_due = models.DateTimeField(null=True, blank=True)
    resolution_due = models.DateTimeField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Set while the clock is paused (waiting on the citizen). While paused, the dues above
    # hold the deadline as it stood when the pause began; resuming moves them on.
    paused_at = models.DateTimeField(null=True, blank=True)
    response_met = models.BooleanField(null=True, blank=True)
    resolution_met = models.BooleanField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    # Working time each clock ran (on the service level's calendar, less its pauses),
    # measured once the clock stops (`reports.working_time`, called by the SLA watch) so
    # that reports aggregate it in SQL. Each remembers what it measured: a re-route after
    # the response (another level) or a new resolution after a reopening is measured again.
    response_working_seconds = models.PositiveIntegerField(null=True, blank=True)
    response_measured_level = models.ForeignKey(
        ServiceLevel,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    resolution_working_seconds = models.PositiveIntegerField(null=True, blank=True)
    resolution_measured_for = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["unit", "status"]),
            models.Index(fields=["jurisdiction", "submitted_at"]),
            models.Index(fields=["issue_type", "status"]),
            # Open311 GET requests by service code, newest first.
            models.Index(fields=["issue_type", "submitted_at"]),
            models.Index(fields=["lat", "lon"]),
            models.Index(fields=["updated_at"]),
            # An asset's history and its repeat faults; only the issues that have an asset.
            models.Index(
                fields=["asset", "submitted_at"],
                name="issue_asset_history",
                condition=Q(asset__isnull=False),
            ),
            # The public list's two orders, read backwards and paged by keyset.
            models.Index(fields=["submitted_at", "id"], name="issue_newest"),
            models.Index(fields=["push_count", "id"], name="issue_most_pushed"),
            # The public map's default view (open issues) counted into grid cells from the
            # index alone, without reading the table's rows.
            models.Index(
                fields=["lat", "lon"],
                include=["issue_type", "id"],
                name="issue_open_on_map",
                condition=Q(status__in=OPEN_STATUSES),
            ),
            models.Index(
                fields=["response_due"],
                name="issue_awaiting_response",
                condition=Q(responded_at__isnull=True, response_due__isnull=False),
            ),
            models.Index(
                fields=["resolution_due"],
                name="issue_awaiting_resolution",
                condition=Q(resolved_at__isnull=True, resolution_due__isnull=False),
            ),
            # Stopped clocks whose working time is not measured yet, or measured for an
            # earlier level or resolution: the SLA watch reads a batch of them each sweep.
            models.Index(
                fields=["id"], name="issue_response_unmeasured", condition=RESPONSE_UNMEASURED
            ),
            models.Index(
                fields=["id"], name="issue_resolution_unmeasured", condition=RESOLUTION_UNMEASURED
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "source", "external_id"],
                condition=~Q(external_id=""),
                name="issue_unique_external_id",
            ),
            models.CheckConstraint(
                condition=Q(lat__gte=-90, lat__lte=90, lon__gte=-180, lon__lte=180),
                name="issue_valid_point",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.issue_type.name}"


class Photo(models.Model):
    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(upload_to="photos/%Y/%m/")
    uploaded_at = models.DateTimeField(default=timezone.now)
    hidden = models.BooleanField(default=False)


class Push(models.Model):
    """A citizen backing an existing issue; pushers follow it like the reporter."""

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="pushes")
    citizen = models.ForeignKey(Citizen, on_delete=models.CASCADE, related_name="pushes")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "pushes"
        constraints = [models.UniqueConstraint(fields=["issue", "citizen"], name="push_once")]


class Feedback(models.Model):
    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="feedback")
    citizen = models.ForeignKey(
        Citizen, null=True, on_delete=models.SET_NULL, related_name="feedback"
    )
    rating = models.PositiveSmallIntegerField()
    comment = models.TextField(blank=True)
    fixed = models.BooleanField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "feedback"
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5), name="feedback_rating_1_to_5"
            )
        ]


class ClockPause(models.Model):
    """An interval in which an issue's SLA clock did not run, kept so reports can recompute."""

    class Reason(models.TextChoices):
        NEEDS_INFO = "needs_info", "Waiting on the citizen"
        RESOLVED = "resolved", "Resolved until reopened"

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="clock_pauses")
    reason = models.CharField(max_length=12, choices=Reason.choices)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        ordering = ["started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["issue"], condition=Q(ended_at__isnull=True), name="one_running_pause"
            )
        ]
