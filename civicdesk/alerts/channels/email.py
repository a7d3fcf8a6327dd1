"""E-mail through Django's mail backend, one connection per batch."""

import contextlib
import smtplib

from django.conf import settings
from django.core import mail

from civicdesk.alerts.channels import DeliveryError


class EmailSender:
    def __init__(self) -> None:
        self._connection = None

    def send(
        self, to: str, subject: str, text: str, html: str, unsubscribe_url: str | None
    ) -> None:
        headers = {}
        if unsubscribe_url:
            # RFC 2369 and RFC 8058: mail clients offer a one-click unsubscribe.
            headers["List-Unsubscribe"] = f"<{unsubscribe_url}>"
            headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        message = mail.EmailMultiAlternatives(subject=subject, body=text, to=[to], headers=headers)
        message.attach_alternative(html, "text/html")
        try:
            if self._connection is None:
                self._connection = mail.get_connection(timeout=settings.EMAIL_TIMEOUT)
                self._connection.open()
            self._connection.send_messages([message])
        except smtplib.SMTPRecipientsRefused as exc:
            raise DeliveryError(f"recipient refused: {exc}", permanent=True) from exc
        except (smtplib.SMTPException, OSError) as exc:
            self.close()  # the next message reconnects
            raise DeliveryError(f"mail server: {exc!r}") from exc

    def close(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                self._connection.close()
            self._connection = None
