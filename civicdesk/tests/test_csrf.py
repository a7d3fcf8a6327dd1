"""CSRF on every form: every template's POST form carries {% csrf_token %}, every rendered
page's POST forms carry the token, and a POST without the token to any page of the URL
configuration is refused (403) before it changes anything. The endpoints that take POSTs
without CSRF are listed with the reason; /api/v1 with a session still needs the token."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from civicdesk.accounts.models import User
from civicdesk.activities.services import create_activity
from civicdesk.assets.models import Asset
from civicdesk.slawatch.models import EscalationRule
from conftest import report_outage

ROOT = Path(__file__).resolve().parents[1]
POST_FORM = re.compile(r"<form\b[^>]*\bmethod=[\"']?post[\"']?[^>]*>", re.IGNORECASE)

# Endpoints that take POSTs without Django's CSRF check, and why that is safe: none of
# them acts on a browser's cookies alone.
CSRF_EXEMPT = {
    "alerts/unsubscribe/": "RFC 8058 one-click unsubscribe: mail clients POST with no session;"
    " the signed token in the URL is the authorisation",
    "open311/v2/": "Open311 GeoReport v2: client applications POST with their api_key",
    "api/v1/": "JSON API: bearer tokens; a session is accepted only with the CSRF token,"
    " checked by django-ninja's django_auth (tested below)",
    "phone/ussd/": "Africa's Talking USSD callbacks: the secret token in the URL",
    "phone/sms/": "Africa's Talking SMS callbacks: the secret token in the URL",
}


def routes(patterns=None, prefix: str = ""):
    """(route, view) for every URL of the configuration."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            yield from routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.callback


def exempt_reason(route: str) -> str | None:
    return next((why for start, why in CSRF_EXEMPT.items() if route.startswith(start)), None)


def concrete(route: str, values: dict[str, str]) -> str | None:
    """The route with its parameters filled in: known objects by name, else a placeholder
    (the CSRF check runs before the view looks anything up). None for regex routes."""
    if route.startswith("^") or "(?P" in route:
        return None

    def fill(match: re.Match) -> str:
        converter, name = match.group(1) or "str", match.group(2)
        if name in values:
            return values[name]
        return "1" if converter in {"int", "path"} else "x"

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", fill, route)


def template_files():
    yield from sorted(ROOT.rglob("templates/**/*.html"))


def test_every_post_form_in_the_templates_has_a_csrf_token():
    checked, missing = 0, []
    for path in template_files():
        text = path.read_text()
        for opening in POST_FORM.finditer(text):
            end = text.find("</form>", opening.end())
            body = text[opening.end() : end if end != -1 else len(text)]
            checked += 1
            if "{% csrf_token %}" not in body:
                missing.append(f"{path.relative_to(ROOT)}: {opening.group(0)}")
    assert checked >= 30, "the scan found too few forms: is the pattern still right?"
    assert missing == []


def test_every_exempt_endpoint_is_listed_with_its_reason():
    exempt = [route for route, view in routes() if getattr(view, "csrf_exempt", False)]
    assert exempt, "no exempt endpoint found: the scan is broken"
    unlisted = [route for route in exempt if exempt_reason(route) is None]
    assert unlisted == []
    unused = [start for start in CSRF_EXEMPT if not any(r.startswith(start) for r in exempt)]
    assert unused == []


@pytest.fixture
def site(wards, electricity, programme, staff, jurisdiction):
    issue = report_outage(jurisdiction)
    activity = create_activity(programme, staff, title="Replace the cable")
    rule = EscalationRule.objects.create(
        unit=electricity, after=timedelta(hours=1), recipient="managers"
    )
    asset = Asset.objects.create(
        jurisdiction=jurisdiction, kind="street_light", reference="SL-1", lat=-26.2, lon=28.04
    )
    admin = User.objects.create_superuser("root", password="x")
    return {
        "values": {
            "issue_id": str(issue.pk),
            "unit_id": str(electricity.pk),
            "programme_id": str(programme.pk),
            "activity_id": str(activity.pk),
            "rule_id": str(rule.pk),
            "area_id": str(wards[0].pk),
            "city": jurisdiction.slug,
            "code": "power-outage",
            "reference": asset.reference,
            "object_id": str(issue.pk),
        },
        "admin": admin,
        "issue": issue,
    }


def snapshot() -> dict[str, list]:
    return {
        model._meta.label: sorted(map(repr, model.objects.values_list()))
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
    }


def page_urls(values: dict[str, str]) -> list[str]:
    urls = []
    for route, view in routes():
        if getattr(view, "csrf_exempt", False) or route.startswith("admin/"):
            continue
        url = concrete(route, values)
        if url is not None and url not in urls:
            urls.append(url)
    return urls


@pytest.mark.slow
def test_rendered_pages_put_the_token_in_every_post_form(site):
    """Every page of the URL configuration, as a visitor and as an administrator: each POST
    form in the HTML carries the csrfmiddlewaretoken field."""
    urls = page_urls(site["values"])
    staff_client = Client()
    staff_client.force_login(site["admin"])
    forms_seen, missing = set(), []
    for client in (Client(), staff_client):
        for url in urls:
            response = client.get(url)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            html = response.content.decode()
            for opening in POST_FORM.finditer(html):
                end = html.find("</form>", opening.end())
                forms_seen.add(url)
                if 'name="csrfmiddlewaretoken"' not in html[opening.end() : end]:
                    missing.append(f"{url}: {opening.group(0)}")
    assert missing == []
    # The report flow, issue, account and back-office pages all have forms.
    expected = {"/staff/sign-in/", "/account/sign-in/", "/staff/two-factor/", "/staff/"}
    expected |= {
        f"/issues/{site['values']['issue_id']}/",
        f"/staff/issues/{site['values']['issue_id']}/",
    }
    assert expected <= forms_seen
    assert len(forms_seen) >= 20


def test_a_post_without_the_token_is_refused_everywhere_and_changes_nothing(site):
    """With the session and CSRF cookies a browser would send (a forged cross-site POST),
    but no token: every page URL and every admin URL answers 403 before its view runs."""
    values = site["values"]
    urls = page_urls(values) + [
        url
        for route, view in routes()
        if route.startswith("admin/") and (url := concrete(route, values)) is not None
    ]
    client = Client(enforce_csrf_checks=True)
    client.force_login(site["admin"])
    client.get("/staff/")  # sets the CSRF cookie, as a visit before the attack would
    assert client.cookies.get("csrftoken")
    before = snapshot()
    accepted = []
    for url in urls:
        response = client.post(url, {"action": "acknowledge", "ids": values["issue_id"]})
        if response.status_code != 403 or b"CSRF" not in response.content:
            accepted.append(f"{url}: {response.status_code}")
    assert accepted == []
    assert len(urls) > 100
    assert snapshot() == before


def test_the_same_post_with_the_token_is_accepted(site):
    """The control: the refusal above is CSRF's, not the URL's."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(site["admin"])
    client.get("/staff/")
    token = client.cookies["csrftoken"].value
    issue = site["issue"]
    response = client.post(
        f"/staff/units/{site['values']['unit_id']}/selection/",
        {"action": "acknowledge", "ids": str(issue.pk), "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    issue.refresh_from_db()
    assert issue.status == "acknowledged"


def test_the_api_with_a_session_needs_the_csrf_token(site):
    citizen = User.objects.create_user("amahle@example.org", password="x")
    client = Client(enforce_csrf_checks=True)
    client.force_login(citizen)
    client.get("/account/")
    issue = site["issue"]
    url = f"/api/v1/issues/{issue.pk}/push"
    refused = client.post(url, content_type="application/json")
    assert refused.status_code == 403
    issue.refresh_from_db()
    assert issue.push_count == 0
    accepted = client.post(
        url,
        content_type="application/json",
        headers={"X-CSRFToken": client.cookies["csrftoken"].value},
    )
    assert accepted.status_code in {200, 201}
    issue.refresh_from_db()
    assert issue.push_count == 1
