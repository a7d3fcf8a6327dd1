"""The SLA report on a replayed history with known times, on office hours (Monday to
Friday 08:00-16:30, Johannesburg) with weekends in the middle: exact counts, percentages,
medians and 90th percentiles in working time, by both percentile methods."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from civicdesk.accounts.models import User
from civicdesk.activities.services import create_activity, update_activity
from civicdesk.issues.models import Issue
from civicdesk.issues.services import (
    Contact,
    acknowledge,
    answer_info,
    give_feedback,
    push,
    reject,
    request_info,
)
from civicdesk.reports.sla import Dimension, sla_report
from civicdesk.reports.working_time import measure_working_times, unmeasured
from civicdesk.slawatch.services import sweep
from civicdesk.timekeeping import as_of
from civicdesk.units.models import Membership, Programme
from conftest import report_outage

SAST = ZoneInfo("Africa/Johannesburg")
HOUR = 3600


def at(day: int, hour: int, minute: int = 0, month: int = 2) -> datetime:
    """An instant of February 2026 in Johannesburg (no public holiday in that month)."""
    return datetime(2026, month, day, hour, minute, tzinfo=SAST)


METHODS = ["window"] + (["percentile_cont"] if connection.vendor == "postgresql" else [])


@pytest.fixture
def crew(roads) -> tuple[Programme, User]:
    programme = Programme.objects.create(unit=roads, name="Potholes")
    user = User.objects.create_user("sizwe", password="x", is_staff=True)
    Membership.objects.create(programme=programme, user=user)
    return programme, user


def report_pothole(jurisdiction, when: datetime, email: str) -> Issue:
    with as_of(when):
        return report_outage(
            jurisdiction, Contact(email=email), issue_type_code="pothole", answers={}
        )


def resolve(programme: Programme, user: User, issue: Issue, when: datetime) -> None:
    with as_of(when):
        activity = create_activity(programme, user, title=f"Fix {issue.pk}", issues=[issue])
        update_activity(activity, user, status="completed")


@pytest.fixture
def history(wards, roads, crew) -> dict[str, Issue]:
    """Five potholes in February 2026 (and one in January, outside the period):
    A  Fri 6th 15:00, acknowledged Mon 9th 09:00 (2.5 h: met), resolved Tue 10th 12:00 (14 h: met)
    B  Thu 5th 10:00, acknowledged Fri 6th 10:00 (8.5 h: missed), resolved Mon 16th 16:00
       (65.5 h: missed)
    C  Mon 9th 08:00, acknowledged 08:30 (0.5 h: met), asked for information 09:00 and
       answered Wed 11th 08:00 (paused 16 working hours), resolved Thu 12th 10:00
       (11.5 h running: met)
    D  Fri 6th 16:00, never acknowledged, pushed by a neighbour: open and overdue
    (A is pushed too)
    E  Tue 10th 09:00, rejected 10:00 (the rejection is the response: 1 h, met)
    Targets: respond in 8, resolve in 40 working hours."""
    jurisdiction = roads.jurisdiction
    programme, user = crew
    a = report_pothole(jurisdiction, at(6, 15), "a@example.org")
    b = report_pothole(jurisdiction, at(5, 10), "b@example.org")
    c = report_pothole(jurisdiction, at(9, 8), "c@example.org")
    d = report_pothole(jurisdiction, at(6, 16), "d@example.org")
    e = report_pothole(jurisdiction, at(10, 9), "e@example.org")
    january = report_pothole(jurisdiction, at(30, 9, month=1), "j@example.org")
    for issue, when in (
        (a, at(9, 9)),
        (b, at(6, 10)),
        (c, at(9, 8, 30)),
        (january, at(30, 10, month=1)),
    ):
        with as_of(when):
            acknowledge(issue, user)
    with as_of(at(9, 9)):
        request_info(c, user, "Which side of the road?")
    with as_of(at(11, 8)):
        answer_info(c, c.reporter, "The northbound lane")
    with as_of(at(10, 10)):
        reject(e, user, "This road belongs to the province")
    with as_of(at(7, 9)):
        push(d, Contact(email="neighbour@example.org"))
    with as_of(at(9, 10)):
        push(a, Contact(email="neighbour-a@example.org"))
    resolve(programme, user, a, at(10, 12))
    resolve(programme, user, c, at(12, 10))
    resolve(programme, user, b, at(16, 16))
    with as_of(at(16, 16, 30)):
        give_feedback(a, a.reporter, rating=4, fixed=True)
        give_feedback(b, b.reporter, rating=5, fixed=True)
        give_feedback(c, c.reporter, rating=3, fixed=True)
    return {"A": a, "B": b, "C": c, "D": d, "E": e, "January": january}


def february(issues=None, group_by=(Dimension.UNIT,), **kwargs):
    return sla_report(
        issues if issues is not None else Issue.objects.all(),
        at(1, 0),
        at(1, 0, month=3),
        group_by,
        now=at(16, 17),
        **kwargs,
    )


@pytest.mark.parametrize("method", METHODS)
def test_replayed_history_gives_exact_figures_in_working_time(history, roads, method):
    assert sweep(at(16, 17)) is not None  # the sweep measures the stopped clocks
    assert not unmeasured().exists()
    stored = dict(
        Issue.objects.values_list("pk", "resolution_working_seconds").filter(
            resolved_at__isnull=False
        )
    )
    assert stored[history["C"].pk] == 11.5 * HOUR

    [row] = february(method=method)
    assert row.labels == ("Roads",)
    assert (row.reported, row.acknowledged, row.resolved) == (5, 4, 3)
    assert (row.rejected, row.duplicates, row.open, row.overdue) == (1, 0, 1, 1)
    assert (row.response_judged, row.response_met) == (4, 3)
    assert row.response_met_percent == 75.0
    assert (row.resolution_judged, row.resolution_met) == (3, 2)
    assert row.resolution_met_percent == pytest.approx(200 / 3)
    # Responses: 0.5 h, 1 h, 2.5 h, 8.5 h in working time.
    assert row.response_time.measured == 4
    assert row.response_time.median == pytest.approx((1 + 2.5) / 2 * HOUR)
    assert row.response_time.p90 == pytest.approx((2.5 + 0.7 * 6) * HOUR)
    # Resolutions: 11.5 h, 14 h, 65.5 h.
    assert row.resolution_time.measured == 3
    assert row.resolution_time.median == pytest.approx(14 * HOUR)
    assert row.resolution_time.p90 == pytest.approx((14 + 0.8 * 51.5) * HOUR)
    assert row.pushes == 2
    assert (row.feedback, row.mean_rating, row.fixed_percent) == (3, 4.0, 100.0)
    assert row.unmeasured == 0


def test_both_percentile_methods_agree_for_every_grouping(history):
    measure_working_times()
    for dimension in Dimension:
        group_by = (dimension,) if dimension == Dimension.MONTH else (dimension, Dimension.MONTH)
        by_window = february(group_by=group_by, method="window")
        assert sum(r.reported for r in by_window) >= 5
        if connection.vendor != "postgresql":
            continue
        by_sql = february(group_by=group_by, method="percentile_cont")
        assert_same_figures(by_window, by_sql)


def assert_same_figures(left, right) -> None:
    assert len(left) == len(right)
    for one, other in zip(left, right, strict=True):
        assert one.keys == other.keys
        for clock in ("response_time", "resolution_time"):
            a, b = getattr(one, clock), getattr(other, clock)
            assert a.measured == b.measured
            assert a.median == pytest.approx(b.median)
            assert a.p90 == pytest.approx(b.p90)


def test_groupings_split_and_label_the_same_issues(history, crew, roads):
    measure_working_times()
    by_month = sla_report(
        Issue.objects.all(), at(1, 0, month=1), at(1, 0, month=3), [Dimension.MONTH], now=at(16, 17)
    )
    assert [(r.labels, r.reported) for r in by_month] == [(("2026-01",), 1), (("2026-02",), 5)]
    by_programme = february(group_by=[Dimension.PROGRAMME])
    assert [(r.labels, r.reported, r.resolved) for r in by_programme] == [
        (("Roads: Potholes",), 3, 3),
        (("No programme",), 2, 0),
    ]
    by_type = february(group_by=[Dimension.ISSUE_TYPE])
    assert [(r.labels, r.reported) for r in by_type] == [(("Pothole",), 5)]
    by_area = february(group_by=[Dimension.AREA])
    assert [r.labels for r in by_area] == [("Ward 124",)]


def test_a_reopened_issue_is_measured_again_when_resolved_again(history, crew):
    programme, user = crew
    a = history["A"]
    measure_working_times()
    with as_of(at(16, 17)):
        give_feedback(a, a.pushes.get().citizen, rating=1, fixed=False)
    [row] = february()
    # Reopened: no longer resolved, its old measurement no longer counts.
    assert (row.resolved, row.resolution_time.measured) == (2, 2)
    resolve(programme, user, a, at(17, 9))
    [row] = february()
    assert row.unmeasured == 1
    assert measure_working_times() == 1
    # A: 14 h to the first resolution, paused while it stood resolved (Tue 10th 12:00 to
    # Mon 16th 17:00: 38.5 working hours), then Tue 17th 08:00-09:00.
    a.refresh_from_db()
    assert a.resolution_working_seconds == 15 * HOUR
    [row] = february()
    assert (row.resolved, row.resolution_time.measured, row.unmeasured) == (3, 3, 0)
    assert (row.feedback, row.fixed) == (4, 3)
    assert row.fixed_percent == 75.0


def test_scope_limits_the_report_to_the_issues_given(history, electricity):
    measure_working_times()
    assert february(Issue.objects.filter(unit=electricity)) == []
    assert february(Issue.objects.none()) == []
