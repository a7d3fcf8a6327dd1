"""manage.py seed_demo: the demo metro is complete, believable, idempotent and the same
for the same seed and reference instant.

One small demo (`--issues 200`) is built once for the module and read by most tests; the
full-size build has its own (slow) test."""

import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.test import Client
from django.test.utils import override_settings

from civicdesk.activities.models import ActivityIssue
from civicdesk.alerts.models import Alert
from civicdesk.catalogue.models import Datatype, IssueType, Question
from civicdesk.demo import catalogue as cat
from civicdesk.demo.builder import delete_demo
from civicdesk.demo.history import History
from civicdesk.issues.models import OPEN_STATUSES, Feedback, Issue, Push, Status
from civicdesk.places.models import Jurisdiction
from civicdesk.timeline.models import Event
from civicdesk.units.models import (
    BusinessUnit,
    Calendar,
    Dispatcher,
    Membership,
    Programme,
    ServiceLevel,
)

NOW = "2026-03-10T10:00:00+02:00"
REFERENCE = datetime.fromisoformat(NOW)
SMALL = ["--issues", "200", "--now", NOW]


def fast_hashing() -> override_settings:
    """The root conftest's cheap Argon2, also for the module's demo, which is built outside
    a test (its accounts must sign in with the hasher each test has)."""
    return override_settings(
        PASSWORD_HASHERS=["civicdesk.testing.hashers.CheapArgon2PasswordHasher"]
    )


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def fingerprint() -> list[tuple]:
    return sorted(
        (code, status, round(lat, 6), round(lon, 6))
        for code, status, lat, lon in Issue.objects.filter(jurisdiction__slug="jhb").values_list(
            "issue_type__code", "status", "lat", "lon"
        )
    )


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker) -> Iterator[str]:
    """The small demo, committed for the module's tests, removed after them."""
    with django_db_blocker.unblock(), fast_hashing():
        output = seed(*SMALL)
        yield output
        delete_demo()


@pytest.fixture
def issues(demo, db):
    return Issue.objects.filter(jurisdiction__slug="jhb")


def test_every_status_occurs(issues):
    counts = dict(issues.values_list("status").annotate(n=Count("id")))
    assert set(counts) == set(Status.values), counts


def test_catalogue_units_and_service_levels(demo, db):
    jurisdiction = Jurisdiction.objects.get(slug="jhb")
    assert jurisdiction.time_zone == "Africa/Johannesburg"
    assert jurisdiction.areas.count() == 135
    types = IssueType.objects.filter(jurisdiction=jurisdiction)
    assert types.count() >= 20
    assert all(t.keywords and t.group for t in types)
    questions = Question.objects.filter(issue_type__jurisdiction=jurisdiction)
    assert set(questions.values_list("datatype", flat=True)) == set(Datatype.values)
    assert questions.filter(required=True).exists()
    assert questions.filter(required=False).exists()
    units = BusinessUnit.objects.filter(jurisdiction=jurisdiction)
    assert units.count() == 6
    covering = units.annotate(n=Count("areas")).filter(n__gt=0)
    assert [(u.is_external, 0 < u.n < 135) for u in covering] == [(True, True)]
    assert all(2 <= Programme.objects.filter(unit=u).count() <= 3 for u in units)
    levels = ServiceLevel.objects.filter(unit__jurisdiction=jurisdiction)
    assert levels.count() == types.count()  # every type has its unit's promise
    kinds = set(levels.values_list("calendar__kind", flat=True))
    assert kinds == {Calendar.Kind.ALWAYS, Calendar.Kind.WORKING_HOURS}
    office = Calendar.objects.get(name=cat.CALENDAR_NAMES[cat.OFFICE])
    assert office.holiday_country == "ZA"
    assert sorted(office.hours.values_list("weekday", flat=True)) == [0, 1, 2, 3, 4]
    for level in levels:
        assert timedelta(hours=2) <= level.response_target <= timedelta(hours=8)
        assert level.resolution_target <= cat.working_days(10)


def test_history_spans_ninety_days_inside_the_wards(issues):
    first, last = (
        issues.order_by("submitted_at").first(),
        issues.order_by("submitted_at").last(),
    )
    assert REFERENCE - timedelta(days=91) <= first.submitted_at
    assert last.submitted_at <= REFERENCE
    assert not issues.filter(area=None).exists()
    assert issues.values("area").distinct().count() >= 30  # spread over the city


def test_an_activity_is_linked_to_many_issues(issues):
    biggest = (
        ActivityIssue.objects.filter(issue__in=issues)
        .values("activity")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    assert biggest["n"] >= 12


def test_fresh_outage_cluster_for_the_fan_out(issues):
    outages = issues.filter(issue_type__code="power-outage", status__in=OPEN_STATUSES)
    ward = outages.values("area").annotate(n=Count("id")).order_by("-n").first()
    cluster = outages.filter(area=ward["area"])
    assert ward["n"] >= 60
    assert set(cluster.values_list("status", flat=True)) == {Status.ACKNOWLEDGED}
    assert not ActivityIssue.objects.filter(issue__in=cluster).exists()
    assert cluster.values("reporter").distinct().count() == ward["n"]
    assert Push.objects.filter(issue__in=cluster).exists()
    assert all(i.submitted_at >= REFERENCE - timedelta(hours=4) for i in cluster)


def test_service_levels_met_and_missed(issues):
    assert {True, False} <= set(issues.values_list("response_met", flat=True))
    assert {True, False} <= set(issues.values_list("resolution_met", flat=True))


def test_the_reports_have_working_times_from_the_start(issues):
    resolved = issues.filter(resolved_at__isnull=False, service_level__isnull=False)
    assert resolved.exists()
    assert not resolved.filter(resolution_working_seconds__isnull=True).exists()
    assert issues.filter(response_working_seconds__gt=0).exists()


def test_pushes_feedback_events_and_routing(issues):
    assert Push.objects.filter(issue__in=issues).count() > 50
    feedback = Feedback.objects.filter(issue__in=issues)
    assert {True, False} <= set(feedback.values_list("fixed", flat=True))
    assert set(feedback.values_list("rating", flat=True)) <= {1, 2, 3, 4, 5}
    assert Event.objects.filter(issue__in=issues).count() > 4 * issues.count()
    assert issues.exclude(provider_reference="").exists()  # dispatched to the contractor
    assert issues.filter(unit=None, status=Status.SUBMITTED).exists()  # still to dispatch
    assert issues.filter(status=Status.REJECTED).exclude(rejection_reason="").exists()


def test_only_the_last_hour_of_alerts_is_pending(issues):
    alerts = Alert.objects.filter(issue__in=issues)
    pending = alerts.filter(state=Alert.State.PENDING)
    assert alerts.filter(state=Alert.State.SENT).count() > pending.count() > 0
    assert not pending.filter(created_at__lt=REFERENCE - timedelta(hours=1)).exists()
    assert not alerts.filter(state=Alert.State.SENT, sent_at=None).exists()


def test_accounts_are_printed_and_log_in(demo, db):
    printed = dict(re.findall(r"^  (\S+)\s+(\S+)\s", demo, flags=re.MULTILINE))
    expected = {a.username: a.password for a in cat.all_accounts()}
    assert printed == expected
    assert len(expected) == 2 + 2 * 6
    for username, password in printed.items():
        assert Client().login(username=username, password=password), username
    assert Dispatcher.objects.filter(user__username="dispatcher", jurisdiction__slug="jhb")
    roles = set(Membership.objects.values_list("user__username", "role").distinct())
    assert ("water.manager", "manager") in roles
    assert ("signals.staff", "member") in roles


def test_second_run_builds_nothing_and_prints_the_accounts(demo, db):
    before = (Issue.objects.count(), Event.objects.count(), Alert.objects.count())
    output = seed(*SMALL)
    assert "already exists" in output
    assert "demo-admin-2026" in output
    assert re.search(r"\b2\d\d issues", output)
    assert (Issue.objects.count(), Event.objects.count(), Alert.objects.count()) == before


def test_failed_reset_keeps_the_previous_demo(demo, db, monkeypatch):
    before = fingerprint()

    def broken(self) -> None:
        raise RuntimeError("the replay fails half-way")

    monkeypatch.setattr(History, "run", broken)
    with pytest.raises(RuntimeError):
        seed("--reset", *SMALL)
    assert fingerprint() == before


def test_too_small_a_demo_is_refused(db):
    with pytest.raises(CommandError, match="--issues"):
        seed("--issues", "10")


def test_same_seed_and_reference_give_the_same_demo(demo, db):
    before = fingerprint()
    seed("--reset", *SMALL)
    assert fingerprint() == before
    seed("--reset", "--seed", "7", *SMALL)
    assert fingerprint() != before


@pytest.mark.slow
def test_full_size_demo(demo, db):
    seed("--reset", "--now", NOW)
    issues = Issue.objects.filter(jurisdiction__slug="jhb")
    assert 1900 <= issues.count() <= 2100
    assert set(issues.values_list("status", flat=True)) == set(Status.values)
    sizes = ActivityIssue.objects.values("activity").annotate(n=Count("id"))
    assert sizes.filter(n__gte=24).count() >= 2  # dozens of issues on one activity
