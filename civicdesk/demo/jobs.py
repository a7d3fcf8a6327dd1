"""The replay's activity steps: opening an activity on one fault, one issue or a programme's
work list; running it (start, progress, hold, completion or cancellation); and the citizens'
feedback that follows a completion."""

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from civicdesk.accounts.models import Citizen, User
from civicdesk.activities.models import Activity, ActivityStatus
from civicdesk.activities.services import (
    cancel_activity,
    create_activity,
    link_issues,
    update_activity,
)
from civicdesk.demo import catalogue as cat
from civicdesk.demo import texts
from civicdesk.demo.plan import TYPES, Plan, Report
from civicdesk.demo.setup import World
from civicdesk.issues.models import Issue, Status
from civicdesk.issues.services import give_feedback

INCIDENT_TITLES = {
    "water-outage": "Restore water supply",
    "burst-pipe": "Repair burst main",
    "sewer-blockage": "Clear sewer blockage",
    "power-outage": "Restore supply after network fault",
    "traffic-light-out": "Repair signal controller",
    "traffic-light-flashing": "Reset signal controller",
}
TZ = ZoneInfo(cat.TIME_ZONE)
# Office-hours issues go on their programme's work list, which runs for a week (Monday to
# Friday), or for two working days where the programme has a target that short.
LIST_TIME = time(7, 30)
SHORT_TARGET = cat.working_days(2)
LIST_CYCLE_SHORT = 2
WAITING = (Status.SUBMITTED, Status.ACKNOWLEDGED, Status.REOPENED)


def minutes(n: float) -> timedelta:
    return timedelta(minutes=n)


def hours(n: float) -> timedelta:
    return timedelta(hours=n)


@dataclass(eq=False)
class Tracked:
    """One issue as the replay knows it: its row and its status as of the last step."""

    report: Report
    issue: Issue
    status: str = Status.SUBMITTED
    fate: str = "normal"
    reporter: Citizen | None = None
    pushers: list[Citizen] = field(default_factory=list)
    feedback_from: set[int] = field(default_factory=set)  # citizens, this resolution


@dataclass(eq=False)
class Job:
    """One activity and the issues linked to it."""

    activity: Activity
    kind: str  # incident, single, list
    unit: str
    members: list[Tracked]
    end: datetime | None = None  # planned completion; None while it runs past the end
    done: bool = False
    waiting: list[Tracked] = field(default_factory=list)  # reports to link at the next sweep


class ActivitySteps:
    """Mixed into History, which provides the queue and the issue steps."""

    world: World
    plan: Plan
    rng: random.Random
    now: datetime
    start: datetime
    incident_jobs: dict[int, Job]
    pools: dict[tuple[str, str], list[Tracked]]
    lists: dict[tuple[str, str], Job]
    short_lists: set[str]
    at: Callable[..., None]
    refresh: Callable[[list[Tracked]], None]
    factor: Callable[..., float]
    take_on: Callable[..., None]

    # -- opening ---------------------------------------------------------------------------

    def title(self, kind: str, first: Tracked, t: datetime, follow_up: bool) -> str:
        spec = TYPES[first.report.type_code]
        ward = self.world.wards[first.report.ward].name
        if kind == "incident":
            return f"{INCIDENT_TITLES.get(spec.code, spec.name)} — {ward}"
        if kind == "single":
            return f"{'Return visit: ' if follow_up else ''}{spec.name} — {ward}"
        local = t.astimezone(TZ)
        return f"{spec.programme}: work list from {local:%a} {local.day} {local:%b}"

    def open_job(
        self, t: datetime, members: list[Tracked], kind: str, *, follow_up: bool = False
    ) -> Job:
        """An activity on one fault (incident), one issue (single) or a programme's work
        list (list), with its course planned: start, progress, completion."""
        first = members[0]
        spec = TYPES[first.report.type_code]
        manager, staff = self.world.staff[spec.unit]
        clock = self.world.clocks[spec.code]
        end: datetime | None
        if kind == "list":
            begin = clock.add(t, hours(self.rng.uniform(0.5, 2)))
            # The list runs to the afternoon of the last day of its cycle.
            days = LIST_CYCLE_SHORT if spec.programme in self.short_lists else 5 - t.weekday()
            end = clock.add(t, cat.WORKING_DAY * (days - 1) + hours(self.rng.uniform(6, 8)))
        else:
            begin = t + hours(self.rng.uniform(0.2, 2.5))
            anchor = min(m.issue.submitted_at for m in members)
            share = self.factor(0.75, (0.4, 0.95), (1.05, 2.5))
            end = max(
                clock.add(anchor, spec.resolution * share),
                begin + hours(self.rng.uniform(0.5, 3)),
            )
            if follow_up:
                end = begin + hours(self.rng.uniform(1, 24))
            if kind == "incident":
                incident = self.plan.incidents[first.report.incident or 0]
                end = None if incident.ongoing else max(end, incident.last_report + hours(3))
        activity = create_activity(
            self.world.programmes[spec.unit, spec.programme],
            manager if kind == "list" else staff,
            title=self.title(kind, first, t, follow_up),
            description=first.report.description if kind != "list" else "",
            scheduled_start=begin,
            scheduled_end=end,
            assignees=[staff],
            issues=[m.issue for m in members],
        )
        job = Job(activity, kind, spec.unit, list(members), end)
        self.refresh(job.members)
        self.schedule_job(job, clock, begin, end)
        return job

    def schedule_job(self, job: Job, clock: Any, begin: datetime, end: datetime | None) -> None:
        if job.kind == "single" and self.rng.random() < 0.7:
            # A quick fix: the crew goes out and staff record the work as done.
            self.at(end or begin, self.on_complete, job)
            return
        self.at(begin, self.on_start, job)
        if end is None:  # still being worked on at the reference instant
            self.at(begin + hours(2), self.on_progress, job, 40)
            self.at(begin + hours(6), self.on_progress, job, 65)
            return
        if job.kind == "list" and self.rng.random() < 0.05:
            self.at(clock.add(begin, hours(self.rng.uniform(1, 6))), self.on_cancel, job)
            return
        span = end - begin
        if job.kind != "list" and self.rng.random() < 0.08:
            self.at(begin + span * 0.3, self.on_hold, job)
            self.at(begin + span * 0.6, self.on_resume, job)
        elif job.kind != "single":
            self.at(begin + span * 0.5, self.on_progress, job, self.rng.randint(3, 8) * 10)
        self.at(end, self.on_complete, job)

    # -- running ---------------------------------------------------------------------------

    def staff_of(self, job: Job) -> User:
        return self.world.staff[job.unit][1]

    def update(self, job: Job, **changes: Any) -> None:
        job.activity = update_activity(job.activity, self.staff_of(job), **changes)
        if "status" in changes:
            self.refresh(job.members)

    def on_start(self, t: datetime, job: Job) -> None:
        if not job.done:
            self.update(
                job,
                status=ActivityStatus.IN_PROGRESS,
                progress=self.rng.choice((5, 10, 20)),
                public_summary=self.rng.choice(texts.PROGRESS_NOTES),
            )

    def on_progress(self, t: datetime, job: Job, progress: int) -> None:
        if not job.done:
            self.update(
                job, progress=progress, public_summary=self.rng.choice(texts.PROGRESS_NOTES)
            )

    def on_hold(self, t: datetime, job: Job) -> None:
        self.update(
            job, status=ActivityStatus.ON_HOLD, public_summary=self.rng.choice(texts.HOLD_NOTES)
        )

    def on_resume(self, t: datetime, job: Job) -> None:
        self.update(job, status=ActivityStatus.IN_PROGRESS)

    def on_complete(self, t: datetime, job: Job) -> None:
        self.update(
            job,
            status=ActivityStatus.COMPLETED,
            public_summary=self.rng.choice(texts.COMPLETION_NOTES),
        )
        job.done = True
        for member in job.members:
            if member.status == Status.RESOLVED:
                member.feedback_from.clear()
                self.ask_feedback(t, member)

    def on_cancel(self, t: datetime, job: Job) -> None:
        cancel_activity(job.activity, self.staff_of(job), self.rng.choice(texts.CANCEL_REASONS))
        job.done = True
        self.refresh(job.members)
        if job.kind == "list":
            spec = TYPES[job.members[0].report.type_code]
            back = [m for m in job.members if m.status == Status.ACKNOWLEDGED]
            self.pools.setdefault((spec.unit, spec.programme), []).extend(back)

    # -- programmes' work lists ---------------------------------------------------------------

    def schedule_work_lists(self) -> None:
        """Every working morning each office-hours programme puts the issues waiting for it
        on its current work list (linking is the response), or opens a new list."""
        office = next(
            self.world.clocks[t.code] for t in cat.ISSUE_TYPES if t.calendar == cat.OFFICE
        )
        shortest: dict[tuple[str, str], timedelta] = {}
        for spec in cat.ISSUE_TYPES:
            if spec.calendar == cat.OFFICE:
                key = (spec.unit, spec.programme)
                shortest[key] = min(shortest.get(key, spec.resolution), spec.resolution)
        self.short_lists = {p for (_u, p), target in shortest.items() if target <= SHORT_TARGET}
        day: date = self.start.astimezone(TZ).date()
        while day <= self.now.astimezone(TZ).date():
            if not office.is_closed_day(day) and day.weekday() < 5:
                moment = datetime.combine(day, LIST_TIME, tzinfo=TZ)
                for key in shortest:
                    self.at(moment, self.on_work_list, key)
            day += timedelta(days=1)

    def on_work_list(self, t: datetime, key: tuple[str, str]) -> None:
        waiting = [m for m in self.pools.pop(key, []) if m.status in WAITING]
        if not waiting:
            return
        job = self.lists.get(key)
        if job is None or job.done or (job.end is not None and job.end <= t):
            self.lists[key] = self.open_job(t, waiting, "list")
            return
        link_issues(job.activity, [m.issue for m in waiting], self.staff_of(job))
        job.members += waiting
        self.refresh(waiting)

    # -- feedback ----------------------------------------------------------------------------

    def ask_feedback(self, t: datetime, tr: Tracked) -> None:
        """Some followers answer the request for feedback that a completion sends."""
        fate = tr.report.fate
        if tr.reporter is not None and fate != "resolved":
            forced = fate in ("close", "reopen")
            if forced or self.rng.random() < 0.35:
                fixed = fate == "close" if forced else self.rng.random() < 0.85
                when = t + hours(self.rng.uniform(1, 72))
                self.at(when, self.on_feedback, tr, tr.reporter, fixed)
        if fate is None:
            for pusher in tr.pushers:
                if self.rng.random() < 0.06:
                    fixed = self.rng.random() < 0.8
                    self.at(t + hours(self.rng.uniform(2, 96)), self.on_feedback, tr, pusher, fixed)

    def on_feedback(self, t: datetime, tr: Tracked, citizen: Citizen, fixed: bool) -> None:
        if tr.status not in (Status.RESOLVED, Status.CLOSED) or citizen.pk in tr.feedback_from:
            return
        tr.feedback_from.add(citizen.pk)
        give_feedback(
            tr.issue,
            citizen,
            rating=self.rng.choice((3, 4, 4, 5, 5) if fixed else (1, 1, 2)),
            fixed=fixed,
            comment=self.rng.choice(texts.FEEDBACK_GOOD if fixed else texts.FEEDBACK_BAD),
        )
        if not fixed:
            tr.status = Status.REOPENED
            if tr.report.fate is None and self.rng.random() < 0.6:
                self.at(t + hours(self.rng.uniform(2, 48)), self.on_return, tr)
        elif tr.reporter is not None and citizen.pk == tr.reporter.pk:
            tr.status = Status.CLOSED

    def on_return(self, t: datetime, tr: Tracked) -> None:
        """The unit goes back to a reopened issue."""
        if tr.status == Status.REOPENED:
            self.take_on(t, tr, follow_up=True)
