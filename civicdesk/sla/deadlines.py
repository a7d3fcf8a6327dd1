"""Deadlines and SLA states from a clock, a start, a target and the clock's pauses.

Pure functions: issues feed them their stored instants, reports can recompute with them."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from civicdesk.sla.clock import WorkingCalendar

Pause = tuple[datetime, datetime | None]  # (started, ended); ended None while it runs


def due_at(
    clock: WorkingCalendar, start: datetime, target: timedelta, pauses: Sequence[Pause] = ()
) -> datetime:
    """The instant at which `target` of running working time has passed since `start`.

    A running pause counts as not yet begun: the result is the deadline as it stood when
    the pause began, and it moves on when the pause ends."""
    # Compare instants in UTC: aware datetimes sharing a ZoneInfo compare by wall clock,
    # which is wrong inside a repeated (fall-back) hour.
    start = start.astimezone(UTC)
    pauses = [(b.astimezone(UTC), e.astimezone(UTC) if e else None) for b, e in pauses]
    active = timedelta(0)
    cursor = start
    for began, ended in sorted(pauses, key=lambda p: p[0]):
        if ended is None:
            break
        candidate = clock.add(cursor, target - active)
        if candidate <= began:
            return candidate
        if began > cursor:
            active += clock.between(cursor, began)
        cursor = max(cursor, ended)
    return clock.add(cursor, target - active)


def running_time(
    clock: WorkingCalendar, start: datetime, end: datetime, pauses: Sequence[Pause] = ()
) -> timedelta:
    """Working time in [start, end] outside the pauses."""
    total = clock.between(start, end)
    for began, ended in pauses:
        lo, hi = max(began, start), min(ended or end, end)
        if hi > lo:
            total -= clock.between(lo, hi)
    return total


class SlaState(StrEnum):
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    BREACHED = "breached"
    MET = "met"
    MISSED = "missed"
    PAUSED = "paused"
    NO_TARGET = "no_target"


@dataclass(frozen=True)
class SlaReading:
    state: SlaState
    due: datetime | None
    # Share of the target used so far (0..1+), and the warning thresholds it has crossed.
    used: float | None = None
    warning_level: int = 0


def read_sla(
    *,
    clock: WorkingCalendar | None,
    target: timedelta | None,
    due: datetime | None,
    stopped_at: datetime | None,
    met: bool | None,
    paused_at: datetime | None,
    now: datetime,
    warnings: tuple[int, int] = (50, 75),
) -> SlaReading:
    """The state of one clock (response or resolution) of one issue at `now`."""
    if stopped_at is not None:
        if met is None:
            return SlaReading(SlaState.NO_TARGET, due)
        return SlaReading(SlaState.MET if met else SlaState.MISSED, due)
    if clock is None or target is None or due is None:
        return SlaReading(SlaState.NO_TARGET, due)
    at = (paused_at or now).astimezone(UTC)
    due = due.astimezone(UTC)
    if at > due:
        return SlaReading(
            SlaState.BREACHED, due, used=1.0 + clock.between(due, at) / target, warning_level=2
        )
    used = 1.0 - clock.between(at, due) / target
    level = sum(1 for percent in warnings if used * 100 >= percent)
    if paused_at is not None:
        return SlaReading(SlaState.PAUSED, due, used=used, warning_level=level)
    return SlaReading(SlaState.AT_RISK if level else SlaState.ON_TRACK, due, used, level)
