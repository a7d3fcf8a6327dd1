"""Tests for the SLA working-time clock (pure Python: no Django, no database)."""

import time as perf
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from civicdesk.sla.clock import END_OF_DAY, WorkingCalendar, parse_hours

JHB = ZoneInfo("Africa/Johannesburg")
NY = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")
H = timedelta(hours=1)
US = timedelta(microseconds=1)


def utc(dt: datetime) -> datetime:
    # Aware datetimes sharing a tzinfo compare by wall clock; compare absolute instants instead.
    return dt.astimezone(UTC)


def za_office(**kwargs) -> WorkingCalendar:
    return WorkingCalendar(JHB, parse_hours("mon-fri 08:00-16:30"), country="ZA", **kwargs)


def every_day(tz: ZoneInfo, spec: str) -> WorkingCalendar:
    return WorkingCalendar(tz, parse_hours(f"mon-sun {spec}"))


# --- worked examples ---------------------------------------------------------------------


def test_friday_afternoon_report_is_due_monday_morning():
    cal = za_office()
    # 1h left on Friday (15:30-16:30), the remaining 1h from Monday 08:00.
    assert cal.add(datetime(2026, 2, 6, 15, 30, tzinfo=JHB), 2 * H) == datetime(
        2026, 2, 9, 9, 0, tzinfo=JHB
    )
    assert cal.add(datetime(2026, 2, 6, 16, 0, tzinfo=JHB), 2 * H) == datetime(
        2026, 2, 9, 9, 30, tzinfo=JHB
    )


def test_friday_evening_report_starts_counting_at_monday_opening():
    due = za_office().add(datetime(2026, 2, 6, 18, 0, tzinfo=JHB), H)
    assert due == datetime(2026, 2, 9, 9, 0, tzinfo=JHB)
    assert due.tzinfo is JHB


def test_night_report_starts_counting_at_next_opening():
    due = za_office().add(datetime(2026, 2, 10, 2, 0, tzinfo=JHB), 30 * timedelta(minutes=1))
    assert due == datetime(2026, 2, 10, 8, 30, tzinfo=JHB)


def test_report_before_public_holiday_skips_the_holiday():
    cal = za_office()
    assert cal.is_closed_day(date(2026, 12, 16))  # Day of Reconciliation (Wednesday)
    due = cal.add(datetime(2026, 12, 15, 15, 30, tzinfo=JHB), 2 * H)
    assert due == datetime(2026, 12, 17, 9, 0, tzinfo=JHB)


def test_observed_holiday_monday_is_skipped():
    # 2026-08-09 (Women's Day) is a Sunday, so Monday 10 August is a holiday.
    due = za_office().add(datetime(2026, 8, 7, 16, 0, tzinfo=JHB), H)
    assert due == datetime(2026, 8, 11, 8, 30, tzinfo=JHB)


def test_extra_closed_days_are_skipped():
    cal = za_office(closed_days=frozenset({date(2026, 2, 9), date(2026, 2, 10)}))
    due = cal.add(datetime(2026, 2, 6, 15, 30, tzinfo=JHB), 2 * H)
    assert due == datetime(2026, 2, 11, 9, 0, tzinfo=JHB)
    assert cal.is_closed_day(date(2026, 2, 10)) and not cal.is_closed_day(date(2026, 2, 11))


def test_subdivision_holidays_are_used():
    ny_state = WorkingCalendar(NY, parse_hours("mon-fri 09:00-17:00"), "US", "NY")
    assert ny_state.is_closed_day(date(2026, 2, 12))  # Lincoln's Birthday: NY only
    assert not WorkingCalendar(NY, ny_state.hours, "US").is_closed_day(date(2026, 2, 12))


def test_lunch_break_is_not_counted():
    cal = WorkingCalendar(JHB, parse_hours("mon-fri 08:00-12:00,13:00-16:30"), country="ZA")
    start = datetime(2026, 2, 9, 11, 30, tzinfo=JHB)
    assert cal.add(start, H) == datetime(2026, 2, 9, 13, 30, tzinfo=JHB)
    assert cal.add(start, 30 * timedelta(minutes=1)) == datetime(2026, 2, 9, 12, 0, tzinfo=JHB)
    assert not cal.is_working(datetime(2026, 2, 9, 12, 15, tzinfo=JHB))
    assert cal.between(start, datetime(2026, 2, 10, 9, 0, tzinfo=JHB)) == 5 * H


def test_between_counts_only_working_time_and_is_zero_when_reversed():
    cal = za_office()
    fri, mon = datetime(2026, 2, 6, 12, 0, tzinfo=JHB), datetime(2026, 2, 9, 10, 0, tzinfo=JHB)
    assert cal.between(fri, mon) == 6.5 * H
    assert cal.between(mon, fri) == timedelta(0)


def test_zero_duration_returns_the_same_instant_in_calendar_zone():
    start = datetime(2026, 2, 7, 3, 0, tzinfo=UTC)  # Saturday: not working time
    assert utc(za_office().add(start, timedelta(0))) == start


def test_inputs_in_other_zones_are_converted():
    start = datetime(2026, 2, 6, 13, 30, tzinfo=UTC)  # 15:30 in Johannesburg
    assert za_office().add(start, 2 * H) == datetime(2026, 2, 9, 9, 0, tzinfo=JHB)


def test_open_is_inclusive_and_close_is_exclusive():
    cal = za_office()
    assert cal.is_working(datetime(2026, 2, 9, 8, 0, tzinfo=JHB))
    assert not cal.is_working(datetime(2026, 2, 9, 16, 30, tzinfo=JHB))
    assert not cal.is_working(datetime(2026, 2, 7, 10, 0, tzinfo=JHB))  # Saturday


def test_all_day_hours_join_across_midnight():
    cal = WorkingCalendar(JHB, parse_hours("fri 18:00-24:00; sat 00:00-06:00"))
    start = datetime(2026, 2, 6, 23, 0, tzinfo=JHB)
    assert cal.add(start, 2 * H) == datetime(2026, 2, 7, 1, 0, tzinfo=JHB)


def test_long_spans_are_fast():
    cal = WorkingCalendar(NY, parse_hours("mon-sun 09:00-12:00,13:00-17:00"), "US", "NY")
    a, b = datetime(2025, 1, 1, tzinfo=NY), datetime(2028, 1, 1, tzinfo=NY)
    worked = cal.between(a, b)  # also warms the holiday cache
    best = float("inf")
    for _ in range(5):
        t0 = perf.perf_counter()
        assert cal.add(a, worked) <= b and cal.between(a, b) == worked
        best = min(best, perf.perf_counter() - t0)
    assert best < 0.05  # ~6 ms for both calls on a laptop


# --- daylight saving time ----------------------------------------------------------------


def test_24_7_adding_a_day_across_spring_forward_moves_wall_clock_an_hour():
    cal = WorkingCalendar(NY)
    due = cal.add(datetime(2026, 3, 7, 12, 0, tzinfo=NY), 24 * H)
    assert due == datetime(2026, 3, 8, 13, 0, tzinfo=NY)
    assert due.utcoffset() == timedelta(hours=-4)
    fall = cal.add(datetime(2026, 10, 31, 12, 0, tzinfo=NY), 24 * H)
    assert fall.replace(tzinfo=None) == datetime(2026, 11, 1, 11, 0)


def test_24_7_between_is_absolute_time():
    cal = WorkingCalendar(NY)
    a, b = datetime(2026, 3, 8, 0, 0, tzinfo=NY), datetime(2026, 3, 9, 0, 0, tzinfo=NY)
    assert cal.between(a, b) == 23 * H


@pytest.mark.parametrize(
    ("tz", "day", "hours"),
    [
        (NY, date(2026, 3, 8), 23),
        (NY, date(2026, 11, 1), 25),
        (LONDON, date(2026, 3, 29), 23),
        (LONDON, date(2026, 10, 25), 25),
        (NY, date(2026, 6, 1), 24),
    ],
)
def test_all_day_calendar_counts_real_hours_on_transition_days(tz, day, hours):
    cal = every_day(tz, "00:00-24:00")
    a = datetime.combine(day, time(), tzinfo=tz)
    b = datetime.combine(day + timedelta(days=1), time(), tzinfo=tz)
    assert cal.between(a, b) == hours * H
    assert utc(cal.add(a, hours * H)) == utc(b)


@pytest.mark.parametrize(
    "day", [date(2026, 3, 8), date(2026, 11, 1), date(2026, 3, 29), date(2026, 10, 25)]
)
@pytest.mark.parametrize("tz", [NY, LONDON])
def test_nine_to_five_stays_eight_hours_on_transition_days(tz, day):
    cal = every_day(tz, "09:00-17:00")
    a = datetime.combine(day, time(), tzinfo=tz)
    assert cal.between(a, a + timedelta(days=1)) == 8 * H
    assert cal.add(a, 2 * H) == datetime.combine(day, time(11), tzinfo=tz)


def test_opening_hours_inside_the_dst_gap_do_not_crash_or_go_negative():
    # 02:30 does not exist on 2026-03-08 in New York; 02:30 (old clock) is after 03:00 EDT.
    cal = every_day(NY, "02:30-03:00")
    day = datetime(2026, 3, 8, tzinfo=NY)
    assert cal.between(day, day + timedelta(days=1)) == timedelta(0)
    assert cal.between(day - timedelta(days=1), day) == timedelta(minutes=30)
    due = cal.add(datetime(2026, 3, 7, 23, 0, tzinfo=NY), timedelta(minutes=10))
    assert due == datetime(2026, 3, 9, 2, 40, tzinfo=NY)


def test_spans_ending_in_the_dst_gap_do_not_overlap_the_next_span():
    # 02:30 (old clock) is 03:30 EDT, past the 03:00 opening: the next span starts there.
    cal = every_day(NY, "01:00-02:30,03:00-04:00")
    day = datetime(2026, 3, 8, tzinfo=NY)
    assert cal.between(day, day + timedelta(days=1)) == 2 * H
    due = [utc(cal.add(day, m * timedelta(minutes=1))) for m in (80, 100)]
    assert due[0] < due[1]
    assert due[1] == datetime(2026, 3, 8, 7, 40, tzinfo=UTC)


def test_ambiguous_hour_on_fall_back_day_counts_both_occurrences():
    cal = every_day(NY, "01:00-02:00")
    day = datetime(2026, 11, 1, tzinfo=NY)
    assert cal.between(day, day + timedelta(days=1)) == 2 * H
    assert cal.is_working(datetime(2026, 11, 1, 1, 30, fold=1, tzinfo=NY))


def test_london_hours_spanning_the_transition():
    cal = every_day(LONDON, "00:30-02:30")
    spring, autumn = datetime(2026, 3, 29, tzinfo=LONDON), datetime(2026, 10, 25, tzinfo=LONDON)
    assert cal.between(spring, spring + timedelta(days=1)) == H
    assert cal.between(autumn, autumn + timedelta(days=1)) == 3 * H


# --- errors ------------------------------------------------------------------------------


def test_naive_datetimes_are_rejected():
    cal = za_office()
    naive, aware = datetime(2026, 2, 9, 9), datetime(2026, 2, 9, 9, tzinfo=JHB)
    with pytest.raises(ValueError, match="timezone-aware"):
        cal.add(naive, H)
    with pytest.raises(ValueError, match="timezone-aware"):
        cal.between(aware, naive)
    with pytest.raises(ValueError, match="timezone-aware"):
        WorkingCalendar(JHB).is_working(naive)


def test_negative_duration_is_rejected():
    with pytest.raises(ValueError, match="negative"):
        za_office().add(datetime(2026, 2, 9, 9, tzinfo=JHB), -H)


@pytest.mark.parametrize("hours", [{}, {0: ()}])
def test_calendar_without_hours_raises_instead_of_looping(hours):
    with pytest.raises(ValueError, match="no working hours"):
        WorkingCalendar(JHB, hours).add(datetime(2026, 2, 9, tzinfo=JHB), H)


def test_unreachable_working_time_raises():
    # The only open day is closed for more than ten years.
    closed = frozenset(date(2026, 1, 1) + timedelta(days=i) for i in range(4000))
    cal = WorkingCalendar(JHB, parse_hours("mon 08:00-09:00"), closed_days=closed)
    with pytest.raises(ValueError, match="no working time in the 3660 days"):
        cal.add(datetime(2026, 1, 1, tzinfo=JHB), H)


@pytest.mark.parametrize(
    ("hours", "message"),
    [
        ({7: ()}, "weekday keys"),
        ({0: ((time(9), time(8)),)}, "before close"),
        ({0: ((time(8), time(12)), (time(11), time(13)))}, "overlapping"),
        ({0: ((time(8), END_OF_DAY), (time(9), time(10)))}, "overlapping"),
        ({0: ((time(8),),)}, "naive times"),
    ],
)
def test_invalid_hours_are_rejected(hours, message):
    with pytest.raises(ValueError, match=message):
        WorkingCalendar(JHB, hours)


def test_unknown_holiday_country_is_rejected():
    with pytest.raises(ValueError, match="unsupported holiday calendar"):
        WorkingCalendar(JHB, parse_hours("mon 08:00-09:00"), country="XX")


# --- parse_hours -------------------------------------------------------------------------


def test_parse_hours_reads_days_ranges_and_split_shifts():
    assert parse_hours("mon-fri 08:00-12:00,13:00-16:30; sat 08:00-12:00") == {
        **{d: ((time(8), time(12)), (time(13), time(16, 30))) for d in range(5)},
        5: ((time(8), time(12)),),
    }


def test_parse_hours_accepts_24_00_wrapping_ranges_and_loose_spacing():
    assert parse_hours(" SAT-Mon  00:00-24:00 ;") == {
        d: ((time(0), END_OF_DAY),) for d in (0, 5, 6)
    }
    assert parse_hours("mon,wed 09:00-10:00, 11:00-12:00") == {
        d: ((time(9), time(10)), (time(11), time(12))) for d in (0, 2)
    }


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("", "empty"),
        ("mon-fri", "bad segment"),
        ("mon-fry 08:00-16:30", "unknown day"),
        ("funday 08:00-16:30", "unknown day"),
        ("mon- 08:00-16:30", "unknown day ''"),
        ("mon-tue-wed 08:00-16:30", "unknown day 'tue-wed'"),
        ("mon 8am-4pm", "bad time"),
        ("mon 08:00-25:00", "bad time"),
        ("mon 24:00-24:00", "bad time"),
        ("mon 08:60-09:00", "bad time"),
        ("mon 08:00", "bad time range"),
        ("mon 16:30-08:00", "opening must be before closing"),
        ("mon 09:00-09:00", "opening must be before closing"),
        ("mon 08:00-12:00,11:00-13:00", "overlapping"),
        ("mon-fri 08:00-12:00; wed 11:00-14:00", "overlapping time ranges on wed"),
    ],
)
def test_parse_hours_rejects_bad_specs(spec, message):
    with pytest.raises(ValueError, match=message):
        parse_hours(spec)


# --- properties --------------------------------------------------------------------------

ZONES = [
    ZoneInfo(name)
    for name in (
        "UTC",
        "Africa/Johannesburg",
        "America/New_York",
        "Europe/London",
        "Australia/Lord_Howe",  # 30-minute DST shift
        "America/Santiago",  # transitions at midnight
        "Asia/Kolkata",
    )
]
HOLIDAYS = [(None, None), ("ZA", None), ("US", "NY"), ("GB", "ENG")]
# Minutes near DST transitions in the zones above are over-sampled.
MINUTES = st.one_of(st.sampled_from([0, 30, 60, 90, 120, 150, 180, 1440]), st.integers(0, 1440))


@st.composite
def day_spans(draw) -> tuple[tuple[time, time], ...]:
    points = sorted(draw(st.sets(MINUTES, max_size=6)))
    points = points[: len(points) // 2 * 2]
    as_time = [END_OF_DAY if m == 1440 else time(m // 60, m % 60) for m in points]
    return tuple(zip(as_time[::2], as_time[1::2], strict=True))


@st.composite
def calendars(draw) -> WorkingCalendar:
    tz = draw(st.sampled_from(ZONES))
    if draw(st.integers(0, 4)) == 0:
        return WorkingCalendar(tz)
    hours = {d: s for d in range(7) if (s := draw(day_spans()))}
    assume(hours)
    country, subdivision = draw(st.sampled_from(HOLIDAYS))
    closed = draw(st.frozensets(st.dates(date(2020, 1, 1), date(2032, 12, 31)), max_size=20))
    return WorkingCalendar(tz, hours, country, subdivision, closed)


def weekly_work(cal: WorkingCalendar) -> timedelta:
    return sum((e - s for spans in cal._week for s, e in spans), timedelta(0))


starts = st.datetimes(
    datetime(2020, 1, 1), datetime(2030, 12, 31), timezones=st.sampled_from(ZONES)
)


@st.composite
def durations(draw, cal: WorkingCalendar) -> timedelta:
    # Cap at ~2 years of working time so sparse calendars stay fast.
    cap = (
        timedelta(days=60) if cal.hours is None else min(timedelta(days=60), weekly_work(cal) * 100)
    )
    return draw(st.timedeltas(timedelta(0), cap))


PROPS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPS
@given(data=st.data(), cal=calendars(), start=starts)
def test_between_inverts_add(data, cal, start):
    d = data.draw(durations(cal))
    due = cal.add(start, d)
    assert utc(due) >= utc(start)
    assert cal.between(start, due) == d


@PROPS
@given(data=st.data(), cal=calendars(), start=starts)
def test_add_and_between_are_monotonic(data, cal, start):
    d1, d2 = sorted([data.draw(durations(cal)), data.draw(durations(cal))])
    t1, t2 = cal.add(start, d1), cal.add(start, d2)
    assert utc(t1) <= utc(t2)
    assert cal.between(start, t1) <= cal.between(start, t2)


@PROPS
@given(data=st.data(), cal=calendars(), start=starts)
def test_due_time_is_working_time_or_a_closing_time(data, cal, start):
    d = data.draw(durations(cal))
    assume(d > timedelta(0))
    due = cal.add(start, d)
    assert cal.is_working(due - US)
    assert due.tzinfo is cal.time_zone


@PROPS
@given(tz=st.sampled_from(ZONES), a=starts, b=starts, d=st.timedeltas(timedelta(0), timedelta(60)))
def test_24_7_calendar_is_plain_absolute_time(tz, a, b, d):
    cal = WorkingCalendar(tz, country="ZA", closed_days=frozenset({a.date()}))
    assert utc(cal.add(a, d)) == utc(a) + d
    assert cal.between(a, b) == max(utc(b) - utc(a), timedelta(0))
    assert cal.is_working(a)


@PROPS
@given(
    cal=calendars(),
    a=starts,
    gaps=st.lists(st.timedeltas(timedelta(0), timedelta(days=400)), min_size=2, max_size=2),
    zones=st.lists(st.sampled_from(ZONES), min_size=2, max_size=2),
)
def test_between_is_additive(cal, a, gaps, zones):
    b = (utc(a) + gaps[0]).astimezone(zones[0])
    c = (utc(b) + gaps[1]).astimezone(zones[1])
    assert cal.between(a, b) + cal.between(b, c) == cal.between(a, c)
    assert cal.between(a, b) <= cal.between(a, c)
