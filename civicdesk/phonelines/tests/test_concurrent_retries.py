"""A gateway that fires the same callback twice at once: one of them acts, both answer."""

import threading

import pytest
from django.db import connection
from django.test import Client

from civicdesk.accounts.models import Citizen
from civicdesk.issues.models import Issue
from civicdesk.phonelines.models import InboundSms, UssdExchange, UssdSession
from civicdesk.phonelines.tests.conftest import PHONE, SMS_CODE, TOKEN, USSD_CODE


def at_once(path: str, form: dict, times: int = 4) -> list[tuple[int, str]]:
    answers: list[tuple[int, str]] = []
    start = threading.Barrier(times)

    def post() -> None:
        start.wait()
        try:
            response = Client().post(path, form)
            answers.append((response.status_code, response.content.decode()))
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


@pytest.mark.django_db(transaction=True)
def test_the_same_text_message_at_once_reports_once(lines):
    form = {
        "from": PHONE,
        "to": SMS_CODE,
        "text": "REPORT pothole 124 deep hole",
        "date": "2026-03-02 08:15:00",
        "id": "ATXid_twice",
        "linkId": "",
    }
    answers = at_once(f"/phone/sms/{TOKEN}/", form)
    assert answers == [(200, "OK")] * 4
    assert Issue.objects.count() == 1 and InboundSms.objects.count() == 1
    assert Citizen.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_same_first_ussd_callback_at_once_opens_one_session(lines):
    form = {
        "sessionId": "ATUid_twice",
        "serviceCode": USSD_CODE,
        "phoneNumber": PHONE,
        "networkCode": "65501",
        "text": "",
    }
    answers = at_once(f"/phone/ussd/{TOKEN}/", form)
    assert len({a for a in answers}) == 1 and answers[0][0] == 200
    assert UssdSession.objects.count() == 1 and UssdExchange.objects.count() == 1
    assert Citizen.objects.count() == 1
