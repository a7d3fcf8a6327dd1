"""Concurrent citizens for the load and fault benchmark (bench/load_faults.py): each client
is an asyncio task that, until the deadline, picks an action (a page, map data, Open311 or
API read, a report by Open311 or the API, a push), sends it, records its start, end and
status, and waits a think time. Live-stream watchers follow an issue's server-sent events
and reconnect with Last-Event-ID when a stream ends, as browsers do."""

import asyncio
import csv
import random
import time
import uuid
from collections.abc import Sequence
from dataclasses import astuple, dataclass, field, fields
from pathlib import Path

import httpx

# What the reverse proxy sends: the scheme (production settings redirect plain HTTP to
# HTTPS) and, as nginx does by default, a connection per request. gunicorn's threaded
# worker can reset a kept-alive connection on which a request has just arrived.
PROXY_HEADERS = {"X-Forwarded-Proto": "https", "Connection": "close"}
TIMEOUT = httpx.Timeout(30.0)


@dataclass(frozen=True)
class Target:
    """What the clients need to know of the data: ids to read and push, codes to report."""

    read_ids: Sequence[int]  # any issue, for pages and timelines
    open_ids: Sequence[int]  # open issues nobody of the clients reported, to push
    type_codes: Sequence[str]  # issue types a report needs no answers for
    open311_key: str
    tokens: Sequence[str]  # one citizen's API token per client
    jurisdiction: str = "jhb"
    box: tuple[float, float, float, float] = (-26.35, 27.85, -26.05, 28.2)  # S, W, N, E


@dataclass(frozen=True)
class Record:
    client: int
    kind: str
    method: str
    path: str
    start: float  # epoch seconds
    end: float
    status: int  # 0: no answer (connection refused, reset, timeout)
    error: str = ""

    @property
    def failed(self) -> bool:
        return not 200 <= self.status < 400

    @property
    def seconds(self) -> float:
        return self.end - self.start


@dataclass
class StreamLog:
    """One live-stream watcher: when each connection opened and closed, events received."""

    connects: list[float] = field(default_factory=list)
    ends: list[float] = field(default_factory=list)
    events: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _report_body(target: Target, n: int) -> dict:
    south, west, north, east = target.box
    return {
        "service_code": random.choice(target.type_codes),
        "lat": round(random.uniform(south, north), 6),
        "lon": round(random.uniform(west, east), 6),
        "description": f"Load test report {n} {uuid.uuid4().hex[:8]}",
    }


def _action(target: Target, client: int, n: int) -> tuple[str, str, str, dict]:
    """(kind, method, path, httpx keyword arguments) of one request."""
    token = {"Authorization": f"Bearer {target.tokens[client % len(target.tokens)]}"}
    south, west, north, east = target.box
    kind = random.choices(list(MIX), weights=list(MIX.values()))[0]
    if kind == "page_list":
        path = random.choice(["/issues/", "/issues/?sort=pushed", "/issues/?status=all"])
        return kind, "GET", path, {}
    if kind == "page_issue":
        return kind, "GET", f"/issues/{random.choice(target.read_ids)}/", {}
    if kind == "map_data":
        if random.random() < 0.5:
            box = f"{south},{west},{north},{east}&zoom=11"
        else:
            lat, lon = random.uniform(south, north), random.uniform(west, east)
            box = f"{lat:.4f},{lon:.4f},{lat + 0.01:.4f},{lon + 0.01:.4f}&zoom=16"
        return kind, "GET", f"/map/data.json?bbox={box}", {}
    if kind == "open311_get":
        if random.random() < 0.5:
            code = random.choice(target.type_codes)
            path = f"/open311/v2/requests.json?service_code={code}&status=open&page_size=50"
        else:
            path = f"/open311/v2/requests/{random.choice(target.read_ids)}.json"
        return kind, "GET", path, {}
    if kind == "api_get":
        if random.random() < 0.5:
            return kind, "GET", "/api/v1/me/issues", {"headers": token}
        return kind, "GET", f"/api/v1/issues/{random.choice(target.read_ids)}/timeline", {}
    if kind == "report_open311":
        body = _report_body(target, n)
        form = {
            "api_key": target.open311_key,
            "jurisdiction_id": target.jurisdiction,
            "service_code": body["service_code"],
            "lat": body["lat"],
            "long": body["lon"],
            "description": body["description"],
            "email": f"resident{client}@example.org",
        }
        return kind, "POST", "/open311/v2/requests.json", {"data": form}
    if kind == "report_api":
        headers = token | {"Idempotency-Key": uuid.uuid4().hex}
        return kind, "POST", "/api/v1/issues", {"json": _report_body(target, n), "headers": headers}
    return kind, "POST", f"/api/v1/issues/{random.choice(target.open_ids)}/push", {"headers": token}


# Weights of the actions: about three reads in four, the rest reports and pushes.
MIX = {
    "page_list": 15,
    "page_issue": 20,
    "map_data": 10,
    "open311_get": 10,
    "api_get": 10,
    "report_open311": 6,
    "report_api": 6,
    "push": 12,
}


def seconds_left(deadline: float) -> float:
    return max(0.0, deadline - time.time())


async def _client(
    http: httpx.AsyncClient,
    target: Target,
    client: int,
    deadline: float,
    think: float,
    records: list[Record],
) -> None:
    await asyncio.sleep(min(random.uniform(0, think), seconds_left(deadline)))  # spread out
    n = 0
    while time.time() < deadline:
        n += 1
        kind, method, path, options = _action(target, client, n)
        start = time.time()
        try:
            response = await http.request(method, path, **options)
            status, error = response.status_code, ""
            if response.status_code >= 400:
                error = response.text[:200]
        except httpx.HTTPError as exc:
            status, error = 0, f"{type(exc).__name__}: {exc}"[:200]
        records.append(Record(client, kind, method, path, start, time.time(), status, error))
        await asyncio.sleep(min(random.uniform(0.5 * think, 1.5 * think), seconds_left(deadline)))


async def _watch(http: httpx.AsyncClient, path: str, deadline: float, log: StreamLog) -> None:
    last_id = ""
    while time.time() < deadline:
        headers = {"Last-Event-ID": last_id} if last_id else {}
        try:
            async with http.stream("GET", path, headers=headers) as response:
                if response.status_code != 200:
                    log.errors.append(f"{time.time():.3f} status {response.status_code}")
                else:
                    log.connects.append(time.time())
                    async for line in response.aiter_lines():
                        if line.startswith("id: "):
                            last_id = line[4:].strip()
                            log.events.append(time.time())
                    log.ends.append(time.time())
        except httpx.HTTPError as exc:
            log.errors.append(f"{time.time():.3f} {type(exc).__name__}")
        await asyncio.sleep(2)  # the stream's "retry: 2000"


async def run(
    base_url: str,
    target: Target,
    clients: int,
    seconds: float,
    think: float,
    stream_paths: Sequence[str] = (),
) -> tuple[list[Record], list[StreamLog]]:
    """Run `clients` clients (and a watcher per stream path) for `seconds`."""
    records: list[Record] = []
    logs = [StreamLog() for _ in stream_paths]
    deadline = time.time() + seconds
    limits = httpx.Limits(
        max_connections=clients + len(stream_paths) + 10, max_keepalive_connections=0
    )
    async with httpx.AsyncClient(
        base_url=base_url, headers=PROXY_HEADERS, timeout=TIMEOUT, limits=limits
    ) as http:
        stream_timeout = httpx.Timeout(30.0, read=None)
        async with httpx.AsyncClient(
            base_url=base_url, headers=PROXY_HEADERS, timeout=stream_timeout
        ) as streams:
            watchers = [
                asyncio.create_task(_watch(streams, p, deadline, log))
                for p, log in zip(stream_paths, logs, strict=True)
            ]
            await asyncio.gather(
                *(_client(http, target, n, deadline, think, records) for n in range(clients))
            )
            for watcher in watchers:
                watcher.cancel()
            await asyncio.gather(*watchers, return_exceptions=True)
    return records, logs


def write_log(records: Sequence[Record], path: Path) -> None:
    with path.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow([f.name for f in fields(Record)])
        writer.writerows(astuple(r) for r in sorted(records, key=lambda r: r.start))
