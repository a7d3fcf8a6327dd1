"""Citizens' contacts in the back office: shown only on request, only to staff of the
issue's unit, its dispatchers and superusers, and every look logged (who, when, which
issue, which interface) for administrators to list."""

import pytest
from django.urls import reverse

from civicdesk.accounts.models import User
from civicdesk.accounts.services import issue_api_token
from civicdesk.backoffice.models import ContactView
from civicdesk.citizens.services.account import citizen_of, sign_up
from civicdesk.citizens.services.following import follow
from civicdesk.citizens.services.personal_data import erase_citizen
from civicdesk.issues.services import push
from conftest import report_outage

pytestmark = pytest.mark.django_db

REPORTER = ("Lerato Mokoena", "lerato@example.org")
PUSHER_PHONE = "+27825550101"  # the `neighbour` fixture's number
FOLLOWER = "thabo@example.org"


@pytest.fixture
def outage(jurisdiction, wards, electricity, reporter, neighbour):
    issue = report_outage(jurisdiction, reporter)
    push(issue, neighbour)
    follow(issue, citizen_of(sign_up(email=FOLLOWER, password="a long passphrase 42")))
    return issue


def contacts_url(issue) -> str:
    return reverse("backoffice:issue-contacts", args=[issue.pk])


def shows_contacts(html: str) -> bool:
    return any(value in html for value in (*REPORTER, PUSHER_PHONE, FOLLOWER))


def test_the_issue_page_shows_no_contact_until_asked(client, staff, outage):
    client.force_login(staff)
    page = client.get(reverse("backoffice:issue", args=[outage.pk])).content.decode()
    assert not shows_contacts(page) and contacts_url(outage) in page
    assert not ContactView.objects.exists()

    shown = client.post(contacts_url(outage))
    html = shown.content.decode()
    assert shown.status_code == 200
    assert all(value in html for value in (*REPORTER, PUSHER_PHONE, FOLLOWER))
    assert "no-cache" in shown["Cache-Control"] or "no-store" in shown["Cache-Control"]
    [view] = ContactView.objects.all()
    assert (view.viewer, view.viewer_username, view.issue, view.interface) == (
        staff,
        staff.username,
        outage,
        "staff_page",
    )
    assert client.get(contacts_url(outage)).status_code == 405  # no link reveals them
    assert ContactView.objects.count() == 1


def test_dispatchers_and_superusers_see_contacts_and_are_logged(client, dispatcher, outage):
    admin = User.objects.create_superuser("root", "root@example.org", "x")
    for user in (dispatcher, admin):
        client.force_login(user)
        assert shows_contacts(client.post(contacts_url(outage)).content.decode())
    assert list(ContactView.objects.order_by("id").values_list("viewer", flat=True)) == [
        dispatcher.pk,
        admin.pk,
    ]


@pytest.mark.parametrize("who", ["other_unit", "citizen", "anonymous"])
def test_nobody_else_sees_contacts_and_nothing_is_logged(client, outage, roads_staff, who):
    if who == "other_unit":
        client.force_login(roads_staff)
    elif who == "citizen":
        client.force_login(User.objects.get(username=FOLLOWER))
    response = client.post(contacts_url(outage))
    assert response.status_code in (302, 403)
    assert not shows_contacts(response.content.decode())
    assert not ContactView.objects.exists()


def test_the_staff_api_gives_contacts_to_the_unit_only_and_logs(client, staff, outage, roads_staff):
    path = f"/api/v1/issues/{outage.pk}/contacts"

    def get(user):
        headers = {"Authorization": f"Bearer {issue_api_token(user)}"} if user else {}
        return client.get(path, headers=headers)

    answer = get(staff)
    assert answer.status_code == 200
    contacts = {c["role"]: c for c in answer.json()["contacts"]}
    assert contacts["reporter"]["email"] == REPORTER[1]
    assert contacts["pusher"]["phone"] == PUSHER_PHONE
    assert contacts["follower"]["email"] == FOLLOWER
    [view] = ContactView.objects.all()
    assert (view.viewer, view.issue, view.interface) == (staff, outage, "staff_api")

    assert get(roads_staff).status_code == 403
    assert get(User.objects.get(username=FOLLOWER)).status_code == 403
    assert get(None).status_code == 401
    assert ContactView.objects.count() == 1
    # The issues list itself never carries contacts.
    listing = client.get(
        "/api/v1/issues", headers={"Authorization": f"Bearer {issue_api_token(staff)}"}
    )
    assert not shows_contacts(listing.content.decode())


def test_erased_citizens_are_not_shown(client, staff, outage):
    erase_citizen(outage.reporter)
    client.force_login(staff)
    html = client.post(contacts_url(outage)).content.decode()
    assert REPORTER[1] not in html and PUSHER_PHONE in html


def test_admins_open_a_citizen_record_logged_and_list_the_log(client, staff, outage):
    admin = User.objects.create_superuser("root", "root@example.org", "x")
    client.force_login(admin)
    listing = client.get("/admin/accounts/citizen/").content.decode()
    assert not shows_contacts(listing)  # the list names no one
    found = client.get("/admin/accounts/citizen/", {"q": REPORTER[1].upper()}).content.decode()
    change = reverse("admin:accounts_citizen_change", args=[outage.reporter_id])
    assert change in found
    assert REPORTER[1] in client.get(change).content.decode()
    view = ContactView.objects.get()
    assert (view.viewer, view.citizen_id, view.interface) == (admin, outage.reporter_id, "admin")
    # A citizen's sign-in user shows their e-mail too: opening it is logged the same way.
    follower = User.objects.get(username=FOLLOWER)
    user_page = client.get(reverse("admin:accounts_user_change", args=[follower.pk]))
    assert FOLLOWER in user_page.content.decode()
    assert ContactView.objects.filter(citizen__user=follower, interface="admin").exists()

    client.force_login(staff)
    client.post(contacts_url(outage))
    client.force_login(admin)
    log = client.get("/admin/backoffice/contactview/").content.decode()
    assert staff.username in log and "root" in log
    # Staff without superuser rights see neither citizens nor the log in the admin.
    staff.is_superuser = False
    staff.save()
    client.force_login(staff)
    assert client.get(change).status_code in (302, 403)
    assert client.get("/admin/backoffice/contactview/").status_code in (302, 403)
