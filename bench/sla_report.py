"""Benchmark: the SLA report for one year over 1,000,000 issues on PostgreSQL, grouped by
business unit and month, against the same report computed by DuckDB on an export.

The issues come from `bench/million.py` (two years of a city's requests). This script
completes their history once, set-based: the unacknowledged lose their response, the
resolved and closed get a resolution 1 hour to 8 days after the report, each clock its
outcome against its deadline and its measured working time (elapsed time on 24/7 levels,
a quarter of it on office hours, as the SLA watch would have measured), a third of the
resolutions citizens' feedback, and half the handled issues a link to an activity of one
of their unit's programmes (one activity per programme and week).

Then it times `reports.sla.sla_report` (several runs, median) and exports the rows to
CSV with COPY, loads them into DuckDB and runs an independent SQL of the same report
there, checking that every figure agrees.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/benchreports \\
        .venv/bin/python bench/sla_report.py --issues 1000000 --runs 5
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civicdesk.settings")

from bench.million import GENERATED, prepare

LOCAL_TZ = "Africa/Johannesburg"


def complete_history() -> None:
    """Resolutions, outcomes, working times, feedback and activity links, set-based."""
    from django.db import connection, transaction

    from civicdesk.issues.models import Feedback, Issue
    from civicdesk.reports.working_time import measure_working_times

    if Feedback.objects.filter(issue__source=GENERATED).exists():
        print("history already completed")
        return
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE issues_issue i SET
                responded_at = CASE WHEN i.status = 'submitted' THEN NULL ELSE i.responded_at END,
                resolved_at = CASE WHEN i.status IN ('resolved', 'closed')
                    THEN i.submitted_at + interval '1 hour' + interval '8 days' * random() ^ 2
                END
            WHERE i.source = %s
            """,
            [GENERATED],
        )
        cursor.execute(
            """
            UPDATE issues_issue i SET
                closed_at = CASE WHEN i.status IN ('closed', 'rejected', 'duplicate')
                    THEN coalesce(i.resolved_at, i.responded_at) + interval '3 days' END,
                response_met = i.responded_at <= i.response_due,
                resolution_met = i.resolved_at <= i.resolution_due,
                response_working_seconds = extract(epoch FROM i.responded_at - i.submitted_at)
                    * CASE WHEN c.kind = 'always' THEN 1 ELSE 0.25 END,
                response_measured_level_id = CASE WHEN i.responded_at IS NOT NULL
                    THEN i.service_level_id END,
                resolution_working_seconds = extract(epoch FROM i.resolved_at - i.submitted_at)
                    * CASE WHEN c.kind = 'always' THEN 1 ELSE 0.25 END,
                resolution_measured_for = i.resolved_at
            FROM units_servicelevel s JOIN units_calendar c ON c.id = s.calendar_id
            WHERE s.id = i.service_level_id AND i.source = %s
            """,
            [GENERATED],
        )
        cursor.execute(
            """
            INSERT INTO issues_feedback (issue_id, citizen_id, rating, comment, fixed, created_at)
            SELECT id, NULL, 1 + (id * 7919) %% 5, '', (id %% 5) <> 0,
                   resolved_at + interval '1 day'
            FROM issues_issue WHERE source = %s AND resolved_at IS NOT NULL AND id %% 3 = 0
            """,
            [GENERATED],
        )
        # One activity per programme and week of the two years, then links to half the
        # handled issues of the programme's unit, to the activity of their week.
        cursor.execute(
            """
            INSERT INTO activities_activity (programme_id, title, description, status, progress,
                public_summary, created_at, updated_at)
            SELECT p.id, 'Week ' || w || ' works', '', 'completed', 100, '',
                   now() - interval '1 week' * w, now() - interval '1 week' * w
            FROM units_programme p CROSS JOIN generate_series(0, 105) AS w
            """
        )
        cursor.execute(
            """
            INSERT INTO activities_activityissue (activity_id, issue_id, linked_at)
            SELECT a.id, i.id, i.responded_at
            FROM issues_issue i
            JOIN LATERAL (SELECT min(p.id) AS id FROM units_programme p
                          WHERE p.unit_id = i.unit_id) p ON p.id IS NOT NULL
            JOIN activities_activity a ON a.programme_id = p.id
                 AND a.title = 'Week ' || floor(extract(epoch FROM now() - i.submitted_at)
                                                / 604800)::int || ' works'
            WHERE i.source = %s AND i.responded_at IS NOT NULL AND i.id %% 2 = 0
            """,
            [GENERATED],
        )
        cursor.execute("ANALYZE")
    while measure_working_times():  # the demo's issues, replayed through the services
        pass
    # The updates above left two dead versions of every issue; a city's table has been
    # vacuumed as it grew, so compact it as autovacuum would have kept it.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM FULL ANALYZE issues_issue")
    print(f"history completed in {time.perf_counter() - started:.0f} s")
    print(
        f"{Issue.objects.count():,} issues, {Feedback.objects.count():,} feedback,"
        f" {Issue.objects.filter(activity_links__isnull=False).count():,} links"
    )


def timed(runs: int, call):
    timings, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = call()
        timings.append(time.perf_counter() - started)
    return result, timings


def show(label: str, timings: list[float], rows: int) -> None:
    print(
        f"{label}: {rows} rows; seconds "
        + ", ".join(f"{t:.3f}" for t in timings)
        + f" (median {statistics.median(timings):.3f})"
    )


EXPORT = """
    COPY (SELECT i.id, i.unit_id, i.status, i.push_count,
                 (i.submitted_at AT TIME ZONE '{tz}') AS submitted_local,
                 (i.responded_at IS NOT NULL)::int AS responded,
                 (i.resolved_at IS NOT NULL)::int AS resolved,
                 i.response_met::int AS response_met, i.resolution_met::int AS resolution_met,
                 CASE WHEN i.response_measured_level_id = i.service_level_id
                      AND i.responded_at IS NOT NULL THEN i.response_working_seconds END AS rs,
                 CASE WHEN i.resolution_measured_for = i.resolved_at
                      THEN i.resolution_working_seconds END AS ss,
                 (i.status IN ('submitted', 'acknowledged', 'needs_info', 'in_progress',
                               'reopened')
                  AND (i.resolution_due < coalesce(i.paused_at, %(now)s) AND i.resolved_at IS NULL
                       OR i.responded_at IS NULL
                          AND i.response_due < coalesce(i.paused_at, %(now)s)))::int AS overdue
          FROM issues_issue i) TO STDOUT WITH (FORMAT csv, HEADER)
"""
FEEDBACK_EXPORT = (
    "COPY (SELECT issue_id, rating, fixed::int AS fixed FROM issues_feedback)"
    " TO STDOUT WITH (FORMAT csv, HEADER)"
)

DUCKDB_REPORT = """
    WITH fb AS (SELECT issue_id, count(*) AS n, sum(rating) AS rating,
                       sum(fixed) AS fixed
                FROM feedback GROUP BY issue_id)
    SELECT i.unit_id, date_trunc('month', i.submitted_local)::date AS month,
        count(*) AS reported, count(*) FILTER (WHERE responded = 1) AS acknowledged,
        count(*) FILTER (WHERE resolved = 1) AS resolved,
        count(*) FILTER (WHERE status = 'rejected') AS rejected,
        count(*) FILTER (WHERE status = 'duplicate') AS duplicates,
        count(response_met) AS response_judged,
        count(*) FILTER (WHERE response_met = 1) AS response_met,
        count(resolution_met) AS resolution_judged,
        count(*) FILTER (WHERE resolution_met = 1) AS resolution_met,
        count(*) FILTER (WHERE status IN ('submitted', 'acknowledged', 'needs_info',
                                          'in_progress', 'reopened')) AS open,
        count(*) FILTER (WHERE overdue = 1) AS overdue,
        sum(push_count) AS pushes,
        coalesce(sum(fb.n), 0) AS feedback, coalesce(sum(fb.rating), 0) AS rating_total,
        coalesce(sum(fb.fixed), 0) AS fixed,
        quantile_cont(rs, 0.5) AS response_median, quantile_cont(rs, 0.9) AS response_p90,
        quantile_cont(ss, 0.5) AS resolution_median, quantile_cont(ss, 0.9) AS resolution_p90
    FROM issues i LEFT JOIN fb ON fb.issue_id = i.id
    WHERE i.submitted_local >= ? AND i.submitted_local < ?
    GROUP BY ALL
"""


def export(directory: Path, now: datetime) -> float:
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        raw = cursor.connection
        for name, sql, params in (
            ("issues", EXPORT.format(tz=LOCAL_TZ), {"now": now}),
            ("feedback", FEEDBACK_EXPORT, None),
        ):
            with (
                open(directory / f"{name}.csv", "wb") as out,
                raw.cursor().copy(sql, params) as copy,
            ):
                for block in copy:
                    out.write(block)
    return time.perf_counter() - started


def duckdb_report(directory: Path, start: datetime, end: datetime, runs: int):
    import duckdb

    db = duckdb.connect()
    started = time.perf_counter()
    db.execute(
        f"CREATE TABLE issues AS SELECT * FROM read_csv('{directory / 'issues.csv'}',"
        " types={'submitted_local': 'TIMESTAMP'})"
    )
    db.execute(f"CREATE TABLE feedback AS SELECT * FROM read_csv('{directory / 'feedback.csv'}')")
    load = time.perf_counter() - started
    local = [t.astimezone(_zone()).replace(tzinfo=None) for t in (start, end)]
    result, timings = timed(runs, lambda: db.execute(DUCKDB_REPORT, local).fetchall())
    names = [c[0] for c in db.description]
    return [dict(zip(names, r, strict=True)) for r in result], load, timings


def _zone():
    from zoneinfo import ZoneInfo

    return ZoneInfo(LOCAL_TZ)


def compare(ours: list, theirs: list[dict]) -> int:
    """Every figure of every (unit, month) row; returns how many rows were compared."""
    import math

    from civicdesk.reports.sla import COUNTS

    by_key = {(r["unit_id"], r["month"]): r for r in theirs}
    assert len(by_key) == len(ours), (len(by_key), len(ours))
    for row in ours:
        other = by_key[row.keys]
        for name in COUNTS:
            if name != "unmeasured":
                assert getattr(row, name) == other[name], (row.keys, name, getattr(row, name))
        for clock in ("response", "resolution"):
            durations = getattr(row, f"{clock}_time")
            for stat in ("median", "p90"):
                mine, duck = getattr(durations, stat), other[f"{clock}_{stat}"]
                assert (mine is None and duck is None) or math.isclose(
                    mine, duck, rel_tol=1e-9, abs_tol=1e-6
                ), (row.keys, clock, stat, mine, duck)
    return len(ours)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--issues", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE")
    args = parser.parse_args()
    prepare(args.issues)
    complete_history()

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from civicdesk.issues.models import Issue
    from civicdesk.reports.sla import Dimension, issue_rows, sla_report

    now = timezone.now()
    today = now.astimezone(_zone()).replace(hour=0, minute=0, second=0, microsecond=0)
    start, end = today - timedelta(days=365), today + timedelta(days=1)
    in_year = Issue.objects.filter(submitted_at__gte=start, submitted_at__lt=end).count()
    print(f"database: postgresql {connection.cursor().connection.info.server_version}")
    print(f"period {start:%Y-%m-%d} to {end:%Y-%m-%d}: {in_year:,} issues reported")
    if args.explain:
        from civicdesk.reports.sla import _counts_sql

        dims = [Dimension.UNIT, Dimension.MONTH]
        scoped = Issue.objects.filter(submitted_at__gte=start, submitted_at__lt=end)
        inner, params = issue_rows(scoped, dims, now).query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + _counts_sql(inner, dims, True), params)
            print("\n".join(r[0] for r in cursor.fetchall()))

    def report(dims, method=None):
        return sla_report(Issue.objects.all(), start, end, dims, now=now, method=method)

    for label, dims, method in (
        ("unit and month", [Dimension.UNIT, Dimension.MONTH], None),
        ("unit", [Dimension.UNIT], None),
        ("month", [Dimension.MONTH], None),
        ("programme", [Dimension.PROGRAMME], None),
        ("unit and month, window percentiles", [Dimension.UNIT, Dimension.MONTH], "window"),
    ):
        with CaptureQueriesContext(connection) as queries:
            rows, timings = timed(args.runs, lambda d=dims, m=method: report(d, m))
        show(f"PostgreSQL, {label} ({len(queries) // args.runs} queries)", timings, len(rows))
        if label == "unit and month":
            ours = rows
    with tempfile.TemporaryDirectory() as directory:
        exported = export(Path(directory), now)
        size = sum(f.stat().st_size for f in Path(directory).iterdir())
        print(f"export (COPY to CSV, {size / 1e6:.0f} MB): {exported:.1f} s")
        theirs, load, timings = duckdb_report(Path(directory), start, end, args.runs)
        print(f"DuckDB load: {load:.1f} s")
        show("DuckDB, unit and month", timings, len(theirs))
    print(f"figures agree: {compare(ours, theirs)} rows compared")


if __name__ == "__main__":
    main()
