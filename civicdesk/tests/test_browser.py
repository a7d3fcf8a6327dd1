"""The browser-test set-up itself: Chromium renders a page of the live server."""

import pytest

from civicdesk.testing.browser import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_chromium_renders_the_admin_sign_in_page(page):
    page.goto("/admin/login/")
    assert page.get_by_label("Username").is_visible()
    assert "Civic Desk" in page.title()
    assert screenshot(page, "admin-sign-in").stat().st_size > 1000
