"""POST servicerequestupdates: an outside provider pushing progress on what we forwarded."""

import pytest

from civicdesk.forwarding.models import Forwarding, Provider
from civicdesk.issues.models import Status
from civicdesk.open311.services import register_application
from conftest import report_outage


@pytest.fixture
def provider_key(city, electricity):
    """Electricity is an outside utility with its own Open311 server; it pushes updates to
    us with its own key. Nothing listens at its endpoint: nothing here needs it."""
    application, raw = register_application("Utility updates")
    electricity.is_external = True
    electricity.save()
    Provider.objects.create(
        unit=electricity,
        endpoint="http://127.0.0.1:9/open311/v2/",
        api_key="our-key-there",
        service_codes={"power-outage": "PWR"},
        push_application=application,
    )
    return raw


@pytest.fixture
def forwarded(city, provider_key):
    issue = report_outage(city)
    Forwarding.objects.filter(issue=issue).update(
        state=Forwarding.State.SENT, service_request_id="PWR-9"
    )
    issue.provider_reference = "PWR-9"
    issue.save()
    return issue


def update(key: str, **fields) -> dict:
    return {
        "api_key": key,
        "service_request_id": "PWR-9",
        "update_id": "u-1",
        "updated_datetime": "2026-11-23T10:00:00+02:00",
        "status": "IN_PROGRESS",
        "description": "Crew on site",
    } | fields


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_pushed_update_reaches_the_issue_once(api, forwarded, provider_key, fmt):
    answer = api.post(f"servicerequestupdates.{fmt}", update(provider_key))
    assert answer.status == 200, answer.body
    if fmt == "json":
        assert answer.body == [{"update_id": "u-1"}]
    else:
        assert answer.body.tag == "service_request_updates"
        assert answer.body.findtext("request_update/update_id") == "u-1"
    again = api.post(f"servicerequestupdates.{fmt}", update(provider_key))
    assert again.status == 200
    forwarded.refresh_from_db()
    assert forwarded.status == Status.IN_PROGRESS
    assert forwarded.events.filter(kind="status", note="Crew on site").count() == 1
    [item] = api.get(f"requests/{forwarded.pk}.json").body
    assert item["status_notes"] == "Crew on site"


def test_pushes_need_the_providers_own_key(api, forwarded, provider_key):
    assert api.post("servicerequestupdates.json", update("")).status == 403
    _, stranger = register_application("Some citizen app")
    answer = api.post("servicerequestupdates.json", update(stranger))
    assert answer.status == 403
    assert "not a provider" in answer.errors()[0][1]
    forwarded.refresh_from_db()
    assert forwarded.status == Status.SUBMITTED


def test_unknown_request_and_bad_fields(api, forwarded, provider_key):
    missing = api.post("servicerequestupdates.json", update(provider_key, service_request_id="X"))
    assert missing.status == 404
    assert "'X'" in missing.errors()[0][1]
    bad = api.post("servicerequestupdates.xml", update(provider_key, updated_datetime="yesterday"))
    assert bad.status == 400
    assert bad.body.tag == "errors"
    forwarded.refresh_from_db()
    assert forwarded.status == Status.SUBMITTED
