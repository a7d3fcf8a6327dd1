"""Citizens that share an e-mail or a phone before the unique keys exist are merged into
the oldest by the migration that adds the keys; nothing they did is lost or counted twice."""

import pytest
from django.db import IntegrityError, connection
from django.db.migrations.executor import MigrationExecutor

from civicdesk.accounts.models import Citizen
from civicdesk.backoffice.models import ContactView
from civicdesk.following.models import Follow
from civicdesk.issues.models import Issue, Push
from conftest import report_outage

BEFORE = [("accounts", "0001_initial")]


def _leaves() -> list[tuple[str, str]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_duplicates_merge_into_the_oldest_and_push_counts_are_recounted(wards, electricity):
    jurisdiction = electricity.jurisdiction
    issue = report_outage(jurisdiction)
    other_issue = report_outage(jurisdiction)
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        first = Citizen.objects.create(email="lerato@example.org", name="Lerato")
        twin = Citizen.objects.create(email="lerato@example.org", phone="+27825550101")
        phone_twin = Citizen.objects.create(phone="+27825550101")
        family = Citizen.objects.create(email="sipho@example.org", phone="+27825550101")
        erased = Citizen.objects.create(email="lerato@example.org", erased_at=issue.submitted_at)
        Push.objects.create(issue=issue, citizen=first)
        Push.objects.create(issue=issue, citizen=twin)
        Push.objects.create(issue=other_issue, citizen=phone_twin)
        Follow.objects.create(issue=other_issue, citizen=twin)
        ContactView.objects.create(citizen=twin, viewer_username="thandi", interface="staff_page")
        Issue.objects.filter(pk=issue.pk).update(push_count=2)
        Issue.objects.filter(pk=other_issue.pk).update(push_count=1)
        mine = report_outage(jurisdiction, phone_twin)
    finally:
        MigrationExecutor(connection).migrate(_leaves())

    assert set(Citizen.objects.values_list("pk", flat=True)) == {first.pk, family.pk, erased.pk}
    first.refresh_from_db()
    assert (first.name, first.email) == ("Lerato", "lerato@example.org")
    assert first.phone == "+27825550101"
    family.refresh_from_db()
    assert (family.email, family.phone) == ("sipho@example.org", "")
    assert sorted(Push.objects.values_list("issue_id", "citizen_id")) == [
        (issue.pk, first.pk),
        (other_issue.pk, first.pk),
    ]
    assert Issue.objects.get(pk=issue.pk).push_count == 1
    assert Issue.objects.get(pk=other_issue.pk).push_count == 1
    assert Follow.objects.get().citizen_id == first.pk
    assert ContactView.objects.get().citizen_id == first.pk  # the log of who saw it stays
    assert Issue.objects.get(pk=mine.pk).reporter_id == first.pk
    with pytest.raises(IntegrityError):
        Citizen.objects.create(phone="+27825550101")


@pytest.mark.django_db
def test_the_keys_leave_account_holders_erased_rows_and_empty_contacts_alone(staff):
    Citizen.objects.create(email="lerato@example.org")
    Citizen.objects.create(email="lerato@example.org", user=staff)
    Citizen.objects.create(email="lerato@example.org", erased_at=staff.date_joined)
    Citizen.objects.create(name="No contact")
    Citizen.objects.create(name="No contact either")
    assert Citizen.objects.count() == 5
    with pytest.raises(IntegrityError):
        Citizen.objects.create(email="lerato@example.org")
