"""Benchmark: importing a city's historic requests (issue #8), rows per second and peak
memory of `manage.py import_requests` on a generated CSV in Baltimore's export format.

The script recreates the database named by DATABASE_URL (PostgreSQL; a temporary file
without it, SQLite), migrates it, loads Baltimore's council districts as the areas of a
jurisdiction, writes N generated rows to a temporary CSV (the 26 columns of Open
Baltimore's export, `MM/DD/YYYY hh:mm:ss AM` dates, `NA` for missing values, a tenth of
the points missing or at the (39, -77) placeholder, 231 categories and 16 agencies, 95%
closed), then runs the import in a subprocess and reports its wall time, rows per
second and peak RSS (`resource.getrusage(RUSAGE_CHILDREN)`, the import being the only
child). With --rerun it runs the same import again, which must import nothing.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/benchimport \\
        .venv/bin/python bench/import_requests.py --rows 1000000
"""

import argparse
import csv
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civicdesk.settings")

MAPPING = ROOT / "civicdesk" / "imports" / "mappings" / "baltimore.toml"
HEADER = [
    "SRRecordID", "ServiceRequestNum", "SRType", "MethodReceived", "CreatedDate", "SRStatus",
    "StatusDate", "DueDate", "CloseDate", "Agency", "LastActivity", "LastActivityDate",
    "Outcome", "Address", "ZipCode", "Neighborhood", "CouncilDistrict", "PoliceDistrict",
    "PolicePost", "Latitude", "Longitude", "GeoLocation", "2010 Census Wards Precincts",
    "2010 Census Neighborhoods", "Zip Codes", "DaysOpen",
]  # fmt: skip
AGENCIES = [
    "Solid Waste", "Transportation", "Housing", "Water Wastewater", "BGE", "Finance", "Health",
    "Recreation & Parks", "Call Center", "Fire Department", "Parking Authority", "Liquor Board",
    "Public Works", "Police Department", "BCIT", "Mayor's Office",
]  # fmt: skip
STATUSES = [("Closed", 95), ("Closed (Duplicate)", 2), ("Open", 1), ("New", 1), ("Pending", 1)]
FORMAT = "%m/%d/%Y %I:%M:%S %p"


def generate(path: Path, rows: int, seed: int = 8, shuffled: bool = False) -> None:
    """Rows in Baltimore's format: created 2014-2019, closed and due a few days later. As a
    system exports them, in the order of their request numbers, which is the order they
    were created in (give or take an hour); `shuffled` mixes the years instead."""
    rng = random.Random(seed)
    types = [
        (f"{a[:3].upper()}-Request type {n}", a) for n in range(231) for a in [AGENCIES[n % 16]]
    ]
    statuses = [s for s, weight in STATUSES for _ in range(weight)]
    # Naive: local times, as the source writes them.
    start = datetime(2014, 1, 1)  # noqa: DTZ001
    span = int((datetime(2019, 2, 13) - start).total_seconds())  # noqa: DTZ001
    with open(path, "w", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(HEADER)
        for n in range(rows):
            category, agency = types[rng.randrange(len(types))]
            moment = rng.randrange(span) if shuffled else span * n // rows + rng.randrange(3600)
            created = start + timedelta(seconds=moment)
            due = created + timedelta(days=rng.choice((1, 3, 7, 14, 30)))
            status = rng.choice(statuses)
            closed = created + timedelta(seconds=rng.randrange(1, 40 * 86400))
            close = closed.strftime(FORMAT) if status.startswith("Closed") else "NA"
            where = rng.random()
            if where < 0.06:
                lat = lon = "NA"
            elif where < 0.1:
                lat, lon = "39", "-77"
            else:
                lat = f"{rng.uniform(39.24, 39.36):.6f}"
                lon = f"{rng.uniform(-76.70, -76.54):.6f}"
            number = f"{14 + n % 6}-{n:08d}"
            out.writerow(
                [number, number, category, "Phone", created.strftime(FORMAT), status,
                 closed.strftime(FORMAT), due.strftime(FORMAT), close, agency, "NA", "NA", "NA",
                 f"{n % 4000} MAIN ST, BALTIMORE, MD, 21201", "21201", "Downtown", "11",
                 "Central", "111", lat, lon, f"({lat}, {lon})", "NA", "NA", "32839",
                 str((closed - created).days)]
            )  # fmt: skip


def prepare_database() -> None:
    """A fresh database with Baltimore's council districts as the areas of 'baltimore'."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        import psycopg

        name = url.rsplit("/", 1)[1]
        with psycopg.connect(url, dbname="postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{name}"')
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    from civicdesk.imports.tests.baltimore import load_council_districts

    call_command("migrate", verbosity=0)
    load_council_districts()
    connections.close_all()


def _pss_kb(pid: int) -> int:
    """Proportional memory of a process and its children (the forked reader), in kB:
    pages they share after the fork count once in the sum."""
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as handle:
            children = [int(c) for c in handle.read().split()]
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            own = next(int(line.split()[1]) for line in handle if line.startswith("Pss:"))
    except (OSError, StopIteration):
        return 0
    return own + sum(_pss_kb(child) for child in children)


def run_import(csv_path: Path, rejects: Path) -> tuple[float, str, int]:
    """Wall time, output, and the peak of the import's processes' summed proportional
    memory (sampled every 0.1 s)."""
    command = [
        sys.executable, str(ROOT / "manage.py"), "import_requests", str(csv_path),
        "--mapping", str(MAPPING), "--create-missing", "--rejects", str(rejects),
    ]  # fmt: skip
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    peak = 0
    while process.poll() is None:
        peak = max(peak, _pss_kb(process.pid))
        time.sleep(0.1)
    output = process.stdout.read().strip()
    if process.returncode:
        raise SystemExit(f"the import failed ({process.returncode})")
    return time.perf_counter() - started, output, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--rerun", action="store_true", help="import the same file again")
    parser.add_argument("--shuffled", action="store_true", help="rows in random order of creation")
    args = parser.parse_args()
    if "DATABASE_URL" not in os.environ:
        os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    prepare_database()
    with tempfile.TemporaryDirectory() as work:
        csv_path = Path(work) / "requests.csv"
        started = time.perf_counter()
        generate(csv_path, args.rows, shuffled=args.shuffled)
        size = csv_path.stat().st_size / 1e6
        print(
            f"generated {args.rows:,} rows ({size:.0f} MB) in {time.perf_counter() - started:.1f} s"
        )
        print(f"load before: {os.getloadavg()[0]:.2f}")
        seconds, output, peak = run_import(csv_path, Path(work) / "rejects.csv")
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        print(output)
        print(
            f"import: {seconds:.1f} s, {args.rows / seconds:,.0f} rows/s, peak RSS"
            f" {usage.ru_maxrss / 1024:.0f} MB (largest process; importer and reader together"
            f" {peak / 1024:.0f} MB PSS), CPU {usage.ru_utime + usage.ru_stime:.1f} s,"
            f" load after: {os.getloadavg()[0]:.2f}"
        )
        if args.rerun:
            seconds, output, _ = run_import(csv_path, Path(work) / "rejects.csv")
            print(output)
            print(f"again: {seconds:.1f} s, {args.rows / seconds:,.0f} rows/s")


if __name__ == "__main__":
    main()
