from datetime import timedelta
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from civicdesk.catalogue.models import IssueType
from civicdesk.places.models import Area, Jurisdiction
from civicdesk.places.validators import validate_time_zone
from civicdesk.sla.clock import WorkingCalendar


class Calendar(models.Model):
    """When an SLA clock runs: around the clock, or working hours less public holidays."""

    class Kind(models.TextChoices):
        ALWAYS = "always", "24/7"
        WORKING_HOURS = "working_hours", "Working hours"

    name = models.CharField(max_length=100, unique=True)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.ALWAYS)
    time_zone = models.CharField(
        max_length=64, default="Africa/Johannesburg", validators=[validate_time_zone]
    )
    holiday_country = models.CharField(
        max_length=2, blank=True, default="ZA", help_text="ISO code for public holidays"
    )
    holiday_subdivision = models.CharField(max_length=8, blank=True)

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.holiday_country:
            try:
                holidays.country_holidays(
                    self.holiday_country, subdiv=self.holiday_subdivision or None
                )
            except NotImplementedError as exc:
                raise ValidationError(
                    {"holiday_country": f"No public holidays known for {self.holiday_country!r}"}
                ) from exc

    def to_clock(self) -> WorkingCalendar:
        """The pure clock for this calendar. Prefetch `hours` and `closed_days` in loops."""
        tz = ZoneInfo(self.time_zone)
        if self.kind == self.Kind.ALWAYS:
            return WorkingCalendar(time_zone=tz)
        hours: dict[int, list] = {}
        for slot in sorted(self.hours.all(), key=lambda h: (h.weekday, h.opens)):
            hours.setdefault(slot.weekday, []).append((slot.opens, slot.closes))
        return WorkingCalendar(
            time_zone=tz,
            hours={day: tuple(slots) for day, slots in hours.items()},
            country=self.holiday_country or None,
            subdivision=self.holiday_subdivision or None,
            closed_days=frozenset(d.date for d in self.closed_days.all()),
        )


class Weekday(models.IntegerChoices):
    MONDAY = 0
    TUESDAY = 1
    WEDNESDAY = 2
    THURSDAY = 3
    FRIDAY = 4
    SATURDAY = 5
    SUNDAY = 6


class WorkingHours(models.Model):
    calendar = models.ForeignKey(Calendar, on_delete=models.CASCADE, related_name="hours")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    opens = models.TimeField()
    closes = models.TimeField(help_text="00:00 means midnight at the end of the day")

    class Meta:
        ordering = ["weekday", "opens"]
        verbose_name_plural = "working hours"


class ClosedDay(models.Model):
    """A day the calendar is closed besides public holidays (e.g. a municipal shutdown)."""

    calendar = models.ForeignKey(Calendar, on_delete=models.CASCADE, related_name="closed_days")
    date = models.DateField()
    name = models.CharField(max_length=100, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["calendar", "date"], name="closed_day_unique")
        ]


class BusinessUnit(models.Model):
    """An organisational unit, or an outside provider, that resolves issues. A unit with no
    areas covers its whole jurisdiction; a unit covering the point's area wins over it."""

    jurisdiction = models.ForeignKey(
        Jurisdiction, on_delete=models.CASCADE, related_name="business_units"
    )
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=64)
    is_external = models.BooleanField(default=False, help_text="An outside provider")
    email = models.EmailField(blank=True, help_text="Where the unit (or provider) is told")
    issue_types = models.ManyToManyField(IssueType, blank=True, related_name="business_units")
    areas = models.ManyToManyField(Area, blank=True, related_name="business_units")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "slug"], name="unit_unique_slug")
        ]
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Programme(models.Model):
    unit = models.ForeignKey(BusinessUnit, on_delete=models.CASCADE, related_name="programmes")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="programmes"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "name"], name="programme_unique_name")
        ]
        ordering = ["unit", "name"]

    def __str__(self) -> str:
        return f"{self.unit}: {self.name}"


class Membership(models.Model):
    class Role(models.TextChoices):
        MEMBER = "member"
        MANAGER = "manager"

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=8, choices=Role.choices, default=Role.MEMBER)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["programme", "user"], name="membership_unique")
        ]


class Dispatcher(models.Model):
    """A dispatch-centre member for a jurisdiction."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="dispatch_roles"
    )
    jurisdiction = models.ForeignKey(
        Jurisdiction, on_delete=models.CASCADE, related_name="dispatchers"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "jurisdiction"], name="dispatcher_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.jurisdiction})"


class ServiceLevel(models.Model):
    """A unit's promise for one issue type: respond within, resolve within, on a calendar."""

    unit = models.ForeignKey(BusinessUnit, on_delete=models.CASCADE, related_name="service_levels")
    issue_type = models.ForeignKey(
        IssueType, on_delete=models.CASCADE, related_name="service_levels"
    )
    response_target = models.DurationField()
    resolution_target = models.DurationField()
    calendar = models.ForeignKey(Calendar, on_delete=models.PROTECT, related_name="service_levels")
    first_warning_percent = models.PositiveSmallIntegerField(default=50)
    second_warning_percent = models.PositiveSmallIntegerField(default=75)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "issue_type"], name="service_level_unique"),
            models.CheckConstraint(
                condition=models.Q(response_target__gt=timedelta(0))
                & models.Q(resolution_target__gte=models.F("response_target")),
                name="service_level_targets_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(first_warning_percent__gt=0)
                & models.Q(second_warning_percent__gte=models.F("first_warning_percent"))
                & models.Q(second_warning_percent__lt=100),
                name="service_level_warnings_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} / {self.issue_type}"

    def clean(self) -> None:
        if (
            self.unit_id
            and self.issue_type_id
            and self.unit.jurisdiction_id != self.issue_type.jurisdiction_id
        ):
            raise ValidationError({"issue_type": "The issue type belongs to another jurisdiction"})
