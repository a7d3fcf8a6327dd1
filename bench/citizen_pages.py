"""Time the citizens' public pages at city scale on PostgreSQL: the issue list (newest, most
pushed, filtered, a deep keyset page), the map's data for a city-wide and a zoomed view,
the map page and an area page, each as a whole request through Django's test client.

The database is bench/million.py's (Johannesburg's 135 wards, 1,000,000 issues over two
years); the generated issues are then placed in their wards with shapely, once.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_citizens \\
        .venv/bin/python bench/citizen_pages.py --issues 1000000 [--explain]
"""

import argparse
import html
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.million import GENERATED, prepare

RUNS = 7


def place_in_wards() -> None:
    """Give generated issues the ward their point lies in (as routing would have)."""
    import numpy as np
    import shapely
    from django.db import connection, transaction

    from civicdesk.issues.models import Issue
    from civicdesk.places.models import Area

    generated = Issue.objects.filter(source=GENERATED)
    if generated.filter(area__isnull=False).exists():
        return
    started = time.perf_counter()
    areas = list(Area.objects.values_list("id", "geometry"))
    tree = shapely.STRtree([shapely.geometry.shape(g) for _, g in areas])
    rows = np.array(list(generated.values_list("id", "lon", "lat")), dtype=float)
    points = shapely.points(rows[:, 1], rows[:, 2])
    found, in_area = tree.query(points, predicate="within")
    first = {}
    for point, area in zip(found.tolist(), in_area.tolist(), strict=True):
        first.setdefault(point, areas[area][0])
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE bench_area (issue_id bigint, area_id bigint)")
        with cursor.copy("COPY bench_area (issue_id, area_id) FROM STDIN") as copy:
            for point, area_id in first.items():
                copy.write_row((int(rows[point, 0]), area_id))
        cursor.execute(
            "UPDATE issues_issue i SET area_id = b.area_id"
            " FROM bench_area b WHERE i.id = b.issue_id"
        )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE issues_issue")
    print(f"{len(first):,} issues placed in wards in {time.perf_counter() - started:.0f} s")


def measure(client, url: str) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times = []
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
    return {
        "median_ms": statistics.median(times) * 1000,
        "max_ms": max(times) * 1000,
        "queries": len(queries),
        "bytes": len(response.content),
        "response": response,
    }


def explain(url_queries: list[str]) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for sql in url_queries:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
            print("\n".join(row[0] for row in cursor.fetchall()), end="\n\n")


def run(show_plans: bool) -> None:
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from civicdesk.citizens.public_queries import whole_map
    from civicdesk.issues.models import Issue

    client = Client()
    busiest = (
        Issue.objects.filter(area__isnull=False)
        .values("area_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    box = whole_map()
    city = f"bbox={box.south},{box.west},{box.north},{box.east}&zoom=11"
    kind = Issue.objects.values_list("issue_type_id", flat=True).first()
    deep = "/issues/?sort=pushed"
    for _ in range(50):  # 50 pages of 20 in: the keyset cursor of page 51
        page = client.get(deep).content.decode()
        deep = "/issues/" + html.unescape(re.search(r'rel="next" href="([^"]+)"', page)[1])
    cases = [
        ("list, open, newest", "/issues/"),
        ("list, open, most pushed", "/issues/?sort=pushed"),
        ("list, one category, all statuses", f"/issues/?type={kind}&status=all"),
        ("list, one ward, most pushed", f"/issues/?area={busiest['area_id']}&sort=pushed"),
        ("list, page 51 (keyset)", deep),
        ("map data, city-wide, open", f"/map/data.json?{city}"),
        ("map data, city-wide, all statuses", f"/map/data.json?{city}&status=all"),
        ("map data, zoomed (street)", "/map/data.json?bbox=-26.21,28.04,-26.2,28.05&zoom=16"),
        ("map page", "/map/"),
        ("area page, busiest ward", f"/areas/{busiest['area_id']}/"),
    ]
    total = Issue.objects.count()
    print(f"{total:,} issues; busiest ward has {busiest['n']:,}; {RUNS} runs each, warm")
    print(f"{'request':38} {'median':>9} {'max':>9} {'queries':>8} {'bytes':>9}  shape")
    for name, url in cases:
        result = measure(client, url)
        shape = ""
        if url.startswith("/map/data.json"):
            body = result["response"].json()
            shape = (
                f"{body['mode']}: {len(body.get('cells', body.get('points')))} of {body['count']:,}"
            )
        print(
            f"{name:38} {result['median_ms']:7.0f}ms {result['max_ms']:7.0f}ms"
            f" {result['queries']:8} {result['bytes']:9,}  {shape}"
        )
        if show_plans:
            with CaptureQueriesContext(connection) as queries:
                client.get(url)
            explain([q["sql"] for q in queries.captured_queries if "issues_issue" in q["sql"]])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--issues", type=int, default=1_000_000)
    parser.add_argument("--explain", action="store_true", help="print the plans (EXPLAIN ANALYZE)")
    args = parser.parse_args()
    prepare(args.issues)
    place_in_wards()
    run(args.explain)


if __name__ == "__main__":
    main()
