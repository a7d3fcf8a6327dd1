"""Open data: every issue's public fields for a period, as CSV or GeoJSON, streamed.

The fields are those public pages and Open311 GET show: never the reporter, pushers,
contact details, internal notes, rejection reasons or staff. Rows come from the database
a chunk at a time (a server-side cursor on PostgreSQL), so memory stays bounded
whatever the number of issues. They are read from the replica for reports when one is
configured (civicdesk.replicas)."""

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from civicdesk.issues.models import Issue
from civicdesk.places.models import Jurisdiction
from civicdesk.replicas import reports_database

CHUNK = 2000


@dataclass(frozen=True)
class Field:
    name: str
    lookup: str  # the Issue queryset's path to the value
    kind: Any  # a translatable type name
    meaning: Any  # a translatable description


TEXT, NUMBER, INSTANT, FLAG = _("text"), _("number"), _("date and time"), _("true or false")
FIELDS = (
    Field(
        "id",
        "id",
        NUMBER,
        _("The issue's reference number, as shown to citizens."),
    ),
    Field(
        "jurisdiction",
        "jurisdiction__slug",
        TEXT,
        _("The city or municipality (its code)."),
    ),
    Field(
        "service_code",
        "issue_type__code",
        TEXT,
        _("The issue type's code (Open311 service_code)."),
    ),
    Field(
        "service_name",
        "issue_type__name",
        TEXT,
        _("The issue type, e.g. pothole or water outage."),
    ),
    Field(
        "group",
        "issue_type__group",
        TEXT,
        _("The group the issue type belongs to."),
    ),
    Field(
        "status",
        "status",
        TEXT,
        _(
            "submitted, acknowledged, needs_info, in_progress, resolved, closed, "
            "duplicate, rejected or reopened."
        ),
    ),
    Field(
        "description",
        "description",
        TEXT,
        _("What the reporter wrote about the issue."),
    ),
    Field(
        "address",
        "address",
        TEXT,
        _("The address given for the issue, if any."),
    ),
    Field(
        "lat",
        "lat",
        NUMBER,
        _("Latitude (WGS84); empty when the issue was placed by address only."),
    ),
    Field(
        "lon",
        "lon",
        NUMBER,
        _("Longitude (WGS84); empty when the issue was placed by address only."),
    ),
    Field(
        "area",
        "area__name",
        TEXT,
        _("The area (e.g. ward) the point lies in."),
    ),
    Field(
        "agency",
        "unit__name",
        TEXT,
        _("The business unit responsible; empty while the dispatch centre routes it."),
    ),
    Field(
        "channel",
        "source",
        TEXT,
        _("How it was reported: web, api, open311, sms, ussd, or import (historic records)."),
    ),
    Field(
        "submitted_at",
        "submitted_at",
        INSTANT,
        _("When it was reported; the service-level clock starts here."),
    ),
    Field(
        "updated_at",
        "updated_at",
        INSTANT,
        _("When anything about it last changed."),
    ),
    Field(
        "response_due",
        "response_due",
        INSTANT,
        _("The deadline for the unit's first response."),
    ),
    Field(
        "resolution_due",
        "resolution_due",
        INSTANT,
        _("The deadline for the fix (Open311 expected_datetime)."),
    ),
    Field(
        "responded_at",
        "responded_at",
        INSTANT,
        _("When the unit first acknowledged it."),
    ),
    Field(
        "resolved_at",
        "resolved_at",
        INSTANT,
        _("When it was resolved."),
    ),
    Field(
        "closed_at",
        "closed_at",
        INSTANT,
        _("When it was closed, merged as a duplicate or rejected."),
    ),
    Field(
        "response_met",
        "response_met",
        FLAG,
        _("Whether the response came by its deadline; empty until judged."),
    ),
    Field(
        "resolution_met",
        "resolution_met",
        FLAG,
        _("Whether the resolution came by its deadline; empty until judged."),
    ),
    Field(
        "push_count",
        "push_count",
        NUMBER,
        _("How many citizens backed the issue besides its reporter."),
    ),
    Field(
        "duplicate_of",
        "duplicate_of_id",
        NUMBER,
        _("For a duplicate, the issue it was merged into."),
    ),
)
NAMES = [f.name for f in FIELDS]
INSTANTS = {n for n, f in enumerate(FIELDS) if f.kind is INSTANT}


class BadRequest(ValueError):
    """A parameter that cannot be used; the message says which and why."""


FIRST_YEAR, LAST_YEAR = 1900, 2999
# What spreadsheets read as the start of a formula (OWASP's list for CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _day(value: str, name: str) -> date | None:
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        day = None
    # Days far from ours overflow when turned into instants (9999-12-31 has no next day).
    if day is None or not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise BadRequest(
            gettext("%(name)s: %(value)s is not a date (YYYY-MM-DD)")
            % {"name": name, "value": repr(value[:40])}
        )
    return day


def select(params: dict[str, str]) -> QuerySet:
    """The issues asked for: `start` and `end` days (inclusive, each optional) on the date
    reported, in the local time of the `jurisdiction` asked for (else the site's). Rows
    of values by id; each ends with its jurisdiction's time zone (see `_plain`)."""
    start, end = _day(params.get("start", ""), "start"), _day(params.get("end", ""), "end")
    if start and end and end < start:
        raise BadRequest(gettext("end: the end date is before the start date"))
    using = reports_database()
    issues = Issue.objects.using(using)
    zone = timezone.get_current_timezone()
    slug = params.get("jurisdiction", "")
    if slug:
        found = Jurisdiction.objects.using(using).filter(slug=slug).first()
        if found is None:
            raise BadRequest(
                gettext("jurisdiction: %(slug)s is not served here") % {"slug": repr(slug[:60])}
            )
        issues = issues.filter(jurisdiction=found)
        zone = ZoneInfo(found.time_zone)
    if start:
        issues = issues.filter(submitted_at__gte=datetime.combine(start, time(), zone))
    if end:
        issues = issues.filter(submitted_at__lt=datetime.combine(end + timedelta(1), time(), zone))
    columns = [f.lookup for f in FIELDS] + ["jurisdiction__time_zone"]
    return issues.order_by("id").values_list(*columns)


@cache
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def _plain(row: tuple) -> list:
    """The public values of a row: instants in the jurisdiction's local time (ISO 8601
    with the offset), the rest as they are."""
    *values, zone_name = row
    zone = _zone(zone_name)
    return [
        v.astimezone(zone).isoformat(timespec="seconds") if n in INSTANTS and v else v
        for n, v in enumerate(values)
    ]


class _Line:
    """A file-like object that hands back what csv.writer writes."""

    def write(self, value: str) -> str:
        return value


def _cell(value: Any) -> Any:
    """A value for a spreadsheet: text a citizen typed that starts like a formula is kept
    as text (a leading apostrophe), so opening the file runs nothing."""
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in FORMULA_STARTS:
        return "'" + value
    return value


def csv_lines(rows: QuerySet) -> Iterator[str]:
    out = csv.writer(_Line())
    yield out.writerow(NAMES)
    for row in rows.iterator(chunk_size=CHUNK):
        yield out.writerow([_cell(v) for v in _plain(row)])


def geojson_parts(rows: QuerySet) -> Iterator[str]:
    """A FeatureCollection, a feature at a time; issues placed by address alone have a
    null geometry."""
    lat, lon = NAMES.index("lat"), NAMES.index("lon")
    yield '{"type": "FeatureCollection", "features": ['
    separator = "\n"
    for row in rows.iterator(chunk_size=CHUNK):
        values = _plain(row)
        point = (
            {"type": "Point", "coordinates": [values[lon], values[lat]]}
            if values[lat] is not None
            else None
        )
        feature = {
            "type": "Feature",
            "id": values[0],
            "geometry": point,
            "properties": dict(zip(NAMES, values, strict=True)),
        }
        yield separator + json.dumps(feature)
        separator = ",\n"
    yield "\n]}\n"
