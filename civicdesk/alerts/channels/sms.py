"""SMS through Africa's Talking's messaging API (POST /version1/messaging)."""

import requests
from django.conf import settings

from civicdesk.alerts.channels import DeliveryError

# Per-recipient status codes: 100 processed, 101 sent, 102 queued; the others fail.
ACCEPTED = {100, 101, 102}
# Failures that trying again cannot fix: invalid sender, invalid or unsupported number,
# blacklisted recipient.
PERMANENT = {402, 403, 404, 406}


class SmsSender:
    def __init__(self) -> None:
        self._session = requests.Session()

    def send(self, to: str, text: str) -> str:
        """Send one SMS; the provider's message id."""
        form = {"username": settings.SMS_USERNAME, "to": to, "message": text}
        if settings.SMS_SENDER_ID:
            form["from"] = settings.SMS_SENDER_ID
        try:
            response = self._session.post(
                settings.SMS_API_URL,
                data=form,
                headers={"apiKey": settings.SMS_API_KEY, "Accept": "application/json"},
                timeout=settings.SMS_TIMEOUT,
            )
        except requests.RequestException as exc:
            raise DeliveryError(f"SMS gateway unreachable: {exc!r}") from exc
        if response.status_code >= 500:
            raise DeliveryError(f"SMS gateway error {response.status_code}")
        if response.status_code >= 400:
            raise DeliveryError(
                f"SMS gateway refused: {response.status_code} {response.text[:200]}",
                permanent=response.status_code in (400, 401),
            )
        try:
            recipients = response.json()["SMSMessageData"]["Recipients"]
            result = recipients[0]
        except (ValueError, KeyError, IndexError) as exc:
            raise DeliveryError(
                f"SMS gateway answer not understood: {response.text[:200]}"
            ) from exc
        code = int(result.get("statusCode", 0))
        if code not in ACCEPTED:
            raise DeliveryError(
                f"SMS not sent: {code} {result.get('status', '')}", permanent=code in PERMANENT
            )
        return result.get("messageId", "")

    def close(self) -> None:
        self._session.close()
