"""Rate limits hit through the real interfaces: citizens' pages, the JSON API and the
sign-in pages of citizens, staff and the admin. Each refusal is a 429 in the interface's
own form with a Retry-After, and changes nothing. (Open311: open311/tests.)"""

import json
import time
import types

import pytest
from django.contrib.auth import get_user_model

from civicdesk.accounts.services import issue_api_token
from civicdesk.issues.models import Issue, Push
from conftest import CARLTON_CENTRE, report_outage

DETAILS = "/report/jhb/power-outage/details/"
REPORT = {
    "service_code": "power-outage",
    "lat": CARLTON_CENTRE[0],
    "lon": CARLTON_CENTRE[1],
    "answers": {"extent": "street"},
}


@pytest.fixture
def limit(settings):
    """Set some limits tight, the others stay generous."""

    def set_limits(**rates: str) -> None:
        settings.RATE_LIMITS = settings.RATE_LIMITS | rates

    return set_limits


@pytest.fixture
def later(monkeypatch):
    """Move django-ratelimit's clock on, as if the window had passed."""

    def move(seconds: float) -> None:
        moved = time.time() + seconds
        monkeypatch.setattr("django_ratelimit.core.time", types.SimpleNamespace(time=lambda: moved))

    return move


def web_report(client, n: int, email: str = "lerato@example.org", **extra):
    return client.post(
        DETAILS,
        {
            "lat": str(CARLTON_CENTRE[0]),
            "lon": str(CARLTON_CENTRE[1]),
            "q_extent": "street",
            "description": f"Report {n}",
            "email": email,
            "key": f"report-key-{n:08d}-{email.split('@')[0]}",
        },
        **extra,
    )


def assert_html_429(response, words: str) -> None:
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    html = response.content.decode()
    assert words in html and "Please try again after" in html


def test_web_reports_per_account_then_per_address(client, wards, electricity, limit):
    limit(report_per_account="2/h", report_per_ip="3/h")
    assert [web_report(client, n).status_code for n in range(2)] == [302, 302]
    refused = web_report(client, 2)
    assert_html_429(refused, "Too many reports")
    assert Issue.objects.count() == 2
    # Another citizen on the same address may report, until the address is full.
    assert web_report(client, 3, email="sipho@example.org").status_code == 302
    assert_html_429(web_report(client, 4, email="thabo@example.org"), "Too many reports")
    # Another address is counted apart, the same account still is not.
    other = {"REMOTE_ADDR": "10.9.8.7"}
    assert web_report(client, 5, email="thabo@example.org", **other).status_code == 302
    assert web_report(client, 6, **other).status_code == 429
    assert Issue.objects.count() == 4


def test_limits_reset_after_the_window(client, wards, electricity, limit, later):
    limit(report_per_account="1/h")
    assert web_report(client, 0).status_code == 302
    assert web_report(client, 1).status_code == 429
    later(3601)
    assert web_report(client, 2).status_code == 302
    assert Issue.objects.count() == 2


def test_invalid_reports_and_retries_do_not_count(client, wards, electricity, limit):
    limit(report_per_account="1/h")
    bad = client.post(DETAILS, {"email": "lerato@example.org", "key": "k" * 20})
    assert bad.status_code == 400
    assert web_report(client, 0).status_code == 302
    # The same key again is the same report (the offline queue retrying): not a new one.
    assert web_report(client, 0).status_code == 302
    assert web_report(client, 1).status_code == 429
    assert Issue.objects.count() == 1


def test_the_offline_queue_gets_json(client, wards, electricity, limit):
    limit(report_per_ip="1/h")
    web_report(client, 0)
    refused = web_report(client, 1, HTTP_ACCEPT="application/json")
    assert refused.status_code == 429 and refused["Retry-After"]
    assert "Too many reports" in refused.json()["detail"]


@pytest.fixture
def amahle(db):
    return get_user_model().objects.create_user("amahle", password="x")


def api_call(client, token: str, method: str, path: str, body=None, **extra):
    return getattr(client, method)(
        f"/api/v1{path}",
        data=json.dumps(body) if body is not None else None,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
        **extra,
    )


def test_api_reports_per_account_and_per_token(client, wards, electricity, amahle, limit):
    limit(report_per_key="2/h", report_per_account="3/h")
    first, second = issue_api_token(amahle, "phone"), issue_api_token(amahle, "tablet")
    assert [api_call(client, first, "post", "/issues", REPORT).status_code for _ in "ab"] == [
        201,
        201,
    ]
    refused = api_call(client, first, "post", "/issues", REPORT)
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert set(refused.json()) == {"detail"} and "Too many reports" in refused.json()["detail"]
    assert api_call(client, second, "post", "/issues", REPORT).status_code == 201
    # The account is full whichever token it uses.
    assert api_call(client, second, "post", "/issues", REPORT).status_code == 429
    assert Issue.objects.count() == 3


def test_api_and_web_pushes(client, wards, electricity, reporter, amahle, limit):
    limit(push_per_account="1/h", push_per_ip="2/h")
    issues = [report_outage(electricity.jurisdiction, reporter) for _ in range(3)]
    token = issue_api_token(amahle)
    assert api_call(client, token, "post", f"/issues/{issues[0].pk}/push").status_code == 200
    refused = api_call(client, token, "post", f"/issues/{issues[1].pk}/push")
    assert refused.status_code == 429 and "Too many pushes" in refused.json()["detail"]
    # Withdrawing is counted with pushing, and refused too.
    assert api_call(client, token, "delete", f"/issues/{issues[0].pk}/push").status_code == 429
    # A signed-out citizen on the page: their own account, but the same address.
    page = client.post(f"/issues/{issues[1].pk}/push/", {"email": "sipho@example.org"})
    assert page.status_code == 302
    refused = client.post(f"/issues/{issues[2].pk}/push/", {"email": "thabo@example.org"})
    assert_html_429(refused, "Too many pushes")
    assert Push.objects.count() == 2
    assert sorted(Issue.objects.values_list("push_count", flat=True)) == [0, 1, 1]


@pytest.fixture
def citizen_account(db):
    from civicdesk.citizens.services.account import sign_up

    return sign_up(email="lerato@example.org", password="a long passphrase 7")


def citizen_sign_in(client, password: str, email="lerato@example.org", **extra):
    return client.post("/account/sign-in/", {"email": email, "password": password}, **extra)


def test_failed_citizen_sign_ins_lock_the_account_not_successes(client, citizen_account, limit):
    limit(sign_in_per_account="3/15m", sign_in_per_ip="100/15m")
    for _ in range(5):  # successes never count
        assert citizen_sign_in(client, "a long passphrase 7").status_code == 302
        client.post("/account/sign-out/")
    assert [citizen_sign_in(client, "wrong").status_code for _ in range(3)] == [400] * 3
    # Now even the right password is refused, before it is tried.
    assert_html_429(citizen_sign_in(client, "a long passphrase 7"), "Too many failed sign-ins")
    assert "_auth_user_id" not in client.session
    # From another address too: the account is what is attacked.
    elsewhere = citizen_sign_in(client, "a long passphrase 7", REMOTE_ADDR="10.1.2.3")
    assert elsewhere.status_code == 429


def test_failed_sign_ins_per_address_over_many_accounts(client, citizen_account, limit, later):
    limit(sign_in_per_account="100/15m", sign_in_per_ip="3/15m")
    for n in range(3):
        assert citizen_sign_in(client, "guess", email=f"user{n}@example.org").status_code == 400
    assert citizen_sign_in(client, "a long passphrase 7").status_code == 429
    later(15 * 60 + 1)
    assert citizen_sign_in(client, "a long passphrase 7").status_code == 302


def test_staff_and_admin_sign_in_are_throttled(client, db, limit):
    limit(sign_in_per_account="2/15m", sign_in_per_ip="100/15m")
    get_user_model().objects.create_superuser("root", password="a long passphrase 7")
    for url in ("/staff/sign-in/", "/admin/login/"):
        client.post(url, {"username": "root", "password": "wrong"})
    assert_html_429(
        client.post("/admin/login/", {"username": "ROOT", "password": "a long passphrase 7"}),
        "Too many failed sign-ins",
    )
    assert_html_429(
        client.post("/staff/sign-in/", {"username": "root", "password": "a long passphrase 7"}),
        "Too many failed sign-ins",
    )
    assert "_auth_user_id" not in client.session
    # Looking at the page is no sign-in.
    assert client.get("/staff/sign-in/").status_code == 200


def test_sign_in_links_per_address_asked_for(client, db, limit, mailoutbox):
    limit(sign_in_link_per_account="2/h", sign_in_link_per_ip="3/h")
    for _ in range(2):
        sent = client.post("/account/sign-in/link/", {"email": "Lerato@example.org"})
        assert sent.status_code == 200
    refused = client.post("/account/sign-in/link/", {"email": "lerato@example.org"})
    assert_html_429(refused, "Too many sign-in links")
    assert client.post("/account/sign-in/link/", {"email": "sipho@example.org"}).status_code == 200
    assert client.post("/account/sign-in/link/", {"email": "thabo@example.org"}).status_code == 429
    assert len(mailoutbox) == 3


def test_wrong_sign_in_links_count_as_failed_sign_ins(client, db, limit):
    limit(sign_in_per_ip="2/15m")
    for _ in range(2):
        assert client.post("/account/sign-in/link/not-a-token/").status_code == 400
    assert client.post("/account/sign-in/link/not-a-token/").status_code == 429


def test_behind_a_proxy_the_address_it_adds_counts(client, wards, electricity, limit, settings):
    settings.RATE_LIMIT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    limit(report_per_ip="1/h")
    spoofed = {"HTTP_X_FORWARDED_FOR": "1.1.1.1, 10.0.0.7"}
    assert web_report(client, 0, email="a@example.org", **spoofed).status_code == 302
    # Whatever the client claims first, the proxy's last entry is what is counted.
    spoofed = {"HTTP_X_FORWARDED_FOR": "2.2.2.2, 10.0.0.7"}
    assert web_report(client, 1, email="b@example.org", **spoofed).status_code == 429
    other = {"HTTP_X_FORWARDED_FOR": "10.0.0.8"}
    assert web_report(client, 2, email="c@example.org", **other).status_code == 302
