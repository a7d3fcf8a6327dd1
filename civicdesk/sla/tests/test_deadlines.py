from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from civicdesk.sla.clock import WorkingCalendar
from civicdesk.sla.deadlines import SlaState, due_at, read_sla, running_time

SAST = ZoneInfo("Africa/Johannesburg")
ALWAYS = WorkingCalendar(time_zone=SAST)
OFFICE = WorkingCalendar(
    time_zone=SAST, hours={d: ((time(8), time(16, 30)),) for d in range(5)}, country="ZA"
)
MONDAY = datetime(2026, 11, 2, 9, tzinfo=SAST)
H = timedelta(hours=1)


def test_a_pause_moves_the_deadline_by_its_working_time():
    pauses = [(MONDAY + 2 * H, MONDAY + 5 * H)]
    assert due_at(ALWAYS, MONDAY, 24 * H, pauses) == MONDAY + 27 * H


def test_a_pause_after_the_deadline_does_not_move_it():
    pauses = [(MONDAY + 30 * H, MONDAY + 40 * H)]
    assert due_at(ALWAYS, MONDAY, 24 * H, pauses) == MONDAY + 24 * H


def test_a_running_pause_freezes_the_deadline_where_it_stood():
    assert due_at(ALWAYS, MONDAY, 24 * H, [(MONDAY + H, None)]) == MONDAY + 24 * H


def test_a_pause_over_a_weekend_costs_only_its_working_hours():
    friday_noon = datetime(2026, 11, 6, 12, tzinfo=SAST)
    monday_ten = datetime(2026, 11, 9, 10, tzinfo=SAST)
    # 4 working hours from Friday 12:00 -> Friday 16:30 is 4.5 h, so due Friday 16:00;
    # paused from 12:00 to Monday 10:00: the paused working time is 4.5 h + 2 h.
    assert due_at(OFFICE, friday_noon, 4 * H) == datetime(2026, 11, 6, 16, tzinfo=SAST)
    assert due_at(OFFICE, friday_noon, 4 * H, [(friday_noon, monday_ten)]) == datetime(
        2026, 11, 9, 14, tzinfo=SAST
    )


def reading(now, **overrides):
    fields = {
        "clock": ALWAYS,
        "target": 10 * H,
        "due": MONDAY + 10 * H,
        "stopped_at": None,
        "met": None,
        "paused_at": None,
        "now": now,
    }
    return read_sla(**(fields | overrides))


def test_states_follow_the_warning_thresholds():
    assert reading(MONDAY + 4 * H).state == SlaState.ON_TRACK
    assert (reading(MONDAY + 5 * H).state, reading(MONDAY + 5 * H).warning_level) == (
        SlaState.AT_RISK,
        1,
    )
    assert reading(MONDAY + 8 * H).warning_level == 2
    assert reading(MONDAY + 11 * H).state == SlaState.BREACHED
    assert reading(MONDAY + 4 * H, warnings=(30, 60)).state == SlaState.AT_RISK


def test_stopped_clocks_are_met_or_missed():
    assert reading(MONDAY, stopped_at=MONDAY + H, met=True).state == SlaState.MET
    assert reading(MONDAY, stopped_at=MONDAY + 11 * H, met=False).state == SlaState.MISSED


def test_a_paused_clock_reads_at_its_pause():
    paused = reading(MONDAY + 50 * H, paused_at=MONDAY + 2 * H)
    assert paused.state == SlaState.PAUSED
    assert round(paused.used, 2) == 0.2


def test_no_service_level_means_no_target():
    assert reading(MONDAY, clock=None, target=None, due=None).state == SlaState.NO_TARGET


def test_deadlines_compare_instants_not_wall_clocks_in_a_repeated_hour():
    new_york = ZoneInfo("America/New_York")
    clock = WorkingCalendar(time_zone=new_york)
    # 2026-11-01 01:30 happens twice in New York; fold=1 is the later (EST) one.
    first = datetime(2026, 11, 1, 1, 30, tzinfo=new_york)
    second = datetime(2026, 11, 1, 1, 30, fold=1, tzinfo=new_york)
    start = first - timedelta(minutes=10)
    due = due_at(clock, start, 2 * H, [(first, second)])
    assert due.astimezone(UTC) == start.astimezone(UTC) + 3 * H  # 2 h running + 1 h paused


pause_lists = st.lists(st.tuples(st.integers(0, 20 * 24), st.integers(1, 72)), max_size=4).map(
    lambda raw: [
        (MONDAY + timedelta(hours=a), MONDAY + timedelta(hours=a + b)) for a, b in sorted(raw)
    ]
)


def disjoint(pauses):
    merged = []
    for began, ended in pauses:
        if merged and began <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(ended, merged[-1][1]))
        else:
            merged.append((began, ended))
    return merged


@settings(max_examples=150, deadline=None)
@given(
    calendar=st.sampled_from([ALWAYS, OFFICE]),
    target_minutes=st.integers(1, 60 * 80),
    pauses=pause_lists,
)
def test_running_time_until_the_deadline_is_the_target(calendar, target_minutes, pauses):
    pauses = disjoint(pauses)
    target = timedelta(minutes=target_minutes)
    due = due_at(calendar, MONDAY, target, pauses)
    assert running_time(calendar, MONDAY, due, pauses) == target
    assert due >= due_at(calendar, MONDAY, target)
