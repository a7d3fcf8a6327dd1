"""A number's hourly limits hold when its callbacks arrive at the same moment: a real
server (live_server) and threads whose requests a barrier releases together. Each callback
locks the number's row before it counts, so the counts cannot both pass; the number's
first callbacks at once make one citizen (the unique key on phone numbers)."""

import itertools

import pytest

from civicdesk.accounts.models import Citizen
from civicdesk.phonelines.models import InboundSms, UssdSession
from civicdesk.phonelines.tests.conftest import SMS_CODE, TOKEN, USSD_CODE
from civicdesk.phonelines.texts import TOO_MANY
from civicdesk.testing.parallel import (
    at_once,
    browser,
    short_connections,  # noqa: F401 (a fixture)
)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("short_connections"),
]
ROUNDS = 3
AT_ONCE = 8
_ids = itertools.count(1)


def test_text_messages_at_once_from_one_number_stay_within_its_hourly_limit(
    live_server, lines, settings
):
    settings.PHONELINES_SMS_PER_HOUR = 3
    client = browser(live_server)
    for round in range(ROUNDS):
        phone = f"+2782555{round:04d}"
        forms = [
            {"from": phone, "to": SMS_CODE, "text": "HELP", "id": f"ATXid_{next(_ids)}"}
            for _ in range(AT_ONCE)
        ]

        answers = at_once([lambda f=f: client.post(f"/phone/sms/{TOKEN}/", data=f) for f in forms])

        assert [(a.status_code, a.text) for a in answers] == [(200, "OK")] * AT_ONCE
        [citizen] = Citizen.objects.filter(phone=phone)
        messages = InboundSms.objects.filter(citizen=citizen)
        assert messages.count() == AT_ONCE
        limited = messages.filter(outcome=InboundSms.Outcome.RATE_LIMITED).count()
        assert (AT_ONCE - limited, limited) == (3, AT_ONCE - 3)


def test_ussd_sessions_at_once_from_one_number_stay_within_its_hourly_limit(
    live_server, lines, settings
):
    settings.PHONELINES_USSD_SESSIONS_PER_HOUR = 2
    client = browser(live_server)
    for round in range(ROUNDS):
        phone = f"+2782666{round:04d}"
        forms = [
            {
                "sessionId": f"ATUid_{next(_ids)}",
                "serviceCode": USSD_CODE,
                "phoneNumber": phone,
                "networkCode": "65501",
                "text": "",
            }
            for _ in range(AT_ONCE)
        ]

        answers = at_once([lambda f=f: client.post(f"/phone/ussd/{TOKEN}/", data=f) for f in forms])

        assert [a.status_code for a in answers] == [200] * AT_ONCE
        refused = [a.text for a in answers if a.text == f"END {TOO_MANY}"]
        assert len(refused) == AT_ONCE - 2
        [citizen] = Citizen.objects.filter(phone=phone)
        assert UssdSession.objects.filter(citizen=citizen).count() == 2
