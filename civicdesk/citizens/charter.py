"""The service charter: every business unit, each issue type it handles, its response and
resolution targets and the calendar its clock runs on, read from the live configuration
in a fixed number of queries. The page, the PDF and the CSV are drawn from `read_charter`."""

from dataclasses import dataclass
from datetime import date, time, timedelta

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from holidays.registry import COUNTRIES

from civicdesk.catalogue.models import IssueType
from civicdesk.units.models import BusinessUnit, Calendar, ServiceLevel

# Closed days are listed up to a year ahead.
DASH = "\u2013"  # an en dash, for spans of days and hours
CLOSED_DAYS_AHEAD = timedelta(days=366)


@dataclass(frozen=True)
class CalendarText:
    name: str
    always: bool
    hours: str  # "Mon-Fri 08:00-16:30" (en dashes), or "" when always
    holidays: str  # "public holidays of South Africa" or ""
    closed_days: tuple[tuple[date, str], ...]
    time_zone: str

    @property
    def summary(self) -> str:
        if self.always:
            return _("Around the clock, every day of the year")
        text = self.hours
        if self.holidays:
            text = _("%(hours)s, except %(holidays)s") % {"hours": text, "holidays": self.holidays}
        return text


@dataclass(frozen=True)
class Row:
    issue_type: IssueType
    response: str  # human-friendly, "" without a service level
    resolution: str
    response_minutes: int | None
    resolution_minutes: int | None
    calendar: CalendarText | None


@dataclass(frozen=True)
class UnitCharter:
    unit: BusinessUnit
    rows: list[Row]

    @property
    def calendars(self) -> list[CalendarText]:
        seen: dict[str, CalendarText] = {}
        for row in self.rows:
            if row.calendar is not None:
                seen.setdefault(row.calendar.name, row.calendar)
        return list(seen.values())


def country_name(code: str) -> str:
    for name, (_class_name, alpha2, *_rest) in COUNTRIES.items():
        if alpha2 == code.upper():
            return name.replace("_", " ").title()
    return code


def _weekday(day: int) -> str:
    return [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")][day]


def _clock(at: time) -> str:
    return "24:00" if at == time(0) else at.strftime("%H:%M")


def describe_hours(calendar: Calendar) -> str:
    """Weekdays with the same opening hours run together: "Mon-Fri 08:00-16:30",
    with en dashes."""
    by_day: dict[int, tuple[str, ...]] = {}
    for slot in sorted(calendar.hours.all(), key=lambda h: (h.weekday, h.opens)):
        span = f"{slot.opens.strftime('%H:%M')}{DASH}{_clock(slot.closes)}"
        by_day[slot.weekday] = by_day.get(slot.weekday, ()) + (span,)
    runs: list[tuple[int, int, tuple[str, ...]]] = []
    for day in range(7):
        if day not in by_day:
            continue
        if runs and runs[-1][1] == day - 1 and runs[-1][2] == by_day[day]:
            runs[-1] = (runs[-1][0], day, by_day[day])
        else:
            runs.append((day, day, by_day[day]))
    if not runs:
        return _("no working hours set")
    parts = []
    for first, last, spans in runs:
        days = _weekday(first) if first == last else f"{_weekday(first)}{DASH}{_weekday(last)}"
        parts.append(f"{days} {', '.join(spans)}")
    return "; ".join(parts)


def describe_calendar(calendar: Calendar, today: date) -> CalendarText:
    always = calendar.kind == Calendar.Kind.ALWAYS
    closed = tuple(
        sorted(
            (d.date, d.name)
            for d in calendar.closed_days.all()
            if today <= d.date <= today + CLOSED_DAYS_AHEAD
        )
    )
    holidays = ""
    if not always and calendar.holiday_country:
        holidays = _("public holidays in %(country)s") % {
            "country": country_name(calendar.holiday_country)
        }
    return CalendarText(
        name=calendar.name,
        always=always,
        hours="" if always else describe_hours(calendar),
        holidays=holidays,
        closed_days=() if always else closed,
        time_zone=calendar.time_zone,
    )


def human_duration(target: timedelta, *, working: bool) -> str:
    """ "1 day 6 hours" of clock time, or "40 hours of working time" on a working calendar,
    where a day means nothing fixed."""
    minutes = int(target.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60) if not working else (0, minutes)
    hours, minutes = divmod(rest, 60)
    parts = []
    if days:
        parts.append(ngettext("%(n)d day", "%(n)d days", days) % {"n": days})
    if hours:
        parts.append(ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours})
    if minutes or not parts:
        parts.append(ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes})
    text = " ".join(parts)
    return _("%(duration)s of working time") % {"duration": text} if working else text


def _row(issue_type: IssueType, level: ServiceLevel | None, today: date) -> Row:
    if level is None:
        return Row(issue_type, "", "", None, None, None)
    working = level.calendar.kind == Calendar.Kind.WORKING_HOURS
    return Row(
        issue_type=issue_type,
        response=human_duration(level.response_target, working=working),
        resolution=human_duration(level.resolution_target, working=working),
        response_minutes=int(level.response_target.total_seconds() // 60),
        resolution_minutes=int(level.resolution_target.total_seconds() // 60),
        calendar=describe_calendar(level.calendar, today),
    )


def read_charter() -> list[UnitCharter]:
    """Every unit by jurisdiction and name, each with the issue types it handles (by group
    and name) and their targets; five queries whatever the size of the configuration."""
    levels = ServiceLevel.objects.select_related("issue_type", "calendar").prefetch_related(
        "calendar__hours", "calendar__closed_days"
    )
    units = (
        BusinessUnit.objects.select_related("jurisdiction")
        .prefetch_related(
            Prefetch("issue_types", queryset=IssueType.objects.filter(active=True)),
            Prefetch("service_levels", queryset=levels),
        )
        .order_by("jurisdiction__name", "name")
    )
    today = timezone.localdate()
    charter = []
    for unit in units:
        by_type = {level.issue_type_id: level for level in unit.service_levels.all()}
        types = {t.pk: t for t in unit.issue_types.all()}
        types.update(
            (lv.issue_type_id, lv.issue_type) for lv in by_type.values() if lv.issue_type.active
        )
        ordered = sorted(types.values(), key=lambda t: (t.group, t.name))
        charter.append(UnitCharter(unit, [_row(t, by_type.get(t.pk), today) for t in ordered]))
    return charter


def closed_days_text(calendar: CalendarText) -> str:
    return "; ".join(
        f"{date_format(day, 'j F Y')}{f' ({name})' if name else ''}"
        for day, name in calendar.closed_days
    )
