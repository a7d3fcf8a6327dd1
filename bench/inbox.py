"""Benchmark: a unit's inbox with N open issues (50,000 by default) — queries per page and
time to render it, through the real view (test client, signed-in staff member).

The issues are spread over 60 days, so that some are on track, some at risk (the SLA
watch has judged a part of them) and many breached; a tenth are linked to activities;
push counts vary. Each page is requested `--runs` times; the median is reported.

Run on PostgreSQL (a throw-away test database is created and dropped):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_inbox .venv/bin/python bench/inbox.py
Options: --issues 50000 --runs 5
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
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from civicdesk.accounts.models import User  # noqa: E402
from civicdesk.activities.models import Activity, ActivityIssue  # noqa: E402
from civicdesk.catalogue.models import IssueType  # noqa: E402
from civicdesk.issues.models import Issue, Status  # noqa: E402
from civicdesk.places.models import Jurisdiction  # noqa: E402
from civicdesk.slawatch.models import ClockWatch  # noqa: E402
from civicdesk.timekeeping import now  # noqa: E402
from civicdesk.units.models import (  # noqa: E402
    BusinessUnit,
    Calendar,
    Membership,
    Programme,
    ServiceLevel,
)

BATCH = 5000
PAGES = {
    "inbox, default (SLA risk)": ("unit-inbox", {}),
    "inbox, breached, by pushes, page 3": (
        "unit-inbox",
        {"sla": "breached", "sort": "pushes", "page": "3"},
    ),
    "inbox, 100 per page, last page": ("unit-inbox", {"size": "100", "page": "500"}),
    "inbox, awaiting an activity": ("unit-inbox", {"activity": "none"}),
    "map data (2,000 riskiest points)": ("inbox-map-data", {}),
    "programme inbox": ("programme-inbox", {}),
}


def fill(count: int) -> tuple[BusinessUnit, Programme, User]:
    jurisdiction = Jurisdiction.objects.create(slug="bench", name="Bench City")
    kinds = [
        IssueType.objects.create(jurisdiction=jurisdiction, code=f"t{n}", name=f"Type {n}")
        for n in range(5)
    ]
    unit = BusinessUnit.objects.create(jurisdiction=jurisdiction, name="Water", slug="water")
    calendar = Calendar.objects.create(name="24/7")
    levels = [
        ServiceLevel.objects.create(
            unit=unit,
            issue_type=kind,
            response_target=timedelta(hours=8),
            resolution_target=timedelta(days=3 + n),
            calendar=calendar,
        )
        for n, kind in enumerate(kinds)
    ]
    programme = Programme.objects.create(unit=unit, name="Leaks")
    staff = User.objects.create_user("bench-staff")
    Membership.objects.create(programme=programme, user=staff)
    start = now()
    for first in range(0, count, BATCH):
        rows = []
        for n in range(first, min(first + BATCH, count)):
            level = levels[n % len(levels)]
            submitted = start - timedelta(minutes=(n * 173) % (60 * 24 * 60))
            responded = submitted + timedelta(hours=1) if n % 3 else None
            rows.append(
                Issue(
                    jurisdiction=jurisdiction,
                    issue_type_id=level.issue_type_id,
                    unit=unit,
                    service_level=level,
                    lat=-26.2 + (n % 200) / 1000,
                    lon=28.0 + (n % 300) / 1000,
                    status=Status.ACKNOWLEDGED if responded else Status.SUBMITTED,
                    description=f"Leak number {n}",
                    submitted_at=submitted,
                    updated_at=submitted,
                    responded_at=responded,
                    response_due=submitted + level.response_target,
                    resolution_due=submitted + level.resolution_target,
                    push_count=(n * 7) % 13,
                )
            )
        Issue.objects.bulk_create(rows, batch_size=1000)
    # The SLA watch has seen a third of them, with warnings at half the resolution target.
    watched = Issue.objects.filter(id__in=Issue.objects.order_by("id").values("id")[: count // 3])
    ClockWatch.objects.bulk_create(
        [
            ClockWatch(
                issue_id=pk,
                response_due=response_due,
                resolution_due=resolution_due,
                resolution_warn_at=resolution_due - (resolution_due - submitted) / 2,
            )
            for pk, response_due, resolution_due, submitted in watched.values_list(
                "id", "response_due", "resolution_due", "submitted_at"
            )
        ],
        batch_size=1000,
    )
    activities = [
        Activity.objects.create(programme=programme, title=f"Works {n}") for n in range(50)
    ]
    ActivityIssue.objects.bulk_create(
        [
            ActivityIssue(activity=activities[n % 50], issue_id=pk)
            for n, pk in enumerate(Issue.objects.values_list("id", flat=True)[::10])
        ],
        batch_size=1000,
    )
    return unit, programme, staff


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--issues", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        started = time.perf_counter()
        unit, programme, staff = fill(args.issues)
        if connection.vendor == "postgresql":
            connection.cursor().execute("ANALYZE")
        print(f"filled {args.issues:,} open issues in {time.perf_counter() - started:.1f} s")
        client = Client()
        client.force_login(staff)
        server = (
            connection.cursor().connection.info.server_version
            if connection.vendor == "postgresql"
            else ""
        )
        print(f"database: {connection.vendor} {server}; runs per page: {args.runs}")
        only = os.environ.get("BENCH_ONLY")
        for title, (name, params) in PAGES.items():
            if only and only not in title:
                continue
            target = programme.pk if name == "programme-inbox" else unit.pk
            url = reverse(f"backoffice:{name}", args=[target])
            timings, counts = [], set()
            for _ in range(args.runs):
                with CaptureQueriesContext(connection) as queries:
                    begun = time.perf_counter()
                    response = client.get(url, params)
                    timings.append(time.perf_counter() - begun)
                assert response.status_code == 200, response.status_code
                counts.add(len(queries.captured_queries))
                if os.environ.get("BENCH_VERBOSE"):
                    for q in queries.captured_queries:
                        print(f"  {q['time']} {q['sql'][:300]}")
            print(
                f"{title}: {sorted(counts)} queries, "
                f"{statistics.median(timings) * 1000:.0f} ms median "
                f"(runs: {', '.join(f'{t * 1000:.0f}' for t in timings)})"
            )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
