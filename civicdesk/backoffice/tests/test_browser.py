"""The back office in a real browser: a staff member turns 60 reports of one outage into
an activity and completes it; a dispatcher routes an unrouted issue and merges a duplicate.
Screenshots of the main pages go to var/screenshots/ for review."""

import re
import time

import pytest
from playwright.sync_api import expect

from civicdesk.activities.models import Activity
from civicdesk.alerts.models import Alert
from civicdesk.backoffice.tests.factories import open_issues
from civicdesk.issues.models import Issue, Push, Status
from civicdesk.issues.services import report_issue
from civicdesk.testing.browser import screenshot
from conftest import report_outage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def short_streams(settings, desktop_page):
    """Live streams end soon (the browser reconnects with the last event id, missing
    nothing), and the last one has ended before the test's database goes away."""
    settings.LIVE_STREAM_SECONDS = 2
    settings.LIVE_POLL_SECONDS = 0.2
    yield
    desktop_page.goto("about:blank")
    time.sleep(settings.LIVE_STREAM_SECONDS + 0.5)


def shoot(page, name: str) -> None:
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, name)


def sign_in(page, username: str) -> None:
    page.goto("/staff/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("x")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Your units")).to_be_visible()


def test_sixty_reports_of_one_outage_become_one_activity_that_resolves_them(
    desktop_page, staff, jurisdiction, wards, electricity, programme, power_outage, reporter
):
    page = desktop_page
    ward = next(w for w in wards if w.name == "Ward 124")
    outage = open_issues(electricity, power_outage, 60, pushers=1, area=ward)
    open_issues(electricity, power_outage, 8, lat=-26.10, lon=28.00)  # another outage
    sign_in(page, "thandi")
    page.get_by_role("link", name="Electricity").first.click()
    expect(page.locator("#live-status")).to_have_text("Live")

    # A new report arrives while the inbox is open.
    report_outage(jurisdiction, reporter)
    expect(page.locator("#live-banner")).to_be_visible(timeout=10_000)
    expect(page.locator("#live-banner [data-count]")).to_have_text("1")

    page.get_by_label("Area").select_option(label="Ward 124")
    page.get_by_role("button", name="Filter").click()
    page.get_by_role("link", name="100").click()
    expect(page.locator("tr[data-issue]")).to_have_count(61)  # the 60 and the new report
    newest = Issue.objects.order_by("-id").first()
    page.get_by_label("Select every issue on this page").check()
    page.get_by_label(f"Select issue {newest.pk}").uncheck()
    expect(page.locator('[data-selected-count="inbox"]').first).to_have_text("60")
    shoot(page, "backoffice-inbox")

    page.keyboard.press("c")
    dialog = page.locator("#dialog-create")
    expect(dialog).to_be_visible()
    dialog.get_by_label("Title").fill("Substation fault, Carlton Centre")
    dialog.get_by_label("Public summary (citizens see it)").fill("Crew dispatched")
    dialog.get_by_role("button", name="Create activity").click()

    expect(page.get_by_role("heading", name="Substation fault, Carlton Centre")).to_be_visible()
    activity = Activity.objects.get()
    assert set(activity.issues.values_list("pk", flat=True)) == {i.pk for i in outage}
    expect(page.locator(".leaflet-interactive").first).to_be_visible()
    shoot(page, "backoffice-activity")

    page.get_by_label("Status").select_option("completed")
    page.get_by_label("Progress (%)").fill("100")
    page.get_by_label("Public summary of actions taken").fill("Cable replaced, power back")
    page.get_by_role("button", name="Update and tell citizens").click()
    expect(page.locator(".message-success")).to_contain_text("Activity updated")
    expect(page.locator("td.status", has_text="Resolved")).to_have_count(50)  # a page of 50

    assert Issue.objects.filter(pk__in=[i.pk for i in outage], status=Status.RESOLVED).count() == 60
    followers = {i.reporter_id for i in outage} | set(
        Push.objects.filter(issue__in=outage).values_list("citizen_id", flat=True)
    )
    assert len(followers) == 120
    told = set(
        Alert.objects.filter(kind="issue_resolved", activity=activity).values_list(
            "citizen_id", flat=True
        )
    )
    assert told == followers
    assert newest.status == Status.SUBMITTED  # left out of the selection, left alone

    page.goto(f"/staff/units/{electricity.pk}/?view=map")
    expect(page.locator('[data-selected-count="inbox"]').first).to_have_text("0")  # done
    expect(page.locator(".map-status")).to_contain_text("on the map")
    expect(page.locator(".leaflet-interactive").first).to_be_visible()
    shoot(page, "backoffice-inbox-map")


def test_a_dispatcher_routes_an_unrouted_issue_and_merges_a_duplicate(
    desktop_page, dispatcher, jurisdiction, wards, electricity, roads, pothole, reporter, neighbour
):
    page = desktop_page
    electricity.issue_types.clear()  # nobody covers power outages now
    unrouted = report_outage(jurisdiction, reporter, description="Whole block dark")
    first = report_issue(
        jurisdiction=jurisdiction,
        issue_type_code="pothole",
        lat=-26.2056,
        lon=28.0470,
        description="Deep pothole in the left lane",
        reporter=reporter,
    )
    again = report_issue(
        jurisdiction=jurisdiction,
        issue_type_code="pothole",
        lat=-26.2057,
        lon=28.0471,
        description="Pothole outside the Carlton Centre",
        reporter=neighbour,
    )
    sign_in(page, "dispatch")
    page.get_by_role("link", name="Dispatch centre").first.click()
    expect(page.get_by_role("link", name=re.compile("Unrouted"))).to_contain_text("1")
    shoot(page, "backoffice-dispatch")

    page.get_by_label(f"Select issue {unrouted.pk}").check()
    page.get_by_label("Route to").select_option(label="Electricity")
    page.get_by_role("button", name="Route selected").click()
    expect(page.locator(".message-success")).to_contain_text("Routed 1 issues to Electricity")
    unrouted.refresh_from_db()
    assert unrouted.unit == electricity and unrouted.resolution_due is not None

    page.goto(f"/staff/issues/{again.pk}/")
    page.get_by_role("link", name=f"#{first.pk}").click()
    expect(page.get_by_role("heading", name=re.compile("Merge issue"))).to_be_visible()
    expect(page.locator(".side-by-side")).to_contain_text("Deep pothole in the left lane")
    shoot(page, "backoffice-merge")
    page.get_by_role("button", name=f"Merge #{again.pk} into #{first.pk}").click()
    expect(page.locator(".message-success")).to_contain_text("was merged into")
    again.refresh_from_db()
    first.refresh_from_db()
    assert (again.status, again.duplicate_of_id, first.push_count) == (
        Status.DUPLICATE,
        first.pk,
        1,
    )
    shoot(page, "backoffice-issue")


def test_the_keyboard_moves_selects_and_acknowledges(
    desktop_page, staff, electricity, power_outage
):
    page = desktop_page
    first, second = sorted(open_issues(electricity, power_outage, 2), key=lambda i: i.pk)
    sign_in(page, "thandi")
    page.goto(f"/staff/units/{electricity.pk}/?sort=oldest")
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("k")
    expect(page.locator("tr.focused")).to_have_attribute("data-issue", str(first.pk))
    page.keyboard.press("x")
    expect(page.get_by_label(f"Select issue {first.pk}")).to_be_checked()
    page.keyboard.press("a")
    expect(page.locator(".message-success")).to_contain_text("Acknowledged 1 issues")
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (Status.ACKNOWLEDGED, Status.SUBMITTED)
    page.keyboard.press("?")
    expect(page.locator("#shortcuts")).to_have_attribute("open", "")
