"""Benchmark: one SLA-watch sweep over N open issues (default 1,000,000) on PostgreSQL.

The issues are written with INSERT … SELECT generate_series (not the ORM), submitted
uniformly over the last 48 hours on a 24/7 service level (respond in 4 h, resolve in
24 h), a third of them already responded to; every issue has its watch row from earlier
sweeps (the steady state), so each sweep finds the few hundred clocks that cross a
warning or a deadline in that minute, plus `--new` issues reported since the last sweep.
The set-up ends with one untimed sweep, which writes the escalations that earlier sweeps
would have written.

    psql -h 127.0.0.1 -U postgres -c 'CREATE DATABASE bench6'
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench6 .venv/bin/python bench/sla_watch.py
    psql -h 127.0.0.1 -U postgres -c 'DROP DATABASE bench6'
Options: --issues 1000000 --new 1000 --runs 3 (a throw-away test database is created).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civicdesk.settings")

import django

django.setup()

from datetime import timedelta  # noqa: E402

from django.db import connection, models  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from civicdesk.alerts.models import Alert  # noqa: E402
from civicdesk.catalogue.models import IssueType  # noqa: E402
from civicdesk.issues.models import Issue  # noqa: E402
from civicdesk.places.models import Jurisdiction  # noqa: E402
from civicdesk.slawatch.models import ClockWatch, EscalationRule  # noqa: E402
from civicdesk.slawatch.services import sweep  # noqa: E402
from civicdesk.units.models import BusinessUnit, Calendar, ServiceLevel  # noqa: E402

# Issue g of a batch of n was submitted g/n of `spread` ago.
SUBMITTED = "(%(now)s - (g - %(start)s) * %(spread)s / %(n)s)"
# Every issue column the generator sets; any other non-null column gets its type's blank.
GENERATED = {
    "jurisdiction_id": "%(jurisdiction)s",
    "issue_type_id": "%(issue_type)s",
    "lat": "-26.2 + (g %% 1000) * 0.0001",
    "lon": "28.0 + (g %% 997) * 0.0001",
    "source": "'web'",
    "status": "CASE WHEN g %% 3 = 0 THEN 'acknowledged' ELSE 'submitted' END",
    "unit_id": "%(unit)s",
    "service_level_id": "%(level)s",
    "submitted_at": f"{SUBMITTED}",
    "response_due": f"{SUBMITTED} + interval '4 hours'",
    "resolution_due": f"{SUBMITTED} + interval '24 hours'",
    "responded_at": f"CASE WHEN g %% 3 = 0 THEN {SUBMITTED} + interval '1 hour' END",
    "updated_at": "%(now)s",
}


def blank(field: models.Field) -> str:
    if isinstance(field, models.JSONField):
        return "'{}'::jsonb"
    if isinstance(field, models.BooleanField):
        return "false"
    if isinstance(field, models.IntegerField | models.FloatField):
        return "0"
    return "''"


def insert_issues(n: int, start: int, spread: timedelta, ids: dict) -> None:
    columns, values = [], []
    for field in Issue._meta.concrete_fields:
        if field.primary_key:
            continue
        if field.column in GENERATED:
            columns.append(field.column)
            values.append(GENERATED[field.column])
        elif not field.null:
            columns.append(field.column)
            values.append(blank(field))
    sql = (
        f"INSERT INTO {Issue._meta.db_table} ({', '.join(columns)})"
        f" SELECT {', '.join(values)} FROM generate_series(%(start)s, %(end)s) g"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, ids | {"n": n, "start": start, "end": start + n - 1, "spread": spread})


def watch_all(level: ServiceLevel) -> None:
    """The watch rows earlier sweeps would have written (levels as of now)."""
    first = (100 - level.first_warning_percent) / 100
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {ClockWatch._meta.db_table} (issue_id, response_due, response_warn_at,"
            " response_level, resolution_due, resolution_warn_at, resolution_level)"
            " SELECT id, response_due, response_due - %s * interval '4 hours',"
            " CASE WHEN response_due <= now() THEN 2"
            "      WHEN response_due - %s * interval '4 hours' <= now() THEN 1 ELSE 0 END,"
            " resolution_due, resolution_due - %s * interval '24 hours',"
            " CASE WHEN resolution_due <= now() THEN 2"
            "      WHEN resolution_due - %s * interval '24 hours' <= now() THEN 1 ELSE 0 END"
            f" FROM {Issue._meta.db_table}",
            [first] * 4,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--issues", type=int, default=1_000_000)
    parser.add_argument("--new", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    assert connection.vendor == "postgresql", "run with DATABASE_URL=postgres://…"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        jurisdiction = Jurisdiction.objects.create(slug="bench", name="Bench City")
        issue_type = IssueType.objects.create(jurisdiction=jurisdiction, code="p", name="Power")
        unit = BusinessUnit.objects.create(jurisdiction=jurisdiction, name="Power", slug="p")
        level = ServiceLevel.objects.create(
            unit=unit,
            issue_type=issue_type,
            response_target=timedelta(hours=4),
            resolution_target=timedelta(hours=24),
            calendar=Calendar.objects.create(name="24/7"),
        )
        EscalationRule.objects.create(
            unit=unit,
            clock="resolution",
            after=timedelta(hours=2),
            recipient="email",
            email="ops@example.org",
            repeat_every=timedelta(hours=4),
        )
        ids = {
            "jurisdiction": jurisdiction.pk,
            "issue_type": issue_type.pk,
            "unit": unit.pk,
            "level": level.pk,
            "now": timezone.now(),
        }
        started = time.perf_counter()
        insert_issues(args.issues, 1, timedelta(hours=48), ids)
        watch_all(level)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        sweep()  # the escalations and reminders earlier sweeps would have written
        print(f"set-up: {args.issues} issues in {time.perf_counter() - started:.1f} s")
        timings, queries, counts = [], [], []
        for run in range(args.runs):
            ids["now"] = timezone.now()
            insert_issues(args.new, args.issues + run * args.new + 1, timedelta(minutes=1), ids)
            at = timezone.now() + timedelta(minutes=run + 1)
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as captured:
                counts.append(sweep(at))
            timings.append(time.perf_counter() - started)
            queries.append(len(captured.captured_queries))
            if os.environ.get("BENCH_VERBOSE"):
                for q in captured.captured_queries:
                    print(q["time"], q["sql"][:300])
        print(f"database: postgresql {connection.cursor().connection.info.server_version}")
        print(f"open issues: {Issue.objects.count()}, alerts written: {Alert.objects.count()}")
        print(f"queries per sweep: {queries}")
        for run, count in enumerate(counts):
            print(f"sweep {run + 1}: {dict(count)}")
        print(
            "seconds per sweep: "
            + ", ".join(f"{t:.3f}" for t in timings)
            + f" (median {statistics.median(timings):.3f})"
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
