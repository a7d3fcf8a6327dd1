"""Fill a PostgreSQL database with many issues quickly, for benchmarks at city scale.

The demo's reference data (City of Johannesburg's 135 wards, 6 units, 25 issue types,
service levels) is built by `seed_demo` (its smallest history); then N issues are written by one
INSERT … SELECT over generate_series, with each issue's "reported" event and, for a third
of them, a public status note. Types, statuses and dates are spread as a city's history
is: two years of requests, most of them finished, the recent ones mostly open.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench311 \\
        .venv/bin/python bench/million.py --issues 1000000
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civicdesk.settings")

GENERATED = "import"  # the source of generated issues, so they can be told apart


def create_database(url: str) -> None:
    """Create the database named in `url` if the server does not have it yet."""
    import psycopg

    name = url.rsplit("/", 1)[1].split("?")[0]
    with psycopg.connect(url, dbname="postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def fill(issues: int) -> None:
    from django.core.management import call_command
    from django.db import connection, transaction

    from civicdesk.demo.management.commands.seed_demo import MIN_ISSUES
    from civicdesk.issues.models import Issue

    call_command("migrate", verbosity=0)
    if not Issue.objects.exists():
        call_command("seed_demo", issues=MIN_ISSUES, verbosity=0)
    have = Issue.objects.filter(source=GENERATED).count()
    if have:
        print(f"{have:,} generated issues already there (drop the database to change that)")
        return
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            """
            CREATE TEMP TABLE bench_types AS
            SELECT row_number() OVER (ORDER BY t.id) - 1 AS n, t.id AS type_id,
                   t.jurisdiction_id, min(s.unit_id) AS unit_id, min(s.id) AS level_id,
                   min(s.response_target) AS response, min(s.resolution_target) AS resolution
            FROM catalogue_issuetype t
            LEFT JOIN units_servicelevel s ON s.issue_type_id = t.id
            GROUP BY t.id
            """
        )
        cursor.execute("SELECT count(*) FROM bench_types")
        (types,) = cursor.fetchone()
        cursor.execute(
            """
            INSERT INTO issues_issue (
                jurisdiction_id, issue_type_id, answers, description, lat, lon, address,
                address_id, media_url, source, status, unit_id, service_level_id,
                rejection_reason, provider_reference, external_id, push_count,
                submitted_at, response_due, resolution_due, responded_at, resolved_at,
                updated_at)
            SELECT t.jurisdiction_id, t.type_id, '{}', 'Generated report ' || g.g,
                   -26.35 + random() * 0.3, 27.85 + random() * 0.35, '', '', '', %(source)s,
                   CASE WHEN g.age < interval '14 days'
                        THEN (ARRAY['submitted','acknowledged','in_progress','resolved'])
                             [1 + (g.g %% 4)]
                        ELSE (ARRAY['closed','closed','resolved','rejected','duplicate',
                                    'in_progress','acknowledged','submitted'])[1 + (g.g %% 8)]
                   END,
                   t.unit_id, t.level_id, '', '', '', (g.g %% 7),
                   now() - g.age, now() - g.age + t.response, now() - g.age + t.resolution,
                   now() - g.age + interval '2 hours', NULL, now() - g.age + interval '3 hours'
            FROM (SELECT g, interval '730 days' * random() AS age
                  FROM generate_series(1, %(issues)s) AS g) AS g
            JOIN bench_types t ON t.n = g.g %% %(types)s
            """,
            {"source": GENERATED, "issues": issues, "types": types},
        )
        cursor.execute(
            """
            INSERT INTO timeline_event (issue_id, activity_id, actor_id, actor_role, kind,
                                        from_value, to_value, note, public, created_at)
            SELECT id, NULL::bigint, NULL::bigint, 'citizen', 'reported', '', 'submitted', '', true,
                   submitted_at
            FROM issues_issue WHERE source = %(source)s
            UNION ALL
            SELECT id, NULL::bigint, NULL::bigint, 'staff', 'status', 'submitted', status,
                   'Crew scheduled for the area', true, submitted_at + interval '2 hours'
            FROM issues_issue WHERE source = %(source)s AND id %% 3 = 0
            """,
            {"source": GENERATED},
        )
        cursor.execute("ANALYZE")
    print(f"{issues:,} issues written in {time.perf_counter() - started:.0f} s")


def prepare(issues: int) -> None:
    """Create the database of DATABASE_URL if needed, set Django up and fill it."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database (it is created if missing).")
    create_database(url)
    import django

    django.setup()
    fill(issues)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--issues", type=int, default=1_000_000)
    prepare(parser.parse_args().issues)


if __name__ == "__main__":
    main()
