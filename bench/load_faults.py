"""Benchmark: 200 concurrent clients mixing reads, reports and pushes against gunicorn and
PostgreSQL for 5 minutes; with --restart-at, PostgreSQL is restarted during the load.

The database is filled by bench/million.py's generator (--issues). gunicorn serves the
product with production settings (DEBUG off, behind a "proxy": every request carries
X-Forwarded-Proto: https); a `manage.py worker` runs beside it; a few live-stream watchers
follow hot issues. Rate limits are raised through the environment, since every client
comes from one address. Each request's start, end and status go to a CSV log.

Passes when: no request fails and p99 stays within --p99-limit-ms (without a restart); with
a restart, every failed request overlaps the restart window, no gunicorn worker was
replaced, the worker process lives on and beats after the restart, alerts are delivered
after it, and every live stream (the same one, or reconnected) receives events after it.

Restarting needs the server's data directory and must never be the shared server: use a
cluster of your own (docs/benchmarks.md shows how), e.g.

    DATABASE_URL=postgres://postgres@127.0.0.1:5499/civicload \\
        .venv/bin/python bench/load_faults.py --clients 200 --seconds 300
    ... --seconds 120 --restart-at 60 --pg-data /var/tmp/ops-pg/data
"""

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civicdesk.settings")

from bench.load_client import Record, StreamLog, Target, run, write_log  # noqa: E402
from bench.million import prepare  # noqa: E402

UNLIMITED = "1000000/h"
RAISED_LIMITS = {
    f"RATE_LIMIT_{name}": UNLIMITED
    for name in (
        "REPORTS_PER_ACCOUNT",
        "REPORTS_PER_IP",
        "REPORTS_PER_KEY",
        "PUSHES_PER_ACCOUNT",
        "PUSHES_PER_IP",
        "PUSHES_PER_KEY",
    )
}
HOT_ISSUES = 3  # issues followed by live-stream watchers, pushed more than the others


def server_environment(redis_url: str) -> dict[str, str]:
    return (
        dict(os.environ)
        | RAISED_LIMITS
        | ({"REDIS_URL": redis_url} if redis_url else {})
        | {
            "PYTHONPATH": str(ROOT),
            "DEBUG": "false",
            "SECRET_KEY": "load-benchmark-secret-key-not-for-production-use-0123456789",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "GEOCODER_URL": "",
            "SMS_API_URL": "http://127.0.0.1:9/messaging",  # refused at once: no outside calls
            "LOG_LEVEL": "WARNING",
        }
    )


def make_target(clients: int) -> Target:
    """An Open311 key, a citizen with an API token per client, ids to read and push."""
    from django.core.management import call_command

    from civicdesk.accounts.models import User
    from civicdesk.accounts.services import issue_api_token
    from civicdesk.catalogue.models import IssueType
    from civicdesk.issues.models import OPEN_STATUSES, Issue
    from civicdesk.open311.services import register_application

    call_command("createcachetable")  # rate-limit counters, without Redis
    _, key = register_application(f"load benchmark {time.time_ns()}")
    tokens = []
    for n in range(clients):
        user, _ = User.objects.get_or_create(username=f"load-citizen-{n}")
        tokens.append(issue_api_token(user, "load benchmark"))
    types = IssueType.objects.filter(jurisdiction__slug="jhb", active=True)
    asked = types.filter(questions__required=True)
    codes = list(types.exclude(pk__in=asked).values_list("code", flat=True))
    ids = list(Issue.objects.values_list("id", flat=True))
    open_ids = list(
        Issue.objects.filter(status__in=OPEN_STATUSES, reporter=None).values_list("id", flat=True)
    )
    random.shuffle(open_ids)
    hot, others = open_ids[:HOT_ISSUES], open_ids[HOT_ISSUES:5000]
    return Target(
        read_ids=random.sample(ids, min(len(ids), 20_000)),
        open_ids=others + hot * (len(others) // 7 + 1),  # a third of pushes: live events
        type_codes=codes,
        open311_key=key,
        tokens=tokens,
    )


def start_redis(port: int) -> subprocess.Popen:
    """A Redis of the benchmark's own (cache, rate-limit counters, live fan-out)."""
    command = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
    redis = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    for _ in range(50):
        if subprocess.run(["redis-cli", "-p", str(port), "ping"], capture_output=True).stdout:
            return redis
        time.sleep(0.1)
    redis.kill()
    sys.exit("redis-server did not start")


def start_server(
    port: int, workers: int, threads: int, log: Path, env: dict[str, str]
) -> subprocess.Popen:
    command = [
        str(ROOT / ".venv/bin/gunicorn"),
        "civicdesk.wsgi:application",
        f"--bind=127.0.0.1:{port}",
        f"--workers={workers}",
        "--worker-class=gthread",
        f"--threads={threads}",
        "--timeout=60",
        "--log-level=warning",
    ]
    server = subprocess.Popen(
        command, cwd=ROOT, env=env, stderr=log.open("w"), stdout=subprocess.DEVNULL
    )
    return answering(server, port, f"gunicorn did not start (see {log})")


def answering(server: subprocess.Popen, port: int, failure: str) -> subprocess.Popen:
    """The server once its /health/ answers (within 30 s), else the benchmark ends."""
    for _ in range(150):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=2)
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    sys.exit(failure)


def start_worker(log: Path, env: dict[str, str]) -> subprocess.Popen:
    command = [str(ROOT / ".venv/bin/python"), "manage.py", "worker", "--interval", "1"]
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stderr=log.open("w"), stdout=subprocess.DEVNULL
    )


def children(pid: int) -> set[int]:
    out = subprocess.run(["ps", "--ppid", str(pid), "-o", "pid="], capture_output=True, text=True)
    return {int(p) for p in out.stdout.split()}


def restart_database(data: str, mode: str, window: dict, delay: float) -> None:
    time.sleep(delay)
    window["start"] = time.time()
    subprocess.run(
        ["runuser", "-u", "postgres", "--", "/usr/lib/postgresql/15/bin/pg_ctl", "-D", data,
         "-m", mode, "-w", "restart", "-l", str(Path(data).parent / "server.log")],
        check=True, capture_output=True,
    )  # fmt: skip
    window["end"] = time.time()  # accepting connections again (-w)


def sample_load(samples: list[float], stop: threading.Event) -> None:
    while not stop.wait(10):
        samples.append(os.getloadavg()[0])


def percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {}
    values = sorted(values)
    cuts = statistics.quantiles(values, n=100, method="inclusive") if len(values) > 1 else values
    pick = (lambda p: cuts[p - 1]) if len(values) > 1 else (lambda p: values[0])
    return {
        "p50_ms": round(pick(50) * 1000, 1),
        "p95_ms": round(pick(95) * 1000, 1),
        "p99_ms": round(pick(99) * 1000, 1),
        "max_ms": round(values[-1] * 1000, 1),
    }


def summarise(records: list[Record], seconds: float) -> dict:
    kinds = sorted({r.kind for r in records})
    return {
        "requests": len(records),
        "per_second": round(len(records) / seconds, 1),
        "failed": sum(r.failed for r in records),
        **percentiles([r.seconds for r in records]),
        "by_kind": {
            kind: {
                "requests": sum(r.kind == kind for r in records),
                "failed": sum(r.failed and r.kind == kind for r in records),
                **percentiles([r.seconds for r in records if r.kind == kind]),
            }
            for kind in kinds
        },
    }


def after_restart(window: dict, worker: subprocess.Popen, logs: list[StreamLog]) -> dict:
    """What recovered: the worker process, its heartbeat, alerts, live streams."""
    from datetime import UTC, datetime

    from django.db import connections

    from civicdesk.alerts.models import Alert
    from civicdesk.workers.models import WorkerHeartbeat

    connections.close_all()  # this process's connection died with the restart
    restarted = datetime.fromtimestamp(window["end"], tz=UTC)
    return {
        "worker_alive": worker.poll() is None,
        "worker_beat_after_restart": WorkerHeartbeat.objects.filter(
            pid=worker.pid, seen_at__gt=restarted
        ).exists(),
        "alerts_sent_after_restart": Alert.objects.filter(
            created_at__gt=restarted, state=Alert.State.SENT
        ).count(),
        "streams": [
            {
                "connects_after_restart": sum(t > window["end"] for t in log.connects),
                "events_after_restart": sum(t > window["end"] for t in log.events),
                "events": len(log.events),
                "errors": log.errors[:5],
            }
            for log in logs
        ],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--issues", type=int, default=50_000, help="generated issues (once)")
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=300)
    parser.add_argument("--think", type=float, default=20, help="mean seconds between requests")
    parser.add_argument("--workers", type=int, default=5, help="gunicorn processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn process")
    parser.add_argument("--warmup", type=float, default=15, help="unrecorded seconds first")
    parser.add_argument("--port", type=int, default=8731)
    parser.add_argument("--redis-port", type=int, default=6399, help="own Redis; 0: none")
    parser.add_argument("--p99-limit-ms", type=float, default=2000)
    parser.add_argument("--restart-at", type=float, help="restart PostgreSQL after N seconds")
    parser.add_argument("--pg-data", help="the data directory of the cluster to restart")
    parser.add_argument("--restart-mode", choices=["fast", "immediate"], default="fast")
    parser.add_argument("--out", type=Path, default=Path("/tmp/civicdesk-load"))
    args = parser.parse_args()
    url = urlparse(os.environ.get("DATABASE_URL", ""))
    if args.restart_at is not None and (not args.pg_data or url.port in (None, 5432)):
        sys.exit("--restart-at needs --pg-data and a cluster of your own (not port 5432)")
    prepare(args.issues)
    from civicdesk.issues.models import Issue
    from civicdesk.timeline.models import Event

    stored = {"issues": Issue.objects.count(), "events": Event.objects.count()}
    target = make_target(args.clients)
    args.out.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    redis = start_redis(args.redis_port) if args.redis_port else None
    env = server_environment(f"redis://127.0.0.1:{args.redis_port}/0" if redis else "")
    gunicorn_log = args.out / f"{stamp}-gunicorn.log"
    server = start_server(args.port, args.workers, args.threads, gunicorn_log, env)
    worker = start_worker(args.out / f"{stamp}-worker.log", env)
    window: dict = {}
    load: list[float] = [os.getloadavg()[0]]
    stop = threading.Event()
    threading.Thread(target=sample_load, args=(load, stop), daemon=True).start()
    try:
        base = f"http://127.0.0.1:{args.port}"
        # Warm every web process up (imports, templates, connections), unrecorded.
        asyncio.run(run(base, target, min(args.clients, 20), args.warmup, min(args.think, 1)))
        web_workers = children(server.pid)
        restarter = None
        if args.restart_at is not None:
            restarter = threading.Thread(
                target=restart_database,
                args=(args.pg_data, args.restart_mode, window, args.restart_at),
            )
            restarter.start()
        streams = [f"/live/issues/{i}/events/" for i in target.open_ids[-HOT_ISSUES:]]
        records, logs = asyncio.run(
            run(base, target, args.clients, args.seconds, args.think, streams)
        )
        if restarter:
            restarter.join()
        same_web_workers = children(server.pid) == web_workers
        recovery = after_restart(window, worker, logs) if window else None
    finally:
        stop.set()
        for process in (worker, server, redis):
            if process:
                process.terminate()
                try:  # gunicorn waits for open live streams up to its graceful timeout
                    process.wait(timeout=40)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
    log_path = args.out / f"{stamp}-requests.csv"
    write_log(records, log_path)
    result = {
        "data_at_start": stored,
        "clients": args.clients,
        "seconds": args.seconds,
        "think_seconds": args.think,
        "gunicorn": f"{args.workers} workers x {args.threads} threads (gthread)",
        "redis": bool(redis),
        "load_average_1min": {"samples": load, "max": max(load), "mean": statistics.mean(load)},
        "log": str(log_path),
        **summarise(records, args.seconds),
        "web_workers_unchanged": same_web_workers,
    }
    ok = same_web_workers
    if window:
        failed = [r for r in records if r.failed]
        outside = [r for r in failed if r.end < window["start"] or r.start > window["end"]]
        result["restart"] = {
            "window": [window["start"], window["end"]],
            "window_s": round(window["end"] - window["start"], 2),
            "mode": args.restart_mode,
            "failed_in_window": len(failed) - len(outside),
            "failed_outside_window": len(outside),
            "examples_outside": [r.__dict__ for r in outside[:5]],
            "statuses_of_failures": sorted({r.status for r in failed}),
            "after": recovery,
        }
        # A stream waiting between events holds no connection and may outlive the restart;
        # one that was reading reconnects. Either way, events must flow after it.
        streams_ok = all(s["events_after_restart"] for s in recovery["streams"])
        ok = ok and not outside and streams_ok and recovery["worker_alive"]
        ok = ok and recovery["worker_beat_after_restart"] and recovery["alerts_sent_after_restart"]
    else:
        ok = ok and not result["failed"] and result["p99_ms"] <= args.p99_limit_ms
        result["failures"] = [r.__dict__ for r in records if r.failed][:10]
    result["passed"] = bool(ok)
    print(json.dumps(result, indent=2, default=str))
    (args.out / f"{stamp}-summary.json").write_text(json.dumps(result, indent=2, default=str))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
