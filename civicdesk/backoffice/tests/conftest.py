import pytest

from civicdesk.backoffice.tests.factories import member
from civicdesk.units.models import Membership, Programme


@pytest.fixture
def manager(programme):
    return member(programme, "nomsa", Membership.Role.MANAGER)


@pytest.fixture
def roads_staff(roads):
    return member(Programme.objects.create(unit=roads, name="Potholes"), "pieter")


@pytest.fixture
def signed_in(client, staff):
    client.force_login(staff)
    return client
