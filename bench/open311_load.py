"""Benchmark: Open311 GET and POST requests.json under load, against bare Django views.

With 1,000,000 issues in PostgreSQL (bench/million.py writes them), gunicorn serves the
product and two bare views (bench.open311_settings.py) from the same processes; wrk, a
separate process, loads one URL at a time. Each pair is run alternately and the median
of the runs is reported, with the ratios the issue asks for:

- GET /open311/v2/requests.json?service_code=C&status=open&page_size=50 against
  /bare/requests.json?service_code=C (the same 50 rows; checked before timing);
- POST /open311/v2/requests.json (a full report: key, validation, routing, deadlines,
  reporter, events, alert, submission) against /bare/insert.json (one INSERT).

    apt-get install -y wrk
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench311 \\
        .venv/bin/python bench/open311_load.py [--issues 1000000] [--seconds 15] [--runs 3]
"""

import argparse
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.open311_settings"

from bench.load_faults import RAISED_LIMITS, answering  # noqa: E402
from bench.million import prepare  # noqa: E402

POST_SCRIPT = """
counter = 0
math.randomseed(os.time())
request = function()
  counter = counter + 1
  local lat = -26.2056 + (counter %% 200) * 0.0002
  local body = "%s" .. "&lat=" .. lat .. "&long=28.047" .. "&description=Bench+report+"
    .. counter .. "+" .. math.random(1, 1000000000)
    .. "&email=resident" .. (counter %% 500) .. "%%40example.org"
  return wrk.format("POST", "%s",
    {["Content-Type"] = "application/x-www-form-urlencoded"}, body)
end
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(port: int, workers: int) -> subprocess.Popen:
    env = os.environ | {"PYTHONPATH": str(ROOT), "DEBUG": "false", "SECRET_KEY": "bench"}
    # wrk speaks plain HTTP from one address: no redirect to HTTPS, no rate limits.
    env |= {"SECURE_SSL_REDIRECT": "false"} | RAISED_LIMITS
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "civicdesk.wsgi:application",
            f"--bind=127.0.0.1:{port}",
            f"--workers={workers}",
            "--worker-class=gthread",
            "--threads=2",
            "--log-level=warning",
        ],
        cwd=ROOT,
        env=env,
    )
    return answering(server, port, "gunicorn did not start")


def wrk(url: str, seconds: int, connections: int, script: str | None = None) -> dict:
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    if script:
        command[1:1] = ["-s", script]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    if "Non-2xx or 3xx responses" in out:
        sys.exit(f"errors under load:\n{out}")
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1])
    p50 = re.search(r"50%\s+([\d.]+\w+)", out)[1]
    p99 = re.search(r"99%\s+([\d.]+\w+)", out)[1]
    return {"rate": rate, "p50": p50, "p99": p99}


def get_json(url: str, data: bytes | None = None) -> list:
    with urllib.request.urlopen(url, data=data, timeout=30) as response:
        assert response.status == 200, response.status
        return json.loads(response.read())


def compare(label: str, ours: str, bare: str, args, script=None, bare_script=None) -> dict:
    runs = {"ours": [], "bare": []}
    wrk(ours, 3, args.connections, script)  # warm both up: connections, caches, plans
    wrk(bare, 3, args.connections, bare_script)
    for _ in range(args.runs):
        runs["bare"].append(wrk(bare, args.seconds, args.connections, bare_script))
        runs["ours"].append(wrk(ours, args.seconds, args.connections, script))
    result = {
        side: {
            "rate": statistics.median(r["rate"] for r in found),
            "runs": [r["rate"] for r in found],
            "p50": found[len(found) // 2]["p50"],
            "p99": found[len(found) // 2]["p99"],
        }
        for side, found in runs.items()
    }
    result["ratio"] = result["ours"]["rate"] / result["bare"]["rate"]
    # The machine's speed drifts (a shared virtual machine): each run of ours is also
    # compared with the bare run just before it.
    pairs = [o["rate"] / b["rate"] for o, b in zip(runs["ours"], runs["bare"], strict=True)]
    result["pair_ratios"] = [round(r, 3) for r in pairs]
    result["median_pair_ratio"] = statistics.median(pairs)
    print(
        f"{label}: Civic Desk {result['ours']['rate']:.0f}/s (runs {result['ours']['runs']}), "
        f"bare {result['bare']['rate']:.0f}/s (runs {result['bare']['runs']}), "
        f"ratio of medians {result['ratio']:.2f}, "
        f"median of paired ratios {result['median_pair_ratio']:.2f} {result['pair_ratios']}"
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--issues", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--only", choices=["get", "post"], help="run one of the two pairs")
    args = parser.parse_args()
    prepare(args.issues)

    from civicdesk.catalogue.models import IssueType
    from civicdesk.issues.models import Issue
    from civicdesk.open311.services import register_application

    total = Issue.objects.count()
    _, key = register_application(f"bench {time.time_ns()}")
    types = IssueType.objects.filter(jurisdiction__slug="jhb", active=True).order_by("id")
    asked = types.filter(questions__required=True, questions__variable=True)
    post_type = types.exclude(pk__in=asked).first()
    get_code = types.first().code

    port = free_port()
    server = start_server(port, args.workers)
    base = f"http://127.0.0.1:{port}"
    try:
        ours_get = (
            f"{base}/open311/v2/requests.json?service_code={get_code}&status=open&page_size=50"
        )
        bare_get = f"{base}/bare/requests.json?service_code={get_code}"
        ours_ids = [r["service_request_id"] for r in get_json(ours_get)]
        bare_ids = [r["service_request_id"] for r in get_json(bare_get)]
        assert len(ours_ids) == 50 and ours_ids == bare_ids, "not the same 50 rows"
        get = post = created = None
        if args.only != "post":
            get = compare("GET requests.json", ours_get, bare_get, args)

        with tempfile.TemporaryDirectory() as scripts:
            if args.only == "get":
                return
            ours_script = Path(scripts, "ours.lua")
            form = f"api_key={key}&jurisdiction_id=jhb&service_code={post_type.code}"
            ours_script.write_text(POST_SCRIPT % (form, "/open311/v2/requests.json"))
            bare_script = Path(scripts, "bare.lua")
            bare_form = f"jurisdiction={post_type.jurisdiction_id}&issue_type={post_type.pk}"
            bare_script.write_text(POST_SCRIPT % (bare_form, "/bare/insert.json"))
            before = Issue.objects.count()
            post = compare(
                "POST requests.json",
                f"{base}/open311/v2/requests.json",
                f"{base}/bare/insert.json",
                args,
                script=str(ours_script),
                bare_script=str(bare_script),
            )
            created = Issue.objects.count() - before
    finally:
        server.terminate()
        server.wait()
    print(
        json.dumps(
            {
                "issues_stored": total,
                "get_service_code": get_code,
                "post_service_code": post_type.code,
                "issues_created_by_posts": created,
                "get": get,
                "post": post,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
