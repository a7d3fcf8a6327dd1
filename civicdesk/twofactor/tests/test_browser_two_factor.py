"""Two-factor sign-in in Debian's Chromium: a staff member enrols from the back office's
navigation (reading the key shown beside the QR code, as an app would), keeps the backup
codes, signs out, and signs in again with the password and then a code."""

import base64
import time

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect

from civicdesk.testing.browser import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def app_code(secret: str, steps_ahead: int = 0) -> str:
    """What an authenticator app shows for the base32 key on the page."""
    key = base64.b32decode(secret.replace(" ", ""))
    clock = TOTP(key)
    clock.time = time.time() + steps_ahead * 30
    return f"{clock.token():06d}"


def test_a_staff_member_enrols_and_signs_in_with_a_code(desktop_page, staff, programme):
    page = desktop_page
    page.goto("/staff/sign-in/")
    page.get_by_label("Username").fill("thandi")
    page.get_by_label("Password").fill("x")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Your units")).to_be_visible()

    page.get_by_role("link", name="Two-factor sign-in").click()
    expect(page.locator(".qr svg")).to_be_visible()
    secret = page.locator("code.secret").inner_text()
    screenshot(page, "staff-two-factor-enrolment")
    page.get_by_label("Code from the app").fill(app_code(secret))
    page.get_by_role("button", name="Turn on").click()
    expect(page.get_by_role("heading", name="Your backup codes")).to_be_visible()
    assert page.locator(".backup-codes li").count() == 10

    page.get_by_role("button", name="Sign out").click()
    page.get_by_label("Username").fill("thandi")
    page.get_by_label("Password").fill("x")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Second step: your code")).to_be_visible()
    # The enrolment used this period's code: the app's next one is accepted, once.
    page.get_by_label("Code").fill(app_code(secret, steps_ahead=1))
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Your units")).to_be_visible()
