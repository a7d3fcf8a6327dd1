import pytest

from civicdesk.alerts.tests.servers import SmtpServer, africas_talking, push_service


@pytest.fixture
def smtp(settings):
    server = SmtpServer()
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_TIMEOUT = 5
    yield server
    server.stop()


@pytest.fixture
def sms_gateway(settings):
    server = africas_talking(api_key="test-key")
    settings.SMS_API_URL = f"{server.url}/version1/messaging"
    settings.SMS_USERNAME = "civicdesk"
    settings.SMS_API_KEY = "test-key"
    settings.SMS_SENDER_ID = "CIVICDESK"
    yield server
    server.stop()


@pytest.fixture
def push_gateway(settings):
    from py_vapid import Vapid

    vapid = Vapid()
    vapid.generate_keys()
    settings.VAPID_PRIVATE_KEY = vapid
    server = push_service()
    yield server
    server.stop()
