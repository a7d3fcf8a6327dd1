"""Numbers that are not plain numbers: "²" is a digit to Python's isdigit() but int() refuses
it, and a 30-digit id overflows the database's columns. Every interface answers them in its
own convention (a 400, a 404, a help text, the default) and never with a 500."""

import pytest
from django.test import Client

from conftest import report_outage

SUPERSCRIPT = "²"
HUGE = "9" * 30


@pytest.fixture
def issue(wards, electricity, reporter):
    return report_outage(electricity.jurisdiction, reporter)


@pytest.mark.parametrize("value", [SUPERSCRIPT, HUGE])
def test_public_pages(client, issue, value):
    assert client.get("/map/data.json", {"bbox": "-27,27,-26,29", "zoom": value}).status_code < 500
    assert client.get(f"/live/issues/{issue.pk}/events/", {"after": value}).status_code < 500
    assert client.get(f"/open311/v2/requests/{value}.json").status_code in (400, 404)
    answer = client.get("/open311/v2/requests.json", {"service_request_id": value})
    assert answer.status_code in (200, 400, 404)


@pytest.mark.parametrize("value", [SUPERSCRIPT, HUGE])
def test_staff_pages(client, issue, staff, value):
    client.force_login(staff)
    assert client.get(f"/staff/issues/{issue.pk}/merge/", {"into": value}).status_code < 500
    page = client.post(f"/staff/issues/{issue.pk}/", {"action": "link", "activity": value})
    assert page.status_code < 500
    inbox = f"/staff/units/{issue.unit_id}/"
    assert client.get(inbox, {"size": value}).status_code == 200
    assert client.post(inbox, {"action": "acknowledge", "ids": value}).status_code < 500


@pytest.mark.parametrize("value", [SUPERSCRIPT, HUGE])
def test_phone_callbacks(settings, issue, value):
    settings.PHONELINES_CALLBACK_TOKEN = "t0ken"
    phone = Client()
    sms = {"from": "+27825550199", "to": "31122", "text": f"STATUS {value}", "id": f"m-{value}"}
    sms |= {"date": "2026-12-05 10:00:00", "linkId": ""}
    assert phone.post("/phone/sms/t0ken/", sms).status_code == 200
    ussd = {"sessionId": f"s-{value}", "serviceCode": "*120*311#", "networkCode": "65501"}
    ussd |= {"phoneNumber": "+27825550199", "text": value}
    assert phone.post("/phone/ussd/t0ken/", ussd).status_code == 200
