"""The report pages in Chromium: a manager asks for a report, reads the chart and the
table; the public transparency page on a phone. Screenshots for review."""

from datetime import timedelta

import pytest
from django.utils import timezone

from civicdesk.activities.services import create_activity, update_activity
from civicdesk.issues.services import Contact, acknowledge
from civicdesk.reports.working_time import measure_working_times
from civicdesk.testing.browser import screenshot
from civicdesk.timekeeping import as_of
from conftest import report_outage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def six_months(wards, electricity, programme, staff):
    """Outages over six months, answered faster month by month."""
    now = timezone.now()
    for month in range(6):
        for n in range(6):
            reported = now - timedelta(days=30 * (5 - month) + 3, hours=n)
            with as_of(reported):
                issue = report_outage(
                    electricity.jurisdiction, Contact(email=f"m{month}n{n}@example.org")
                )
            late = n >= month  # later months meet more targets
            with as_of(reported + timedelta(hours=6 if late else 1)):
                acknowledge(issue, staff)
            if n < 5:
                with as_of(reported + timedelta(hours=30 if late else 8)):
                    activity = create_activity(programme, staff, title="Fix", issues=[issue])
                    update_activity(activity, staff, status="completed")
    measure_working_times()


def test_a_manager_reads_the_sla_report_and_the_public_sees_the_figures(
    desktop_page, page, six_months, staff
):
    desktop_page.goto("/reports/")
    desktop_page.get_by_label("Username").fill(staff.username)
    desktop_page.get_by_label("Password").fill("x")
    desktop_page.get_by_role("button", name="Sign in").click()
    desktop_page.get_by_label("Group by").select_option("unit")
    desktop_page.get_by_label("Then by").select_option("month")
    desktop_page.get_by_role("button", name="Show").click()
    table = desktop_page.locator("table.report-table")
    assert table.locator("tbody tr").count() == 6
    assert table.locator("tfoot").get_by_text("All").is_visible()
    assert desktop_page.locator("svg circle").count() >= 10
    screenshot(desktop_page, "reports-sla-unit-month")

    page.goto("/reports/transparency/")
    assert page.get_by_role("heading", name="How fast the city responds").is_visible()
    assert page.locator("table.report-table").get_by_text("Electricity").is_visible()
    screenshot(page, "reports-transparency-phone")
