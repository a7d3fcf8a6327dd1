"""Working-time clock for service-level deadlines (pure Python, no Django)."""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from types import MappingProxyType
from zoneinfo import ZoneInfo

import holidays

__all__ = ["END_OF_DAY", "WorkingCalendar", "parse_hours"]

# A close of time(0, 0) means midnight at the END of that day ("24:00").
END_OF_DAY = time(0, 0)

Spans = tuple[tuple[time, time], ...]

_DAY = timedelta(days=1)
_ZERO = timedelta(0)
_MAX_IDLE_DAYS = 3660  # ~10 years without any working time: give up instead of looping
_DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_TIME_RE = re.compile(r"([0-9]{1,2}):([0-9]{2})")


@functools.lru_cache(maxsize=1024)
def _holiday_dates(country: str, subdivision: str | None, year: int) -> frozenset[date]:
    # A frozenset per year: fast, immutable (thread-safe) membership tests.
    return frozenset(holidays.country_holidays(country, subdiv=subdivision, years=year))


def _since_midnight(t: time) -> timedelta:
    return timedelta(hours=t.hour, minutes=t.minute, seconds=t.second, microseconds=t.microsecond)


def _to_utc(at: datetime) -> datetime:
    """Aware datetime -> naive UTC, the internal representation of instants."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"timezone-aware datetime required, got naive {at!r}")
    return at.astimezone(UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class WorkingCalendar:
    """Opening hours in a time zone; hours=None means open 24/7 (closed days then ignored)."""

    time_zone: ZoneInfo
    # weekday (0=Monday) -> sorted, non-overlapping (open, close) wall-clock spans
    hours: Mapping[int, Spans] | None = field(default=None, hash=False)
    country: str | None = None
    subdivision: str | None = None
    closed_days: frozenset[date] = frozenset()
    _week: tuple[tuple[tuple[timedelta, timedelta], ...], ...] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        object.__setattr__(self, "closed_days", frozenset(self.closed_days))
        week: list[tuple[tuple[timedelta, timedelta], ...]] = []
        if self.hours is not None:
            unknown = set(self.hours) - set(range(7))
            if unknown:
                raise ValueError(f"weekday keys must be 0 (Monday)..6 (Sunday), got {unknown}")
            frozen = {wd: tuple(spans) for wd, spans in self.hours.items()}
            object.__setattr__(self, "hours", MappingProxyType(frozen))
            week = [_validate_spans(wd, frozen.get(wd, ())) for wd in range(7)]
        object.__setattr__(self, "_week", tuple(week))
        if self.country:
            try:
                holidays.country_holidays(self.country, subdiv=self.subdivision)
            except NotImplementedError as exc:
                raise ValueError(f"unsupported holiday calendar: {exc}") from exc

    def is_closed_day(self, day: date) -> bool:
        """True if `day` is a public holiday or an extra closed day (never for 24/7)."""
        if self.hours is None:
            return False
        if day in self.closed_days:
            return True
        return bool(self.country) and day in _holiday_dates(
            self.country, self.subdivision, day.year
        )

    def is_working(self, at: datetime) -> bool:
        """True if the instant `at` lies in a working interval [open, close)."""
        u = _to_utc(at)
        if self.hours is None:
            return True
        day = at.astimezone(self.time_zone).date()
        return any(s <= u < e for d in (day - _DAY, day) for s, e in self._intervals(d))

    def add(self, start: datetime, duration: timedelta) -> datetime:
        """Earliest instant t >= start with `duration` of working time in [start, t]."""
        u = _to_utc(start)
        if duration < _ZERO:
            raise ValueError(f"duration must not be negative, got {duration}")
        if self.hours is not None and not any(self._week):
            raise ValueError("calendar has no working hours on any weekday")
        remaining, idle = duration, 0
        # Start a day early: cheap insurance against odd transitions around midnight.
        day = start.astimezone(self.time_zone).date() - _DAY
        try:
            if self.hours is None or not duration:
                return self._local(u + duration)
            while idle <= _MAX_IDLE_DAYS:
                idle += 1
                for s, e in self._intervals(day):
                    if e <= u:
                        continue
                    s = max(s, u)
                    if remaining <= e - s:
                        return self._local(s + remaining)
                    remaining -= e - s
                    idle = 0
                day += _DAY
        except OverflowError:
            raise ValueError("deadline lies beyond the supported date range") from None
        raise ValueError(f"no working time in the {_MAX_IDLE_DAYS} days up to {day}")

    def between(self, start: datetime, end: datetime) -> timedelta:
        """Working time in [start, end]; zero if end <= start."""
        a, b = _to_utc(start), _to_utc(end)
        if b <= a:
            return _ZERO
        if self.hours is None:
            return b - a
        total = _ZERO
        day = start.astimezone(self.time_zone).date() - _DAY
        last = end.astimezone(self.time_zone).date()
        while day <= last:  # one step per local day: bounded by the span
            for s, e in self._intervals(day):
                if e > a and s < b:
                    total += min(e, b) - max(s, a)
            day += _DAY
        return total

    def _local(self, u: datetime) -> datetime:
        return u.replace(tzinfo=UTC).astimezone(self.time_zone)

    def _offset(self, local: datetime) -> timedelta:
        # `local` is naive with fold=0: gap/ambiguous wall times get the pre-transition offset
        return self.time_zone.utcoffset(local)  # type: ignore[return-value]

    def _intervals(self, day: date) -> list[tuple[datetime, datetime]]:
        """Working intervals of local `day` as ordered, disjoint naive-UTC pairs."""
        spans = self._week[day.weekday()]
        if not spans or self.is_closed_day(day):
            return []
        midnight = datetime.combine(day, time())
        off0, off1 = self._offset(midnight), self._offset(midnight + _DAY)
        lo = midnight - off0
        hi = max(midnight + _DAY - off1, lo)
        out, prev = [], lo
        for o, c in spans:
            if off0 == off1:  # no offset change today: plain arithmetic
                s, e = midnight + o - off0, midnight + c - off0
            else:
                s = midnight + o - self._offset(midnight + o)
                e = midnight + c - self._offset(midnight + c)
            # Clip so gap/fold wall times never yield negative or overlapping intervals.
            s = min(max(s, prev), hi)
            e = min(max(e, s), hi)
            if e > s:
                out.append((s, e))
            prev = e
        return out


def _validate_spans(weekday: int, spans: Spans) -> tuple[tuple[timedelta, timedelta], ...]:
    out: list[tuple[timedelta, timedelta]] = []
    for span in spans:
        if len(span) != 2 or not all(isinstance(t, time) and t.tzinfo is None for t in span):
            raise ValueError(f"weekday {weekday}: spans must be (open, close) naive times")
        o = _since_midnight(span[0])
        c = _DAY if span[1] == END_OF_DAY else _since_midnight(span[1])
        if o >= c:
            raise ValueError(f"weekday {weekday}: open {span[0]} must be before close {span[1]}")
        out.append((o, c))
    out.sort()
    for (_, c1), (o2, _) in itertools.pairwise(out):
        if o2 < c1:
            raise ValueError(f"weekday {weekday}: overlapping spans")
    return tuple(out)


def _parse_minutes(text: str, *, is_end: bool) -> int:
    m = _TIME_RE.fullmatch(text)
    if not m:
        raise ValueError(f"bad time {text!r}: expected HH:MM")
    h, mi = int(m[1]), int(m[2])
    if mi > 59 or h > 24 or (h == 24 and (mi or not is_end)):
        raise ValueError(f"bad time {text!r}: hours 00-23 (24:00 only as a closing time)")
    return h * 60 + mi


def _parse_days(text: str) -> list[int]:
    days: list[int] = []
    for item in text.lower().split(","):
        first, sep, last = item.partition("-")
        for name in (first, last) if sep else (first,):
            if name not in _DAY_NAMES:
                raise ValueError(f"unknown day {name!r}: use {', '.join(_DAY_NAMES)}")
        i, j = _DAY_NAMES.index(first), _DAY_NAMES.index(last if sep else first)
        days.extend((i + k) % 7 for k in range((j - i) % 7 + 1))  # ranges may wrap: sat-mon
    return days


def parse_hours(spec: str) -> dict[int, Spans]:
    """Parse e.g. "mon-fri 08:00-12:00,13:00-16:30; sat 08:00-12:00" (24:00 = END_OF_DAY)."""
    week: dict[int, list[tuple[int, int]]] = {}
    for segment in filter(None, (s.strip() for s in spec.split(";"))):
        parts = segment.split(None, 1)
        if len(parts) != 2:
            raise ValueError(f"bad segment {segment!r}: expected '<days> HH:MM-HH:MM[,...]'")
        ranges = []
        for rng in "".join(parts[1].split()).split(","):
            start, sep, end = rng.partition("-")
            if not sep:
                raise ValueError(f"bad time range {rng!r}: expected HH:MM-HH:MM")
            o, c = _parse_minutes(start, is_end=False), _parse_minutes(end, is_end=True)
            if o >= c:
                raise ValueError(f"bad time range {rng!r}: opening must be before closing")
            ranges.append((o, c))
        for day in _parse_days(parts[0]):
            week.setdefault(day, []).extend(ranges)
    if not week:
        raise ValueError("empty hours spec")
    result: dict[int, Spans] = {}
    for day in sorted(week):
        ranges = sorted(week[day])
        for (_, c1), (o2, _) in itertools.pairwise(ranges):
            if o2 < c1:
                raise ValueError(f"overlapping time ranges on {_DAY_NAMES[day]}")
        result[day] = tuple(
            (time(o // 60, o % 60), END_OF_DAY if c == 1440 else time(c // 60, c % 60))
            for o, c in ranges
        )
    return result
