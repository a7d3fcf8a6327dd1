"""The callbacks' gate: the secret token in the URL, the optional allow-list of gateway
addresses, and malformed callbacks refused with a 400 that changes nothing."""

import pytest

from civicdesk.accounts.models import Citizen
from civicdesk.phonelines.models import InboundSms, UssdSession
from civicdesk.phonelines.tests.conftest import PHONE, TOKEN, USSD_CODE

USSD = {
    "sessionId": "ATUid_1",
    "serviceCode": USSD_CODE,
    "phoneNumber": PHONE,
    "networkCode": "65501",
    "text": "",
}
SMS = {
    "from": PHONE,
    "to": "31122",
    "text": "HELP",
    "date": "2026-03-02 08:15:00",
    "id": "ATXid_1",
    "linkId": "",
}


def nothing_changed() -> bool:
    return not (
        Citizen.objects.exists() or UssdSession.objects.exists() or InboundSms.objects.exists()
    )


@pytest.mark.parametrize(
    ("kind", "change"),
    [
        ("ussd", {"sessionId": None}),
        ("ussd", {"sessionId": ""}),
        ("ussd", {"phoneNumber": None}),
        ("ussd", {"phoneNumber": "not a phone"}),
        ("ussd", {"serviceCode": "*120*<script>#"}),
        ("ussd", {"text": None}),
        ("ussd", {"text": "1*" * 1001}),
        ("sms", {"id": None}),
        ("sms", {"id": ""}),
        ("sms", {"from": "+27 82 ABC"}),
        ("sms", {"to": ""}),
        ("sms", {"text": None}),
        ("sms", {"linkId": "x" * 101}),
    ],
)
def test_a_malformed_callback_is_a_400_and_changes_nothing(client, lines, kind, change):
    form = (USSD if kind == "ussd" else SMS) | change
    form = {k: v for k, v in form.items() if v is not None}
    response = client.post(f"/phone/{kind}/{TOKEN}/", form)
    assert response.status_code == 400
    assert response.content.decode().startswith("bad callback: ")
    assert nothing_changed()


def test_a_session_id_of_another_phone_is_refused(client, lines):
    assert client.post(f"/phone/ussd/{TOKEN}/", USSD).status_code == 200
    other = USSD | {"phoneNumber": "+27825550777", "text": "1"}
    assert client.post(f"/phone/ussd/{TOKEN}/", other).status_code == 400
    assert UssdSession.objects.get().last_text == ""


@pytest.mark.parametrize("kind", ["ussd", "sms"])
def test_the_token_in_the_url_is_the_key(client, lines, settings, kind):
    form = USSD if kind == "ussd" else SMS
    assert client.post(f"/phone/{kind}/wrong-token/", form).status_code == 404
    assert client.get(f"/phone/{kind}/{TOKEN}/").status_code == 405
    settings.PHONELINES_CALLBACK_TOKEN = ""
    assert client.post(f"/phone/{kind}/{TOKEN}/", form).status_code == 404
    assert nothing_changed()


@pytest.mark.parametrize("kind", ["ussd", "sms"])
def test_an_allow_list_keeps_out_other_addresses(client, lines, settings, kind):
    form = USSD if kind == "ussd" else SMS
    settings.PHONELINES_ALLOWED_IPS = ["52.48.80.0/24", "10.1.2.3"]
    assert client.post(f"/phone/{kind}/{TOKEN}/", form).status_code == 403
    assert nothing_changed()
    response = client.post(f"/phone/{kind}/{TOKEN}/", form, REMOTE_ADDR="52.48.80.17")
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("kind", "hidden"), [("ussd", ("phoneNumber", "text")), ("sms", ("from", "text"))]
)
def test_error_reports_leave_out_the_callers_number_and_words(rf, lines, kind, hidden):
    from civicdesk.phonelines import views

    request = rf.post(f"/phone/{kind}/{TOKEN}/", {})
    getattr(views, kind)(request, TOKEN)
    assert request.sensitive_post_parameters == hidden
