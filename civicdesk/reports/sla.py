"""The SLA report: per group of issues reported in a period, what became of them and how
fast, aggregated in the database in a fixed number of statements whatever the issues.

The Django ORM builds one row per issue (its group keys and per-issue flags, scoped and
filtered by the caller's queryset); plain SQL aggregates those rows by group. Working
times come from the durations measured when each clock stopped (`working_time`). Medians
and 90th percentiles are `percentile_cont` on PostgreSQL; elsewhere (SQLite) the same
interpolation from window functions, which also runs on PostgreSQL so tests can compare.
The report reads from the replica for reports when one is configured (civicdesk.replicas)."""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections, transaction
from django.db.backends.utils import CursorWrapper
from django.db.models import (
    Case,
    DateField,
    F,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicdesk import timekeeping
from civicdesk.catalogue.models import IssueType
from civicdesk.issues.models import (
    OPEN_STATUSES,
    RESOLUTION_UNMEASURED,
    RESPONSE_UNMEASURED,
    Feedback,
    Issue,
    Status,
)
from civicdesk.places.models import Area
from civicdesk.replicas import reports_database
from civicdesk.units.models import BusinessUnit, Programme


class Dimension(StrEnum):
    UNIT = "unit"
    ISSUE_TYPE = "issue_type"
    AREA = "area"
    PROGRAMME = "programme"
    MONTH = "month"

    @property
    def label(self) -> str:
        return str(DIMENSION_LABELS[self])


DIMENSION_LABELS = {
    Dimension.UNIT: _("Business unit"),
    Dimension.ISSUE_TYPE: _("Issue type"),
    Dimension.AREA: _("Area"),
    Dimension.PROGRAMME: _("Programme"),
    Dimension.MONTH: _("Month"),
}
NO_KEY_LABELS = {
    Dimension.UNIT: _("Not routed"),
    Dimension.AREA: _("No area"),
    Dimension.PROGRAMME: _("No programme"),
}
MAX_DIMENSIONS = 2
# Percentiles as fractions num/den, so that SQL finds their rows by integer division.
PERCENTILES = {"median": (1, 2), "p90": (9, 10)}


@dataclass(frozen=True)
class Durations:
    """Working seconds of one clock over a group's measured issues."""

    measured: int = 0
    median: float | None = None
    p90: float | None = None


@dataclass
class ReportRow:
    keys: tuple[Any, ...]
    labels: tuple[str, ...] = ()
    reported: int = 0
    acknowledged: int = 0
    resolved: int = 0
    rejected: int = 0
    duplicates: int = 0
    response_judged: int = 0
    response_met: int = 0
    resolution_judged: int = 0
    resolution_met: int = 0
    open: int = 0
    overdue: int = 0
    pushes: int = 0
    feedback: int = 0
    rating_total: int = 0
    fixed: int = 0
    unmeasured: int = 0
    response_time: Durations = field(default_factory=Durations)
    resolution_time: Durations = field(default_factory=Durations)

    @property
    def response_met_percent(self) -> float | None:
        return _percent(self.response_met, self.response_judged)

    @property
    def resolution_met_percent(self) -> float | None:
        return _percent(self.resolution_met, self.resolution_judged)

    @property
    def mean_rating(self) -> float | None:
        return self.rating_total / self.feedback if self.feedback else None

    @property
    def fixed_percent(self) -> float | None:
        return _percent(self.fixed, self.feedback)


# The counted columns, named as the SQL names them.
COUNTS = [f.name for f in fields(ReportRow) if f.type is int]


def _percent(part: int, whole: int) -> float | None:
    return 100 * part / whole if whole else None


def _flag(condition: Q) -> Case:
    return Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())


def month_starts(start: datetime, end: datetime) -> list[datetime]:
    """The local first instants of the months that [start, end) touches."""
    tz = timezone.get_default_timezone()
    local = start.astimezone(tz)
    month = local.year * 12 + local.month - 1
    starts = []
    while True:
        first = datetime(month // 12, month % 12 + 1, 1, tzinfo=tz)
        if first >= end and starts:
            return starts
        starts.append(first)
        month += 1


def _key(dimension: Dimension, months: list[datetime], vendor: str) -> Any:
    if dimension == Dimension.MONTH:
        if vendor == "postgresql":
            # The month's number among the period's months: a binary search per row,
            # where converting every instant to local time cost a third of the report.
            column = f'"{Issue._meta.db_table}"."submitted_at"'
            return RawSQL(f"width_bucket({column}, %s::timestamptz[])", (months,), IntegerField())
        tz = timezone.get_default_timezone()
        return TruncMonth("submitted_at", output_field=DateField(), tzinfo=tz)
    if dimension == Dimension.PROGRAMME:
        return F("activity_links__activity__programme")
    return F(dimension.value)


def issue_rows(
    issues: QuerySet[Issue],
    dimensions: Sequence[Dimension],
    now: datetime,
    months: list[datetime] | None = None,
) -> QuerySet[Issue]:
    """One row per issue (per issue and programme when grouping by programme): group keys
    g0, g1… and the per-issue values the report aggregates."""
    judged_at = Coalesce(F("paused_at"), Value(now))
    awaiting_response = Q(responded_at__isnull=True, response_due__lt=judged_at)
    columns = {
        "r_id": F("id"),
        "r_status": F("status"),
        "r_pushes": F("push_count"),
        "r_responded": F("responded_at"),
        "r_resolved": F("resolved_at"),
        "r_response_ok": Case(
            When(response_met=True, then=Value(1)),
            When(response_met=False, then=Value(0)),
            output_field=IntegerField(),
        ),
        "r_resolution_ok": Case(
            When(resolution_met=True, then=Value(1)),
            When(resolution_met=False, then=Value(0)),
            output_field=IntegerField(),
        ),
        # A measurement counts only for the level and the resolution it was made for.
        "r_response_s": Case(
            When(
                responded_at__isnull=False,
                response_measured_level=F("service_level"),
                then=F("response_working_seconds"),
            ),
            output_field=IntegerField(),
        ),
        "r_resolution_s": Case(
            When(resolution_measured_for=F("resolved_at"), then=F("resolution_working_seconds")),
            output_field=IntegerField(),
        ),
        "r_unmeasured": _flag(RESPONSE_UNMEASURED | RESOLUTION_UNMEASURED),
        "r_open": _flag(Q(status__in=OPEN_STATUSES)),
        # Overdue as the SLA state "breached": judged now, or where a running pause began.
        "r_overdue": _flag(
            Q(status__in=OPEN_STATUSES)
            & (Q(resolution_due__lt=judged_at, resolved_at__isnull=True) | awaiting_response)
        ),
    }
    vendor = connections[issues.db].vendor
    keys = {f"g{n}": _key(d, months or [], vendor) for n, d in enumerate(dimensions)}
    rows = issues.order_by().annotate(**keys, **columns).values(*keys, *columns)
    if Dimension.PROGRAMME in dimensions:
        # An issue linked to two activities of one programme counts once for it.
        rows = rows.distinct()
    return rows


def _group_clause(dimensions: Sequence[Dimension]) -> tuple[str, str]:
    keys = ", ".join(f"g{n}" for n in range(len(dimensions)))
    return (keys + ", ") if keys else "", f"GROUP BY {keys}" if keys else ""


def _counts_sql(inner: str, dimensions: Sequence[Dimension], percentile_cont: bool) -> str:
    select_keys, group_by = _group_clause(dimensions)
    feedback = Feedback._meta.db_table
    values = ""
    if percentile_cont:
        # Each group's durations as arrays, for percentiles below: a hash aggregate, where
        # percentile_cont over the groups would sort every row of the period (on disk).
        values = "".join(
            f", array_agg(r_{clock}_s) FILTER (WHERE r_{clock}_s IS NOT NULL) AS {clock}_values"
            for clock in ("response", "resolution")
        )
    counts = f"""
        SELECT {select_keys}
            COUNT(*) AS reported,
            COUNT(r_responded) AS acknowledged,
            COUNT(r_resolved) AS resolved,
            SUM(CASE WHEN r_status = '{Status.REJECTED.value}' THEN 1 ELSE 0 END) AS rejected,
            SUM(CASE WHEN r_status = '{Status.DUPLICATE.value}' THEN 1 ELSE 0 END) AS duplicates,
            COUNT(r_response_ok) AS response_judged,
            COALESCE(SUM(r_response_ok), 0) AS response_met,
            COUNT(r_resolution_ok) AS resolution_judged,
            COALESCE(SUM(r_resolution_ok), 0) AS resolution_met,
            SUM(r_open) AS open,
            SUM(r_overdue) AS overdue,
            SUM(r_pushes) AS pushes,
            COALESCE(SUM(fb.n), 0) AS feedback,
            COALESCE(SUM(fb.rating), 0) AS rating_total,
            COALESCE(SUM(fb.fixed), 0) AS fixed,
            SUM(r_unmeasured) AS unmeasured,
            COUNT(r_response_s) AS response_measured,
            COUNT(r_resolution_s) AS resolution_measured
            {values}
        FROM ({inner}) r
        LEFT JOIN (
            SELECT issue_id, COUNT(*) AS n, SUM(rating) AS rating,
                   SUM(CASE WHEN fixed THEN 1 ELSE 0 END) AS fixed
            FROM {feedback} GROUP BY issue_id
        ) fb ON fb.issue_id = r.r_id
        {group_by}
    """
    if not percentile_cont:
        return counts
    fractions = ", ".join(str(num / den) for num, den in PERCENTILES.values())
    columns = ", ".join(
        [f"g{n}" for n in range(len(dimensions))]
        + COUNTS
        + ["response_measured", "resolution_measured"]
    )
    percentiles = ", ".join(
        f"(SELECT percentile_cont(ARRAY[{fractions}]::float8[]) WITHIN GROUP (ORDER BY v)"
        f" FROM unnest({clock}_values) AS v) AS {clock}_percentiles"
        for clock in ("response", "resolution")
    )
    return f"SELECT {columns}, {percentiles} FROM ({counts}) a"


def _window_percentiles_sql(inner: str, dimensions: Sequence[Dimension]) -> str:
    """Both clocks' percentiles per group by row numbers: for the fraction p of n values
    (0-based, ascending), the values at floor(p(n-1)) and the next one; Python
    interpolates between them as percentile_cont does."""
    select_keys, group_by = _group_clause(dimensions)
    partition = ", ".join(["clock"] + [f"g{n}" for n in range(len(dimensions))])
    picks = ", ".join(
        f"MAX(CASE WHEN i = ({num} * (n - 1)) / {den} THEN x END) AS {name}_low,"
        f" MAX(CASE WHEN i = ({num} * (n - 1)) / {den} + 1 THEN x END) AS {name}_high"
        for name, (num, den) in PERCENTILES.items()
    )
    values = " UNION ALL ".join(
        f"SELECT '{clock}' AS clock, {select_keys} r_{clock}_s AS x FROM ({inner}) r"
        f" WHERE r_{clock}_s IS NOT NULL"
        for clock in ("response", "resolution")
    )
    return f"""
        SELECT clock, {select_keys} MAX(n) AS n, {picks}
        FROM (
            SELECT v.*, ROW_NUMBER() OVER (PARTITION BY {partition} ORDER BY x) - 1 AS i,
                   COUNT(*) OVER (PARTITION BY {partition}) AS n
            FROM ({values}) v
        ) w
        {group_by.replace("GROUP BY ", "GROUP BY clock, ") if group_by else "GROUP BY clock"}
    """


def _interpolate(n: int, num: int, den: int, low: float, high: float | None) -> float:
    fraction = (num * (n - 1)) % den / den
    return float(low) if not fraction else float(low) + fraction * (float(high) - float(low))


def _normalise(
    dimensions: Sequence[Dimension], keys: Sequence[Any], months: list[datetime]
) -> tuple[Any, ...]:
    """Group keys as Python values: a month as its first day, from the month's number in
    the period (PostgreSQL) or the truncated date."""
    return tuple(
        _month(k, months) if d == Dimension.MONTH and k is not None else k
        for d, k in zip(dimensions, keys, strict=True)
    )


def _month(key: Any, months: list[datetime]) -> date:
    if isinstance(key, int):
        return months[key - 1].date()
    return date.fromisoformat(str(key)[:10])


# PostgreSQL cannot estimate how many groups there are (it assumes one per issue), so it
# would sort a year of rows on disk to aggregate them; a hash aggregate of the few groups
# is what fits. JIT compiling this one statement took longer than it saved.
POSTGRES_SETTINGS = "SET LOCAL enable_sort = off; SET LOCAL work_mem = '32MB'; SET LOCAL jit = off"


@contextmanager
def _tuned(using: str) -> Iterator[CursorWrapper]:
    """A cursor in a transaction with the report's planner settings (PostgreSQL)."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            yield cursor
        return
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute(POSTGRES_SETTINGS)
        yield cursor


def sla_report(
    issues: QuerySet[Issue],
    start: datetime,
    end: datetime,
    group_by: Sequence[Dimension] = (),
    *,
    now: datetime | None = None,
    method: str | None = None,
) -> list[ReportRow]:
    """Rows per group of the issues in `issues` reported in [start, end); one row when
    `group_by` is empty. `method` "percentile_cont" (PostgreSQL) or "window" (any
    database); by default the fastest the database offers."""
    dimensions = list(group_by)
    if len(dimensions) > MAX_DIMENSIONS or len(set(dimensions)) != len(dimensions):
        raise ValueError(f"group by at most {MAX_DIMENSIONS} different dimensions")
    now = now or timekeeping.now()
    using = reports_database()
    vendor = connections[using].vendor
    method = method or ("percentile_cont" if vendor == "postgresql" else "window")
    scoped = issues.using(using).filter(submitted_at__gte=start, submitted_at__lt=end)
    months = month_starts(start, end)
    try:
        query = issue_rows(scoped, dimensions, now, months).query
        inner, params = query.get_compiler(using=using).as_sql()
    except EmptyResultSet:  # e.g. a user who may see no issue
        return []
    width = len(dimensions)
    rows: dict[tuple[Any, ...], ReportRow] = {}
    with _tuned(using) as cursor:
        cursor.execute(_counts_sql(inner, dimensions, method == "percentile_cont"), params)
        names = [c[0] for c in cursor.description]
        for record in cursor.fetchall():
            values = dict(zip(names[width:], record[width:], strict=True))
            keys = _normalise(dimensions, record[:width], months)
            row = ReportRow(keys=keys)
            for name in COUNTS:
                setattr(row, name, int(values[name] or 0))
            if method == "percentile_cont":
                for clock in ("response", "resolution"):
                    found = values[f"{clock}_percentiles"] or [None, None]
                    setattr(
                        row,
                        f"{clock}_time",
                        Durations(int(values[f"{clock}_measured"]), *found),
                    )
            rows[keys] = row
        if method == "window" and rows:
            cursor.execute(_window_percentiles_sql(inner, dimensions), params * 2)
            for clock, *record in cursor.fetchall():
                keys = _normalise(dimensions, record[:width], months)
                n, *picks = record[width:]
                found = {
                    name: _interpolate(n, num, den, picks[2 * k], picks[2 * k + 1])
                    for k, (name, (num, den)) in enumerate(PERCENTILES.items())
                }
                setattr(rows[keys], f"{clock}_time", Durations(int(n), **found))
    result = list(rows.values())
    _label(result, dimensions, using)
    return sorted(result, key=lambda r: _sort_key(dimensions, r))


def _label(rows: list[ReportRow], dimensions: Sequence[Dimension], using: str) -> None:
    """Names for the group keys: one query per grouping by a model."""
    names: list[dict[Any, str]] = []
    for n, dimension in enumerate(dimensions):
        ids = {r.keys[n] for r in rows if r.keys[n] is not None}
        if dimension == Dimension.MONTH:
            names.append({})
            continue
        model = {
            Dimension.UNIT: BusinessUnit,
            Dimension.ISSUE_TYPE: IssueType,
            Dimension.AREA: Area,
            Dimension.PROGRAMME: Programme,
        }[dimension]
        found = model.objects.using(using).filter(pk__in=ids)
        if dimension == Dimension.PROGRAMME:
            found = found.select_related("unit")
        names.append({obj.pk: str(obj) for obj in found})
    for row in rows:
        row.labels = tuple(
            _key_label(d, k, names[n])
            for n, (d, k) in enumerate(zip(dimensions, row.keys, strict=True))
        )


def _key_label(dimension: Dimension, key: Any, names: dict[Any, str]) -> str:
    if key is None:
        return str(NO_KEY_LABELS.get(dimension, "—"))
    if dimension == Dimension.MONTH:
        return key.strftime("%Y-%m")
    return names.get(key, str(key))


def _sort_key(dimensions: Sequence[Dimension], row: ReportRow) -> tuple:
    # Months in time order, names alphabetically, the group without a key last.
    return tuple(
        (k is None, k if d == Dimension.MONTH else (label.casefold() if k is not None else ""))
        for d, k, label in zip(dimensions, row.keys, row.labels, strict=True)
    )
