"""An outside unit (City Power, a utility with its own Open311 server) and its provider."""

import socket
from datetime import timedelta

import pytest

from civicdesk.forwarding.models import Provider
from civicdesk.units.models import BusinessUnit, ServiceLevel


def free_port() -> int:
    """A loopback port nothing listens on (until someone binds it)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def city_power(jurisdiction, power_outage, always_calendar) -> BusinessUnit:
    unit = BusinessUnit.objects.create(
        jurisdiction=jurisdiction,
        name="City Power",
        slug="city-power",
        is_external=True,
        email="faults@citypower.example",
    )
    unit.issue_types.add(power_outage)
    ServiceLevel.objects.create(
        unit=unit,
        issue_type=power_outage,
        response_target=timedelta(hours=2),
        resolution_target=timedelta(hours=12),
        calendar=always_calendar,
    )
    return unit


@pytest.fixture
def down_provider(city_power) -> Provider:
    """An Open311 provider whose server is not running."""
    return Provider.objects.create(
        unit=city_power,
        endpoint=f"http://127.0.0.1:{free_port()}/open311/v2/",
        api_key="their-key-for-us",
        service_codes={"power-outage": "PWR"},
        max_attempts=3,
    )
