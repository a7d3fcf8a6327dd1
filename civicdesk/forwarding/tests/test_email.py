"""The e-mail kind: the report goes to the provider through a real SMTP server."""

import pytest
from aiosmtpd.controller import Controller

from civicdesk import timekeeping
from civicdesk.forwarding import services
from civicdesk.forwarding.models import Forwarding, Provider
from civicdesk.forwarding.tests.conftest import free_port
from civicdesk.timeline.models import Event
from conftest import report_outage


class Inbox:
    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope) -> str:
        self.messages.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp(settings):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    yield inbox
    controller.stop()


@pytest.fixture
def email_provider(city_power) -> Provider:
    return Provider.objects.create(unit=city_power, kind=Provider.Kind.EMAIL, max_attempts=2)


def test_the_report_is_mailed_with_our_reference(smtp, email_provider, jurisdiction, reporter):
    issue = report_outage(jurisdiction, reporter=reporter, description="Sparks at the pole")
    forwarding = services.forward(Forwarding.objects.get(issue=issue).pk)
    assert forwarding.state == Forwarding.State.SENT
    [envelope] = smtp.messages
    assert envelope.rcpt_tos == ["faults@citypower.example"]
    text = envelope.content.decode()
    assert f"[Civic Desk #{issue.pk}] Power outage" in text
    assert "Sparks at the pole" in text and "extent: street" in text
    assert "lerato" not in text.lower() and "Mokoena" not in text
    event = Event.objects.get(issue=issue, kind="forwarded")
    assert event.public and event.note == "Sent to City Power, by e-mail"


def test_an_unreachable_mail_server_is_retried_then_fails(settings, email_provider, jurisdiction):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    issue = report_outage(jurisdiction)
    forwarding = services.forward(Forwarding.objects.get(issue=issue).pk)
    assert (forwarding.state, forwarding.attempts) == (Forwarding.State.PENDING, 1)
    with timekeeping.as_of(forwarding.next_attempt_at):
        forwarding = services.forward(forwarding.pk)
    assert (forwarding.state, forwarding.attempts) == (Forwarding.State.FAILED, 2)
    assert "refused" in forwarding.last_error.lower()
