import pytest
from django.core.exceptions import PermissionDenied

from civicdesk.accounts.models import User
from civicdesk.units.access import require_issue, scope_of, visible_issues
from civicdesk.units.models import Membership, Programme
from conftest import report_outage


@pytest.fixture
def outage(electricity, wards, jurisdiction, reporter):
    return report_outage(jurisdiction, reporter=reporter)


@pytest.fixture
def roads_staff(roads) -> User:
    user = User.objects.create_user("roads", password="x", is_staff=True)
    Membership.objects.create(
        programme=Programme.objects.create(unit=roads, name="Patching"), user=user
    )
    return user


def test_unit_staff_see_their_units_issues_only(outage, staff, roads_staff):
    assert list(visible_issues(staff)) == [outage]
    assert list(visible_issues(roads_staff)) == []
    require_issue(staff, outage)
    with pytest.raises(PermissionDenied):
        require_issue(roads_staff, outage)


def test_dispatchers_see_their_jurisdiction(outage, dispatcher):
    assert list(visible_issues(dispatcher)) == [outage]
    assert scope_of(dispatcher).dispatches(outage.jurisdiction_id)


def test_citizens_and_anonymous_see_nothing_as_staff(outage, django_user_model):
    from django.contrib.auth.models import AnonymousUser

    citizen = django_user_model.objects.create_user("citizen", password="x")
    assert list(visible_issues(citizen)) == []
    assert list(visible_issues(AnonymousUser())) == []
    with pytest.raises(PermissionDenied):
        require_issue(None, outage)


def test_managers_are_known_per_unit(staff, programme, electricity, roads):
    assert not scope_of(staff).manages_unit(electricity)
    Membership.objects.filter(user=staff).update(role=Membership.Role.MANAGER)
    scope = scope_of(staff)
    assert scope.manages_unit(electricity)
    assert not scope.manages_unit(roads)
    assert scope.covers_unit(electricity) and not scope.covers_unit(roads)


def test_superusers_see_everything(outage):
    admin = User.objects.create_superuser("admin", password="x")
    assert list(visible_issues(admin)) == [outage]
