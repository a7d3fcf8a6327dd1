from civicdesk.alerts.tests.conftest import smtp  # noqa: F401  (shared fixture)
