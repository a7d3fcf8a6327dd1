"""A jurisdiction reachable by USSD and SMS, and the gateway as it calls us: Africa's
Talking's USSD and incoming-message callbacks, posted to the real views."""

import itertools

import pytest

from civicdesk.alerts.tests.conftest import sms_gateway  # noqa: F401 (Africa's Talking on loopback)
from civicdesk.phonelines.models import PhoneLine
from civicdesk.phonelines.texts import SCREEN_LIMIT

TOKEN = "s3cret-callback-token"
USSD_CODE = "*120*311#"
SMS_CODE = "31122"
PHONE = "+27825550199"
_ids = itertools.count(1)


@pytest.fixture(autouse=True)
def callback_settings(settings) -> None:
    settings.PHONELINES_CALLBACK_TOKEN = TOKEN
    settings.PHONELINES_ALLOWED_IPS = []


@pytest.fixture
def lines(jurisdiction, wards, electricity, roads) -> tuple[PhoneLine, PhoneLine]:
    return (
        PhoneLine.objects.create(
            channel=PhoneLine.Channel.USSD, code=USSD_CODE, jurisdiction=jurisdiction
        ),
        PhoneLine.objects.create(
            channel=PhoneLine.Channel.SMS, code=SMS_CODE, jurisdiction=jurisdiction
        ),
    )


class UssdPhone:
    """A feature phone in a USSD session: each answer is appended to the `*`-joined text
    that the gateway posts, as Africa's Talking does."""

    def __init__(self, client, phone: str = PHONE, code: str = USSD_CODE) -> None:
        self.client = client
        self.phone = phone
        self.code = code
        self.screens: list[str] = []

    def dial(self) -> str:
        self.session_id = f"ATUid_{next(_ids):08d}"
        self.inputs: list[str] = []
        return self._post()

    def send(self, value: str) -> str:
        self.inputs.append(value)
        return self._post()

    def form(self) -> dict:
        return {
            "sessionId": self.session_id,
            "serviceCode": self.code,
            "phoneNumber": self.phone,
            "networkCode": "65501",
            "text": "*".join(self.inputs),
        }

    def _post(self) -> str:
        response = self.client.post(f"/phone/ussd/{TOKEN}/", self.form())
        assert response.status_code == 200, response.content
        assert response["Content-Type"].startswith("text/plain")
        answer = response.content.decode()
        assert answer[:4] in ("CON ", "END "), answer
        assert len(answer[4:]) <= SCREEN_LIMIT, f"{len(answer[4:])} characters:\n{answer}"
        self.screens.append(answer)
        return answer


def text_message(client, text: str, *, phone: str = PHONE, to: str = SMS_CODE, id: str = ""):
    """Africa's Talking's incoming-message callback."""
    form = {
        "from": phone,
        "to": to,
        "text": text,
        "date": "2026-03-02 08:15:00",
        "id": id or f"msg-{next(_ids)}",
        "linkId": f"link-{next(_ids)}",
    }
    return client.post(f"/phone/sms/{TOKEN}/", form)
