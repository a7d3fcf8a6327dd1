"""Building, describing and removing the demo metro (the City of Johannesburg).

`build_demo` runs in one transaction: reference data first, then 90 days of history
replayed through the services, then the outbox is marked as delivered up to the last hour.
A failure leaves nothing behind, so a half-built demo can never pass for a complete one."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Count, F, Q
from django.test.utils import override_settings

from civicdesk.accounts.models import Citizen, User
from civicdesk.activities.models import Activity
from civicdesk.alerts.models import Alert
from civicdesk.demo import catalogue as cat
from civicdesk.demo.geo import Wards
from civicdesk.demo.history import History
from civicdesk.demo.plan import plan_reports
from civicdesk.demo.setup import create_world
from civicdesk.demo.street_lights import add_street_lights
from civicdesk.issues.models import OPEN_STATUSES, Feedback, Issue, Push, Status
from civicdesk.places.models import Jurisdiction
from civicdesk.reports.working_time import measure_working_times
from civicdesk.units.models import Calendar

DEFAULT_SEED = 2026
DEFAULT_ISSUES = 2000


def demo_exists() -> bool:
    return Jurisdiction.objects.filter(slug=cat.JURISDICTION_SLUG).exists()


@contextmanager
def without_query_log() -> Iterator[None]:
    """With DEBUG on, Django logs every query, and on SQLite runs a second query per query
    to quote its parameters for the log; a build makes over 100,000 of them."""
    with override_settings(DEBUG=False):
        yield


@transaction.atomic
def build_demo(seed: int, now: datetime, issues: int = DEFAULT_ISSUES) -> Jurisdiction:
    """Build the demo as it stands at `now`; the same seed and `now` give the same data."""
    with without_query_log():
        return _build(seed, now, issues)


def _build(seed: int, now: datetime, issues: int) -> Jurisdiction:
    world = create_world(joined=now - timedelta(days=120))
    wards = Wards(world.wards)
    plan = plan_reports(seed, wards, now, issues)
    history = History(world, plan, wards, seed, now)
    history.run()
    mark_history_delivered(world.jurisdiction, now - timedelta(hours=1))
    date_citizens(history.first_seen)
    # The workers' SLA watch measures stopped clocks a batch a minute; the demo's reports
    # show the working times of its history from the start.
    while measure_working_times():
        pass
    add_street_lights(world.jurisdiction)
    return world.jurisdiction


def mark_history_delivered(jurisdiction: Jurisdiction, before: datetime) -> int:
    """The replayed history's alerts went out long ago: mark them sent, so that a worker
    delivers only the recent ones."""
    return Alert.objects.filter(
        Q(issue__jurisdiction=jurisdiction)
        | Q(activity__programme__unit__jurisdiction=jurisdiction)
        | Q(unit__jurisdiction=jurisdiction),
        state=Alert.State.PENDING,
        created_at__lt=before,
    ).update(state=Alert.State.SENT, sent_at=F("created_at"), attempts=1)


def date_citizens(first_seen: dict[int, datetime]) -> None:
    """A citizen row dates from the citizen's first report or push, not from the replay."""
    citizens = list(Citizen.objects.filter(pk__in=first_seen))
    for citizen in citizens:
        citizen.created_at = first_seen[citizen.pk]
    Citizen.objects.bulk_update(citizens, ["created_at"], batch_size=500)


@transaction.atomic
def delete_demo() -> bool:
    """Remove the demo jurisdiction with everything in it, its accounts, its citizens
    (those with nothing outside it) and its calendars (if nothing else uses them)."""
    jurisdiction = Jurisdiction.objects.filter(slug=cat.JURISDICTION_SLUG).first()
    if jurisdiction is None:
        return False
    issues = Issue.objects.filter(jurisdiction=jurisdiction)
    citizen_ids = (
        set(issues.exclude(reporter=None).values_list("reporter_id", flat=True))
        | set(Push.objects.filter(issue__in=issues).values_list("citizen_id", flat=True))
        | set(
            Feedback.objects.filter(issue__in=issues)
            .exclude(citizen=None)
            .values_list("citizen_id", flat=True)
        )
    )
    Activity.objects.filter(programme__unit__jurisdiction=jurisdiction).delete()
    issues.delete()
    jurisdiction.delete()
    Citizen.objects.filter(
        pk__in=citizen_ids, user=None, reported_issues=None, pushes=None, feedback=None
    ).delete()
    Calendar.objects.filter(name__in=cat.CALENDAR_NAMES.values(), service_levels=None).delete()
    User.objects.filter(username__in=[a.username for a in cat.all_accounts()]).delete()
    return True


def describe_demo() -> str:
    """A line on what the demo holds, and where its fresh outage is."""
    jurisdiction = Jurisdiction.objects.filter(slug=cat.JURISDICTION_SLUG).first()
    if jurisdiction is None:
        return "No demo jurisdiction."
    issues = Issue.objects.filter(jurisdiction=jurisdiction)
    open_count = issues.filter(status__in=OPEN_STATUSES).count()
    activities = Activity.objects.filter(programme__unit__jurisdiction=jurisdiction).count()
    summary = (
        f"{jurisdiction.name} ({jurisdiction.slug}): {jurisdiction.areas.count()} wards, "
        f"{jurisdiction.business_units.count()} units, "
        f"{jurisdiction.issue_types.count()} issue types, {issues.count()} issues "
        f"({open_count} open), {activities} activities."
    )
    outage = (
        issues.filter(issue_type__code="power-outage", status=Status.ACKNOWLEDGED)
        .filter(activity_links=None)
        .values("area__name")
        .annotate(n=Count("id"))
        .order_by("-n", "area__name")
        .first()
    )
    if outage and outage["n"] >= 10:
        summary += (
            f"\nUnlinked power-outage reports to try the fan-out on: {outage['n']} in "
            f"{outage['area__name']}."
        )
    return summary


def account_lines() -> list[str]:
    accounts = cat.all_accounts()
    width = max(len(a.username) for a in accounts)
    pwidth = max(len(a.password) for a in accounts)
    return [f"  {a.username:<{width}}  {a.password:<{pwidth}}  {a.role}" for a in accounts]
