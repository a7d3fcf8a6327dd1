"""What residents report, when and where: the demo's reports, planned before any is made.

Planning is pure: given a seed, a reference instant and the wards, it always gives the same
reports (type, place, time, reporter, pushers). `history` then replays them through the
services."""

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from civicdesk.demo import catalogue as cat
from civicdesk.demo import texts
from civicdesk.demo.geo import Wards
from civicdesk.demo.questions import QuestionSpec
from civicdesk.demo.setup import distance_km
from civicdesk.issues.models import Source

DAYS = 90
CLUSTER_SIZE = 64
# Relative report volume per hour of the local day (people report when they are up).
HOURLY = (1, 1, 1, 1, 1, 2, 5, 8, 9, 8, 7, 6, 6, 6, 6, 7, 8, 9, 9, 8, 6, 4, 2, 1)
# Forced fates guarantee that every lifecycle ends somewhere in the demo, whatever the seed.
FORCED_FATES = ("reject", "needs_info", "reopen", "close", "resolved", "ignore")
SOURCES = (Source.WEB, Source.WEB, Source.WEB, Source.API, Source.OPEN311, Source.SMS)

TYPES = {t.code: t for t in cat.ISSUE_TYPES}
POPULAR = {"pothole", "traffic-light-out", "power-outage", "water-outage", "illegal-dumping"}


@dataclass(frozen=True)
class Person:
    name: str
    email: str
    phone: str


@dataclass
class Report:
    at: datetime
    type_code: str
    lat: float
    lon: float
    ward: int
    reporter: int | None  # index into Plan.people; None: anonymous
    description: str
    answers: dict[str, Any]
    source: str
    role: str = "single"  # single, incident, duplicate, cluster
    incident: int | None = None
    original: "Report | None" = None  # what a duplicate duplicates
    fate: str | None = None
    pushers: list[tuple[datetime, int]] = field(default_factory=list)


@dataclass
class Incident:
    """One fault many residents report (an outage, a burst main)."""

    id: int
    type_code: str
    ward: int
    last_report: datetime
    ongoing: bool = False  # still being worked on at the reference instant


@dataclass
class Plan:
    people: list[Person]
    reports: list[Report]
    incidents: dict[int, Incident]


def make_people(rng: random.Random, count: int) -> list[Person]:
    """Invented residents: random name pairs, example.org e-mails, +27 82 555 numbers."""
    people = []
    for i in range(count):
        first, last = rng.choice(texts.FIRST_NAMES), rng.choice(texts.SURNAMES)
        local = f"{first}.{last}".lower().replace(" ", "")
        kind = rng.random()
        email = f"{local}.{i}@example.org" if kind < 0.75 else ""
        phone = f"+27 82 555 {i:04d}" if kind >= 0.55 else ""
        people.append(Person(f"{first} {last}", email, phone))
    return people


def answer(rng: random.Random, question: QuestionSpec, at: datetime) -> Any:
    keys = [k for k, _ in question.values]
    if question.datatype == "singlevaluelist":
        return rng.choice(keys)
    if question.datatype == "multivaluelist":
        return rng.sample(keys, rng.randint(1, min(2, len(keys))))
    if question.datatype == "number":
        return rng.randint(*question.number_range)
    if question.datatype == "datetime":
        return (at - timedelta(minutes=rng.randint(30, 36 * 60))).replace(second=0).isoformat()
    return rng.choice(question.samples)


def answers_for(rng: random.Random, spec: cat.IssueTypeSpec, at: datetime) -> dict[str, Any]:
    """Answers to every required question and to about half of the optional ones."""
    return {
        q.code: answer(rng, q, at)
        for q in spec.questions
        if q.variable and (q.required or rng.random() < 0.5)
    }


class Planner:
    def __init__(self, rng: random.Random, wards: Wards, now: datetime, total: int) -> None:
        self.rng = rng
        self.wards = wards
        self.now = now
        self.tz = ZoneInfo(cat.TIME_ZONE)
        self.start = now - timedelta(days=DAYS)
        self.total = total
        self.people = make_people(rng, max(200, int(total * 0.8)))
        self.reports: list[Report] = []
        self.incidents: dict[int, Incident] = {}

    # -- building blocks ------------------------------------------------------------------

    def moment(self) -> datetime:
        """A report time in the window, following the hours people are awake."""
        while True:
            day = self.rng.randrange(DAYS + 1)
            hour = self.rng.choices(range(24), weights=HOURLY)[0]
            local = (self.now.astimezone(self.tz) - timedelta(days=day)).replace(
                hour=hour, minute=self.rng.randrange(60), second=self.rng.randrange(60)
            )
            if self.start <= local < self.now:
                return local

    def reporter(self) -> int | None:
        if self.rng.random() < 0.06:
            return None
        # Some residents report often: skew towards the first people of the list.
        return int(len(self.people) * self.rng.random() ** 1.7)

    def report(
        self, code: str, at: datetime, ward: int, point: tuple[float, float], **extra: Any
    ) -> Report:
        spec = TYPES[code]
        report = Report(
            at=at,
            type_code=code,
            lat=point[0],
            lon=point[1],
            ward=ward,
            reporter=extra.pop("reporter") if "reporter" in extra else self.reporter(),
            description=self.rng.choice(texts.REPORT_TEXTS.get(code) or ("",)),
            answers=answers_for(self.rng, spec, at),
            source=self.rng.choice(SOURCES),
            **extra,
        )
        self.reports.append(report)
        return report

    def add_pushers(self, report: Report, count: int, within: timedelta) -> None:
        chosen = self.rng.sample(range(len(self.people)), count)
        for person in chosen:
            if person != report.reporter:
                at = report.at + within * self.rng.random() ** 2
                if at < self.now:
                    report.pushers.append((at, person))

    def pushes_for(self, report: Report) -> None:
        chance, most = (0.25, 6) if report.type_code in POPULAR else (0.08, 3)
        if self.rng.random() < chance:
            self.add_pushers(report, self.rng.randint(1, most), timedelta(days=4))

    # -- kinds of report -------------------------------------------------------------------

    def incident(
        self, code: str, size: int, start: datetime, *, spread: timedelta, ongoing: bool = False
    ) -> Incident:
        """`size` residents report one fault around one spot; a few report it twice over
        (merged as duplicates), the rest are linked to one activity."""
        big = size >= 12
        ward = self.wards.pick(self.rng)
        centre = self.wards.point_in(self.rng, ward)
        incident = Incident(len(self.incidents) + 1, code, ward, start, ongoing)
        self.incidents[incident.id] = incident
        first = None
        for n in range(size):
            at = start if n == 0 else start + spread * self.rng.random() ** 2  # most come early
            at = min(at, self.now - timedelta(minutes=5))
            point = self.wards.point_near(self.rng, ward, centre, 0.5)
            # Some residents report a fault that is already reported: merged as duplicates.
            duplicate = first is not None and (
                (big and n in (1, 2)) or self.rng.random() < (0.05 if big else 0.12)
            )
            report = self.report(
                code,
                at,
                ward,
                point,
                role="duplicate" if duplicate else "incident",
                incident=incident.id,
                original=first,
            )
            first = first or report
            incident.last_report = max(incident.last_report, at)
            if self.rng.random() < 0.2:
                self.add_pushers(report, self.rng.randint(1, 4), spread)
        return incident

    def single(self) -> None:
        code = self.rng.choices(list(TYPES), weights=[t.weight for t in TYPES.values()])[0]
        at = self.moment()
        spec = TYPES[code]
        if spec.incident_prone and self.rng.random() < 0.4 and at < self.now - timedelta(days=2):
            self.incident(code, self.rng.randint(2, 8), at, spread=timedelta(hours=5))
            return
        ward = self.wards.pick(self.rng)
        point = self.wards.point_in(self.rng, ward)
        report = self.report(code, at, ward, point)
        self.pushes_for(report)
        if self.rng.random() < 0.04:
            # Someone else reports the same thing a little later, a few metres away.
            later = at + timedelta(hours=self.rng.uniform(1, 48))
            if later < self.now:
                near = self.wards.point_near(self.rng, ward, point, 0.03)
                self.report(code, later, ward, near, role="duplicate", original=report)

    def cluster(self) -> None:
        """The fresh outage for staff to try the fan-out on: many residents, one ward, the
        last few hours; acknowledged by the unit, not yet linked to any activity."""
        ward = self.wards.pick(self.rng)
        while self.wards.covering(*self.wards.centres[ward]) != [ward]:
            ward = self.wards.pick(self.rng)
        centre = self.wards.centres[ward]
        people = self.rng.sample(range(len(self.people)), CLUSTER_SIZE)
        for person in people:
            at = self.now - timedelta(minutes=self.rng.uniform(20, 180))
            point = self.wards.point_near(self.rng, ward, centre, 0.6, exclusive=True)
            report = self.report("power-outage", at, ward, point, role="cluster", reporter=person)
            if self.rng.random() < 0.25:
                for p in self.rng.sample(range(len(self.people)), 3):
                    if p not in people:
                        moment = at + (self.now - at) * self.rng.random()
                        report.pushers.append((moment, p))

    def dispatch_backlog(self) -> None:
        """A few recent traffic-signal faults in wards far outside the contractor's area,
        which no unit covers: the dispatch centre has yet to route them."""
        contract_km = next(u.wards_within_km for u in cat.UNITS if u.wards_within_km)
        far = [
            i for i, c in enumerate(self.wards.centres) if distance_km(c, cat.CBD) > contract_km + 6
        ]
        for code in ("traffic-light-out", "traffic-light-flashing", "traffic-light-out"):
            ward = self.rng.choice(far)
            at = self.now - timedelta(hours=self.rng.uniform(1, 30))
            point = self.wards.point_near(
                self.rng, ward, self.wards.centres[ward], 1.0, exclusive=True
            )
            self.report(code, at, ward, point, fate="backlog")

    def force_fates(self) -> None:
        """Give a few older, named, always-routed single reports a fixed ending each."""
        candidates = [
            r
            for r in self.reports
            if r.role == "single"
            and r.reporter is not None
            and TYPES[r.type_code].unit != "traffic-signals"
            and self.now - timedelta(days=60) <= r.at <= self.now - timedelta(days=14)
        ]
        chosen = self.rng.sample(candidates, min(len(candidates), 2 * len(FORCED_FATES)))
        for n, report in enumerate(chosen):
            report.fate = FORCED_FATES[n % len(FORCED_FATES)]

    def plan(self) -> Plan:
        self.cluster()
        budget = max(self.total - CLUSTER_SIZE, 60)
        # Big faults reported by dozens, old enough to have run their course.
        for _ in range(max(1, round(5 * self.total / 2000))):
            code = self.rng.choice(["power-outage", "water-outage", "burst-pipe"])
            start = self.moment()
            while start > self.now - timedelta(days=5):
                start = self.moment()
            self.incident(code, self.rng.randint(18, 45), start, spread=timedelta(hours=10))
        # A water outage being worked on right now.
        self.incident(
            "water-outage",
            self.rng.randint(6, 10),
            self.now - timedelta(hours=self.rng.uniform(16, 22)),
            spread=timedelta(hours=8),
            ongoing=True,
        )
        self.dispatch_backlog()
        while len(self.reports) - CLUSTER_SIZE < budget:
            self.single()
        self.force_fates()
        self.reports.sort(key=lambda r: r.at)
        return Plan(self.people, self.reports, self.incidents)


def plan_reports(seed: int, wards: Wards, now: datetime, total: int) -> Plan:
    return Planner(random.Random(seed), wards, now, total).plan()
