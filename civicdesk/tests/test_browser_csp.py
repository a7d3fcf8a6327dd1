"""The Content-Security-Policy in Debian's Chromium: the citizens' main pages (home, the
report flow, the public list and map, an issue with its map) and the back office's (sign-in,
inbox with its map, an issue, an activity, two-factor set-up, the reports, the dispatch
centre), the admin and the API's docs load without a single CSP violation, and htmx and
Leaflet still work under it. Map tiles come from the configured tile server's origin
(answered here by the test)."""

import io
import time

import pytest
from django.conf import settings
from PIL import Image
from playwright.sync_api import expect

from civicdesk.activities.services import create_activity, link_issues
from civicdesk.backoffice.tests.factories import open_issues
from civicdesk.units.models import Dispatcher, Membership
from conftest import CARLTON_CENTRE, report_outage

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]
LAT, LON = (str(c) for c in CARLTON_CENTRE)


def tile_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (256, 256), (200, 220, 200)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def watched(desktop_page, settings):
    """The page, with every CSP violation recorded (the securitypolicyviolation event and
    Chromium's console message), and the tile server's origin answered with a tile."""
    settings.LIVE_STREAM_SECONDS = 2
    settings.LIVE_POLL_SECONDS = 0.2
    page = desktop_page
    violations: list[str] = []
    page.expose_function("reportCspViolation", lambda text: violations.append(text))
    page.add_init_script(
        """document.addEventListener("securitypolicyviolation", (e) =>
             window.reportCspViolation(`${e.violatedDirective} blocked ${e.blockedURI}`
                                       + ` at ${e.sourceFile}:${e.lineNumber}`));"""
    )
    page.on(
        "console",
        lambda message: (
            "Content Security Policy" in message.text and violations.append(message.text)
        ),
    )
    tile = tile_png()
    page.context.route(
        f"{settings_tile_origin()}/**",
        lambda route: route.fulfill(status=200, content_type="image/png", body=tile),
    )
    page.violations = violations
    yield page
    page.goto("about:blank")
    time.sleep(settings.LIVE_STREAM_SECONDS + 0.5)  # live streams end before the database goes


def settings_tile_origin() -> str:
    from civicdesk.settings import url_origin

    return url_origin(settings.MAP_TILE_URL)


def visit(page, path: str) -> None:
    page.goto(path)
    page.wait_for_load_state("networkidle")
    assert page.violations == [], f"{path}: {page.violations}"


def expect_map_with_tiles(page, selector: str) -> None:
    container = page.locator(f"{selector}.leaflet-container")
    expect(container).to_be_visible()
    expect(container.locator("img.leaflet-tile-loaded").first).to_be_attached()


def test_the_policy_forbids_inline_scripts_and_the_watch_sees_it(watched):
    page = watched
    response = page.goto("/")
    policy = response.headers["content-security-policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert "unsafe" not in policy
    assert settings_tile_origin() in directives["img-src"]
    # The browser enforces it, and the watch reports it: injected inline code does not run.
    page.evaluate(
        """() => { const s = document.createElement("script");
                   s.textContent = "window.inlineRan = true"; document.body.append(s);
                   const b = document.createElement("div");
                   b.setAttribute("onclick", "window.handlerRan = true"); document.body.append(b);
                   b.click(); }"""
    )
    assert page.evaluate("[window.inlineRan, window.handlerRan]") == [None, None]
    deadline = time.monotonic() + 5
    while len(page.violations) < 4 and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    assert all("script-src" in violation for violation in page.violations)
    assert any(v.startswith("script-src-elem blocked inline") for v in page.violations)
    assert any(v.startswith("script-src-attr blocked inline") for v in page.violations)


def test_citizens_pages_have_no_violations_and_htmx_and_leaflet_work(
    watched, wards, electricity, reporter
):
    page = watched
    issue = report_outage(electricity.jurisdiction, reporter)
    visit(page, "/")
    visit(page, "/report/")
    # htmx: typing in the search swaps the category list without a page load.
    page.get_by_label("Search the categories").fill("power")
    expect(page.get_by_role("link", name="Power outage")).to_be_visible()
    page.get_by_role("link", name="Power outage").click()
    page.wait_for_load_state("networkidle")
    expect_map_with_tiles(page, "#place-map")
    page.locator("#place-map").click()  # Leaflet: a tap places the marker
    expect(page.locator("#place-map .leaflet-marker-icon")).to_be_visible()
    page.get_by_label("Latitude").fill(LAT)
    page.get_by_label("Longitude").fill(LON)
    page.get_by_role("button", name="Next").click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_label("Describe the issue")).to_be_visible()
    assert page.violations == []
    visit(page, "/issues/")
    visit(page, "/map/")
    expect(page.locator(".leaflet-container")).to_be_visible()
    expect(page.locator(".marker-cluster, .leaflet-marker-icon").first).to_be_visible()
    visit(page, f"/issues/{issue.pk}/")
    expect_map_with_tiles(page, "#issue-map")
    visit(page, "/charter/")
    visit(page, "/account/sign-in/")
    assert page.violations == []


def test_back_office_pages_have_no_violations_and_htmx_and_leaflet_work(
    watched, staff, programme, electricity, power_outage, reporter
):
    page = watched
    Membership.objects.filter(user=staff).update(role=Membership.Role.MANAGER)
    Dispatcher.objects.create(user=staff, jurisdiction=electricity.jurisdiction)
    issues = open_issues(electricity, power_outage, 3)
    activity = create_activity(programme, staff, title="Cable repair")
    link_issues(activity, [issues[0].pk], staff)

    visit(page, "/staff/sign-in/")
    page.get_by_label("Username").fill("thandi")
    page.get_by_label("Password").fill("x")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Your units")).to_be_visible()
    assert page.violations == []

    visit(page, f"/staff/units/{electricity.pk}/")
    visit(page, f"/staff/units/{electricity.pk}/?view=map")
    expect(page.locator(".leaflet-container")).to_be_visible()
    expect(page.locator("path.leaflet-interactive").first).to_be_attached()

    visit(page, f"/staff/issues/{issues[1].pk}/")
    # htmx: the activity search fills itself in (hx-trigger="load"), then follows typing.
    expect(page.locator("#link-options")).to_contain_text("Cable repair")
    page.locator("#link-search").fill("no such activity")
    expect(page.locator("#link-options")).not_to_contain_text("Cable repair")
    visit(page, f"/staff/activities/{activity.pk}/")
    visit(page, "/staff/activities/")
    visit(page, "/staff/dispatch/")
    visit(page, "/staff/two-factor/")
    expect(page.locator(".qr svg")).to_be_visible()
    visit(page, "/reports/")
    visit(page, "/reports/transparency/")
    visit(page, "/admin/")
    visit(page, "/api/v1/docs")
    expect(page.locator(".swagger-ui")).to_be_visible()
    assert page.violations == []
