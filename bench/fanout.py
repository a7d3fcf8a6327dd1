"""Benchmark: completing one activity linked to N issues (each with a reporter and two
pushers) — every issue resolved, every event and alert written.

Run on PostgreSQL (a throw-away test database is created and dropped):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/fanout.py
Options: --issues 10000 --runs 3
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

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from civicdesk.accounts.models import User  # noqa: E402
from civicdesk.activities.models import ActivityStatus  # noqa: E402
from civicdesk.activities.services import update_activity  # noqa: E402
from civicdesk.activities.tests.factories import activity_with_issues  # noqa: E402
from civicdesk.alerts.models import Alert  # noqa: E402
from civicdesk.catalogue.models import IssueType  # noqa: E402
from civicdesk.issues.models import Issue, Status  # noqa: E402
from civicdesk.places.models import Jurisdiction  # noqa: E402
from civicdesk.units.models import BusinessUnit, Calendar, Programme, ServiceLevel  # noqa: E402


def setup_world() -> tuple[Programme, IssueType, User]:
    jurisdiction = Jurisdiction.objects.create(slug="bench", name="Bench City")
    issue_type = IssueType.objects.create(jurisdiction=jurisdiction, code="power", name="Power")
    unit = BusinessUnit.objects.create(jurisdiction=jurisdiction, name="Electricity", slug="el")
    ServiceLevel.objects.create(
        unit=unit,
        issue_type=issue_type,
        response_target=timedelta(hours=4),
        resolution_target=timedelta(hours=24),
        calendar=Calendar.objects.create(name="24/7"),
    )
    staff = User.objects.create_user("bench")
    return Programme.objects.create(unit=unit, name="Outages"), issue_type, staff


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--issues", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        programme, issue_type, staff = setup_world()
        timings, query_counts = [], []
        for _ in range(args.runs):
            activity = activity_with_issues(programme, issue_type, args.issues)
            if connection.vendor == "postgresql":
                connection.cursor().execute("ANALYZE")
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                update_activity(activity, staff, status=ActivityStatus.COMPLETED)
            timings.append(time.perf_counter() - started)
            query_counts.append(len(queries.captured_queries))
            if os.environ.get("BENCH_VERBOSE"):
                for q in queries.captured_queries:
                    print(q["time"], q["sql"][:400])
            resolved = Issue.objects.filter(
                activity_links__activity=activity, status=Status.RESOLVED
            ).count()
            alerts = Alert.objects.filter(activity=activity, kind="issue_resolved").count()
            assert resolved == args.issues, resolved
            assert alerts == 3 * args.issues, alerts
        server = (
            connection.cursor().connection.info.server_version
            if connection.vendor == "postgresql"
            else ""
        )
        print(f"database: {connection.vendor} {server}")
        print(f"issues per activity: {args.issues} (x3 followers), runs: {args.runs}")
        print(f"queries per completion: {sorted(set(query_counts))}")
        print(
            "seconds per completion: "
            + ", ".join(f"{t:.3f}" for t in timings)
            + f" (median {statistics.median(timings):.3f})"
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
