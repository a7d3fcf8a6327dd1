"""The citizens' app in Debian's Chromium: reporting with a photo, pushing a suggested
duplicate, a live update arriving, feedback, bad input kept, a report made offline and
sent once when the connection returns. Screenshots of the main pages at phone and
desktop widths go to var/screenshots/ for review."""

import re
from pathlib import Path

import pytest
from django.core import mail
from PIL import Image

from civicdesk.accounts.models import User
from civicdesk.activities.services import create_activity, update_activity
from civicdesk.citizens.models import ReportKey
from civicdesk.citizens.services.account import ensure_citizen
from civicdesk.issues.models import Issue, Status
from civicdesk.issues.services import push
from civicdesk.testing.browser import screenshot
from conftest import CARLTON_CENTRE, report_outage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LAT, LON = (str(c) for c in CARLTON_CENTRE)


@pytest.fixture(autouse=True)
def quiet_network(settings, tmp_path):
    """Photos in a temporary folder; live streams that answer quickly; no tile server
    (the closed network has none, and the pages must work without tiles anyway)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.LIVE_POLL_SECONDS, settings.LIVE_KEEPALIVE_SECONDS = 0.2, 1
    settings.LIVE_STREAM_SECONDS = 30
    settings.MAP_TILE_URL = "http://127.0.0.1:9/{z}/{x}/{y}.png"


def photo_file(tmp_path: Path) -> Path:
    path = tmp_path / "outage.jpg"
    Image.new("RGB", (1200, 900), (40, 40, 60)).save(path, "JPEG")
    return path


def fill_details(page, tmp_path: Path, email="lerato@example.org") -> None:
    page.get_by_label("The street").check()
    page.get_by_label("Photos", exact=True).set_input_files(str(photo_file(tmp_path)))
    page.get_by_label("Describe the issue").fill("No power since 6am, the whole block")
    page.get_by_label("E-mail").fill(email)


def test_reporting_an_issue_with_a_photo(page, desktop_page, tmp_path, wards, electricity):
    page.goto("/")
    assert page.get_by_role("heading", name="Something broken in your street?").is_visible()
    screenshot(page, "citizen-home-phone")
    page.get_by_role("link", name="Report an issue").first.click()
    page.get_by_label("Search the categories").fill("power")
    page.get_by_role("link", name="Power outage").click()
    screenshot(page, "citizen-report-1-place-phone")
    page.get_by_label("Latitude").fill(LAT)
    page.get_by_label("Longitude").fill(LON)
    page.get_by_role("button", name="Next").click()
    page.wait_for_url(re.compile(r"/details/"))
    fill_details(page, tmp_path)
    screenshot(page, "citizen-report-2-details-phone")
    page.get_by_role("button", name="Send the report").click()
    page.wait_for_url(re.compile(r"/report/sent/\d+/"))
    issue = Issue.objects.get()
    assert page.get_by_text(f"#{issue.pk}", exact=True).is_visible()
    assert page.get_by_text("Response by").is_visible()
    screenshot(page, "citizen-report-3-sent-phone")
    assert issue.photos.count() == 1 and issue.answers == {"extent": "street"}
    assert issue.reporter.email == "lerato@example.org"

    for path, name in [
        ("/", "citizen-home-desktop"),
        ("/report/", "citizen-report-0-category-desktop"),
        ("/report/jhb/power-outage/", "citizen-report-1-place-desktop"),
        (
            f"/report/jhb/power-outage/details/?lat={LAT}&lon={LON}",
            "citizen-report-2-details-desktop",
        ),
        (f"/report/sent/{issue.pk}/", "citizen-report-3-sent-desktop"),
        (f"/issues/{issue.pk}/", "citizen-issue-desktop"),
    ]:
        desktop_page.goto(path)
        screenshot(desktop_page, name)
    page.goto("/report/")
    screenshot(page, "citizen-report-0-category-phone")


def test_bad_input_shows_messages_next_to_the_fields_and_keeps_it(page, wards, electricity):
    page.goto(f"/report/jhb/power-outage/details/?lat={LAT}&lon={LON}")
    page.get_by_label("Describe the issue").fill("Sparks from the pole")
    page.get_by_label("E-mail").fill("lerato-at-example")
    page.get_by_role("button", name="Send the report").click()
    page.wait_for_selector(".field-error")
    assert page.get_by_text("Some answers need a change").is_visible()
    email = page.locator(".field", has=page.get_by_label("E-mail"))
    assert "Enter a valid email address." in email.inner_text()
    question = page.locator(".field", has_text="How many homes are affected?")
    assert "This field is required." in question.inner_text()
    assert page.get_by_label("Describe the issue").input_value() == "Sparks from the pole"
    assert page.get_by_label("E-mail").input_value() == "lerato-at-example"
    screenshot(page, "citizen-report-errors-phone")
    assert not Issue.objects.exists()


def test_pushing_a_suggested_duplicate_instead_of_reporting(page, wards, electricity, reporter):
    existing = report_outage(electricity.jurisdiction, reporter=reporter, description="Dark")
    page.goto(f"/report/jhb/power-outage/details/?lat={float(LAT) + 0.0005}&lon={LON}")
    nearby = page.locator(".nearby")
    assert nearby.get_by_role("heading", name="Is it one of these?").is_visible()
    screenshot(page, "citizen-report-nearby-phone")
    nearby.get_by_label("E-mail").fill("sipho@example.org")
    nearby.get_by_role("button", name="Yes, push this one").click()
    page.wait_for_url(f"**/issues/{existing.pk}/")
    assert page.get_by_text(f"you push issue #{existing.pk}").is_visible()
    assert page.get_by_text("1 person pushes this issue").is_visible()
    assert Issue.objects.count() == 1


def test_a_change_by_staff_appears_on_the_open_page(page, wards, electricity, programme, staff):
    issue = report_outage(electricity.jurisdiction)
    page.goto(f"/issues/{issue.pk}/")
    assert page.locator("[data-status]").inner_text() == "Submitted"
    page.wait_for_timeout(800)  # the stream is connected
    activity = create_activity(programme, staff, title="Replace the transformer", issues=[issue])
    update_activity(activity, staff, status="in_progress", public_summary="Crew on site")
    # A function, not an expression: the page's CSP forbids the eval an expression needs.
    page.wait_for_function(
        "() => document.querySelector('[data-status]').textContent === 'In progress'",
        timeout=10_000,
    )
    update_activity(activity, staff, progress=60, public_summary="Cable laid, testing tonight")
    page.get_by_text("Cable laid, testing tonight").first.wait_for(timeout=10_000)
    assert page.get_by_text("Work 60% done").is_visible()
    assert page.evaluate("performance.getEntriesByType('navigation').length") == 1
    screenshot(page, "citizen-issue-live-phone")


def test_giving_feedback_after_the_resolution(page, wards, electricity, programme, staff, reporter):
    issue = report_outage(electricity.jurisdiction, reporter=reporter)
    activity = create_activity(programme, staff, title="Replace the transformer", issues=[issue])
    update_activity(activity, staff, status="completed", public_summary="Transformer replaced")
    page.goto(f"/issues/{issue.pk}/")
    feedback = page.locator("#feedback")
    assert feedback.get_by_role("heading", name="Is it fixed?").is_visible()
    screenshot(page, "citizen-issue-feedback-phone")
    feedback.get_by_label("No, it is not fixed").check()
    feedback.get_by_label("2", exact=True).check()
    feedback.get_by_label("Comment").fill("Still no power on our side of the street")
    # On another phone than the report's: a code mailed to the reporter proves who they are.
    feedback.get_by_label("E-mail").fill("lerato@example.org")
    feedback.get_by_role("button", name="Send feedback").click()
    page.get_by_text("a code is on its way").wait_for()
    [message] = mail.outbox
    code = re.search(r"\b(\d{6})\b", message.body).group(1)
    feedback.get_by_label("The code we sent").fill(code)
    feedback.get_by_role("button", name="Send feedback").click()
    page.get_by_text("Thank you. The issue is reopened").wait_for()
    issue.refresh_from_db()
    assert issue.status == Status.REOPENED
    assert issue.feedback.get().comment == "Still no power on our side of the street"


def test_a_report_made_offline_is_sent_once_when_the_connection_returns(
    page, tmp_path, wards, electricity
):
    page.goto(f"/report/jhb/power-outage/details/?lat={LAT}&lon={LON}")
    page.wait_for_function(
        "() => navigator.serviceWorker && navigator.serviceWorker.controller !== undefined"
    )
    fill_details(page, tmp_path)
    page.context.set_offline(True)
    page.get_by_role("button", name="Send the report").click()
    waiting = page.get_by_text("One report is waiting on this phone")
    waiting.wait_for()
    screenshot(page, "citizen-report-offline-waiting-phone")
    assert not Issue.objects.exists()
    page.context.set_offline(False)
    page.get_by_text("Your waiting report was sent").wait_for(timeout=15_000)
    issue = Issue.objects.get()
    assert ReportKey.objects.get().issue == issue and issue.photos.count() == 1
    # Flushing again (another tab, a retry) finds nothing to send and makes no issue.
    page.evaluate("window.civicOutbox.flush()")
    page.wait_for_timeout(500)
    assert Issue.objects.count() == 1


def test_my_issues_and_sign_in_pages(page, desktop_page, wards, electricity):
    user = User.objects.create_user(
        "lerato@example.org", email="lerato@example.org", password="pw-9x!"
    )
    citizen = ensure_citizen(user)
    mine = report_outage(electricity.jurisdiction, reporter=citizen)
    push(report_outage(electricity.jurisdiction), citizen)
    for browser_page, width in ((page, "phone"), (desktop_page, "desktop")):
        browser_page.goto("/account/sign-in/")
        screenshot(browser_page, f"citizen-sign-in-{width}")
        form = browser_page.locator("form", has=browser_page.get_by_label("Password"))
        form.get_by_label("E-mail").fill("lerato@example.org")
        form.get_by_label("Password").fill("pw-9x!")
        form.get_by_role("button", name="Sign in").click()
        browser_page.wait_for_url("**/my/issues/")
        assert browser_page.get_by_text(f"#{mine.pk} Power outage").is_visible()
        assert browser_page.locator(".my-issues > li").count() == 2
        screenshot(browser_page, f"citizen-my-issues-{width}")
    page.goto(f"/issues/{mine.pk}/")
    screenshot(page, "citizen-issue-phone")
