"""Replaying the planned reports through the services, each step at the time it happened.

A small discrete-event simulation: every step (a report, a push, an acknowledgement, an
activity starting or completing, a citizen's feedback) is queued at its instant, and the
queue runs in time order inside `timekeeping.as_of`, so the services stamp events, alerts
and deadlines as they would have at the time. Steps after the reference instant never run:
that is what leaves recent issues open."""

import heapq
import itertools
import random
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from civicdesk import timekeeping
from civicdesk.accounts.models import Citizen, User
from civicdesk.activities.services import link_issues
from civicdesk.demo import catalogue as cat
from civicdesk.demo import texts
from civicdesk.demo.geo import Wards
from civicdesk.demo.jobs import WAITING, ActivitySteps, Job, Tracked, hours, minutes
from civicdesk.demo.plan import DAYS, TYPES, Plan, Report
from civicdesk.demo.setup import World
from civicdesk.issues.models import FINAL_STATUSES, OPEN_STATUSES, Issue, Status
from civicdesk.issues.services import (
    Contact,
    acknowledge,
    answer_info,
    merge_duplicate,
    push,
    reject,
    report_issue,
    request_info,
    reroute,
)


class History(ActivitySteps):
    def __init__(self, world: World, plan: Plan, wards: Wards, seed: int, now: datetime) -> None:
        self.world = world
        self.plan = plan
        self.wards = wards
        self.now = now
        self.start = now - timedelta(days=DAYS)
        self.rng = random.Random(f"{seed}/history")
        self.queue: list[tuple[datetime, int, Callable[..., None], tuple[Any, ...]]] = []
        self.counter = itertools.count()
        self.citizens: dict[int, Citizen] = {}  # by person index
        self.first_seen: dict[int, datetime] = {}  # citizen pk -> first report or push
        self.tracked: dict[int, Tracked] = {}  # by id() of the report
        self.incident_jobs: dict[int, Job] = {}
        self.pools: dict[tuple[str, str], list[Tracked]] = {}  # waiting for a work list
        self.lists: dict[tuple[str, str], Job] = {}  # each programme's current work list
        self.unit_slugs = {u.pk: slug for slug, u in world.units.items()}
        self.references = itertools.count(41_001)

    # -- the queue -------------------------------------------------------------------------

    def at(self, when: datetime, action: Callable[..., None], *args: Any) -> None:
        if when <= self.now:
            heapq.heappush(self.queue, (when, next(self.counter), action, args))

    def run(self) -> None:
        for report in self.plan.reports:
            self.at(report.at, self.on_report, report)
        self.schedule_work_lists()
        while self.queue:
            when, _, action, args = heapq.heappop(self.queue)
            with timekeeping.as_of(when):
                action(when, *args)

    # -- helpers ---------------------------------------------------------------------------

    def contact(self, person: int | None) -> Contact | Citizen | None:
        if person is None:
            return None
        if person in self.citizens:
            return self.citizens[person]
        p = self.plan.people[person]
        return Contact(name=p.name, email=p.email, phone=p.phone)

    def remember(self, person: int, citizen: Citizen | None, when: datetime) -> None:
        if citizen is not None and person not in self.citizens:
            self.citizens[person] = citizen
            self.first_seen.setdefault(citizen.pk, when)

    def unit_of(self, tr: Tracked) -> str:
        return self.unit_slugs[tr.issue.unit_id]

    def staff(self, tr: Tracked) -> tuple[User, User]:
        return self.world.staff[self.unit_of(tr)]

    def refresh(self, members: list[Tracked]) -> None:
        """Read back the statuses an activity's fan-out gave its issues (one query)."""
        rows = dict(
            Issue.objects.filter(pk__in=[m.issue.pk for m in members]).values_list("pk", "status")
        )
        for m in members:
            m.status = rows[m.issue.pk]

    def factor(
        self, met_chance: float, met: tuple[float, float], missed: tuple[float, float]
    ) -> float:
        """A share of a target: below 1 (met) with probability `met_chance`, else above."""
        return (
            self.rng.uniform(*met) if self.rng.random() < met_chance else self.rng.uniform(*missed)
        )

    # -- reports, pushes, dispatch ------------------------------------------------------------

    def on_report(self, t: datetime, report: Report) -> None:
        issue = report_issue(
            jurisdiction=self.world.jurisdiction,
            issue_type_code=report.type_code,
            lat=report.lat,
            lon=report.lon,
            description=report.description,
            answers=report.answers,
            reporter=self.contact(report.reporter),
            source=report.source,
            submitted_at=t,
        )
        if report.reporter is not None:
            self.remember(report.reporter, issue.reporter, t)
        tr = Tracked(report, issue, reporter=issue.reporter)
        self.tracked[id(report)] = tr
        for when, person in report.pushers:
            self.at(when, self.on_push, tr, person)
        if report.role == "cluster":
            self.at(t + minutes(self.rng.uniform(2, 15)), self.on_acknowledge, tr)
        elif issue.unit_id is None:
            if report.fate != "backlog":  # the dispatch centre routes what no unit covers
                self.at(t + hours(self.rng.uniform(0.3, 5)), self.on_dispatch, tr)
        else:
            self.plan_response(tr, t)

    def on_push(self, t: datetime, tr: Tracked, person: int) -> None:
        if tr.status not in OPEN_STATUSES:
            return  # the product refuses pushes on closed issues; so does the replay
        backing, created = push(tr.issue, self.contact(person))
        if backing is not None:
            self.remember(person, backing.citizen, t)
        if created:
            tr.pushers.append(backing.citizen)

    def on_dispatch(self, t: datetime, tr: Tracked) -> None:
        """The dispatch centre routes an issue no unit covers to the type's own unit."""
        unit = self.world.units[TYPES[tr.report.type_code].unit]
        tr.issue = reroute(
            tr.issue,
            unit,
            self.world.dispatcher,
            reason=self.rng.choice(texts.DISPATCH_NOTES),
            provider_reference=f"TSC-{next(self.references)}" if unit.is_external else "",
        )
        self.plan_response(tr, t)

    # -- the unit's response -------------------------------------------------------------------

    def draw_fate(self, tr: Tracked) -> str:
        if tr.report.fate:
            return tr.report.fate
        if tr.report.role != "single":
            return "normal"
        r = self.rng.random()
        if r < 0.04:
            return "reject"
        if r < 0.08 and tr.reporter is not None:
            return "needs_info"
        if r < 0.10:
            return "ignore"
        return "normal"

    def plan_response(self, tr: Tracked, since: datetime) -> None:
        tr.fate = self.draw_fate(tr)
        if tr.fate == "ignore":
            return  # nobody ever acknowledges it: the dispatch centre will see it
        spec = TYPES[tr.report.type_code]
        listed = tr.fate == "normal" and tr.report.role != "duplicate"
        if listed and spec.calendar == cat.OFFICE and self.rng.random() < 0.65:
            self.wait_for_list(tr)  # the next work list links it: that is the response
            return
        job = self.incident_jobs.get(tr.report.incident or 0)
        if job is not None and not job.done:
            when = since + minutes(self.rng.uniform(2, 30))  # the fault is known: link it
        else:
            clock = self.world.clocks[spec.code]
            share = self.factor(0.8, (0.1, 0.95), (1.05, 3.0))
            when = max(
                clock.add(tr.issue.submitted_at, spec.response * share),
                since + minutes(self.rng.uniform(5, 40)),
            )
        self.at(when, self.on_respond, tr)

    def on_acknowledge(self, t: datetime, tr: Tracked) -> None:
        tr.issue = acknowledge(tr.issue, self.staff(tr)[1])
        tr.status = tr.issue.status

    def on_respond(self, t: datetime, tr: Tracked) -> None:
        _manager, staff = self.staff(tr)
        report = tr.report
        if report.role == "duplicate":
            original = self.tracked.get(id(report.original))
            if original is not None and original.status not in FINAL_STATUSES:
                merge_duplicate(tr.issue, original.issue, staff)
                tr.status = Status.DUPLICATE
                return
        if tr.fate == "reject":
            tr.issue = reject(tr.issue, staff, self.rng.choice(texts.REJECTION_REASONS))
            tr.status = tr.issue.status
        elif tr.fate == "needs_info":
            tr.issue = request_info(tr.issue, staff, self.rng.choice(texts.INFO_QUESTIONS))
            tr.status = tr.issue.status
            if report.fate is None and self.rng.random() < 0.6:
                self.at(t + hours(self.rng.uniform(2, 72)), self.on_answer, tr)
        else:
            self.take_on(t, tr)

    def on_answer(self, t: datetime, tr: Tracked) -> None:
        tr.issue = answer_info(tr.issue, tr.reporter, self.rng.choice(texts.INFO_ANSWERS))
        tr.status = tr.issue.status
        self.take_on(t, tr)

    def take_on(self, t: datetime, tr: Tracked, *, follow_up: bool = False) -> None:
        """The unit takes an issue on: links it to the activity on its fault, or gives it
        an activity of its own (emergencies), or puts it on its programme's work list."""
        spec = TYPES[tr.report.type_code]
        job = self.incident_jobs.get(tr.report.incident or 0)
        if tr.report.incident and not follow_up and job is None:
            self.incident_jobs[tr.report.incident] = self.open_job(t, [tr], "incident")
        elif tr.report.incident and not follow_up and job is not None and not job.done:
            # Staff link the new reports of a known fault in bulk, every so often.
            job.waiting.append(tr)
            if len(job.waiting) == 1:
                self.at(t + minutes(self.rng.uniform(15, 60)), self.on_sweep, job)
        elif spec.calendar == cat.ALWAYS:
            if self.rng.random() < 0.3 and tr.status in (Status.SUBMITTED, Status.REOPENED):
                self.on_acknowledge(t, tr)
                self.at(t + hours(self.rng.uniform(0.2, 3)), self.open_single, tr, follow_up)
            else:
                self.open_single(t, tr, follow_up)
        else:
            if tr.status == Status.SUBMITTED or (follow_up and self.rng.random() < 0.5):
                self.on_acknowledge(t, tr)
            self.wait_for_list(tr)

    def wait_for_list(self, tr: Tracked) -> None:
        spec = TYPES[tr.report.type_code]
        self.pools.setdefault((spec.unit, spec.programme), []).append(tr)

    def on_sweep(self, t: datetime, job: Job) -> None:
        waiting = [m for m in job.waiting if m.status in WAITING]
        job.waiting = []
        if job.done:
            for tr in waiting:
                self.open_single(t, tr)
        elif waiting:
            link_issues(job.activity, [m.issue for m in waiting], self.world.staff[job.unit][1])
            job.members += waiting
            self.refresh(waiting)

    def open_single(self, t: datetime, tr: Tracked, follow_up: bool = False) -> None:
        self.open_job(t, [tr], "single", follow_up=follow_up)
