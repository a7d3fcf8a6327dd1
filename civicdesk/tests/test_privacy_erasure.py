"""POPIA: a citizen gets everything held about them (account page, JSON API, or through an
administrator for a request by phone or in person) and has it erased; afterwards none of
their markers is left in any column of any table (docs/decisions.md: what is kept)."""

import json

import pytest
from django.db import connection
from django.test import Client

from civicdesk.accounts.models import Citizen, User
from civicdesk.backoffice.models import ContactView
from civicdesk.issues.models import Feedback, Issue, Push
from civicdesk.tests.privacy_world import Person, World

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def find_in_database(markers: list[str]) -> list[str]:
    """Every (table.column: marker) found: all columns of all tables, read as text, one
    query per column."""
    found = []
    quote = connection.ops.quote_name
    tests = " OR ".join(["LOWER(CAST({} AS TEXT)) LIKE %s"] * len(markers))
    params = [f"%{m.lower()}%" for m in markers]
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            description = connection.introspection.get_table_description(cursor, table)
            for column in (quote(c.name) for c in description):
                where = tests.replace("{}", column)
                cursor.execute(f"SELECT {column} FROM {quote(table)} WHERE {where}", params)
                for (value,) in cursor.fetchall():
                    text = str(value).lower()
                    found += [f"{table}.{column}: {m}" for m in markers if m.lower() in text]
    return found


def admin_client() -> Client:
    admin = User.objects.create_superuser("root", "root@example.org", "x")
    client = Client()
    client.force_login(admin)
    return client


def run_action(client: Client, action: str, citizen: Citizen, **extra):
    return client.post(
        "/admin/accounts/citizen/",
        {"action": action, "_selected_action": [citizen.pk], **extra},
    )


def other_markers(world: World, *erased: Person) -> list[str]:
    shared = {m for p in erased for m in p.markers}
    return [m for p in world.people if p not in erased for m in p.markers if m not in shared]


def test_the_scan_finds_markers_where_they_are(marked_world):
    """Before erasure every marker kind of a citizen is found: the scan can fail."""
    person = marked_world.people[1]  # an account, a photo, an answer to staff, feedback
    found = find_in_database(person.markers)
    tables = {hit.split(".")[0] for hit in found}
    assert {"accounts_citizen", "accounts_user", "alerts_pushsubscription"} <= tables
    assert {"issues_feedback", "timeline_event", "open311_submission"} & tables
    phone_person = marked_world.people[10]
    tables = {hit.split(".")[0] for hit in find_in_database(phone_person.markers)}
    assert {"phonelines_inboundsms", "accounts_citizen"} <= tables


def test_a_citizen_downloads_everything_held_about_them(marked_world):
    world = marked_world
    person = world.people[1]
    client = Client()
    client.force_login(person.user)
    page = client.get("/account/")
    assert b"/account/data.json" in page.content
    response = client.get("/account/data.json")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    document = response.json()
    text = json.dumps(document).lower()
    # Every marker of theirs held anywhere in the database is in the document.
    held = {hit.rsplit(": ", 1)[1] for hit in find_in_database(person.markers)}
    assert len(held) >= 8
    missing = [m for m in held if m.lower() not in text]
    assert not missing, missing
    citizen = person.citizen
    reported = set(Issue.objects.filter(reporter=citizen).values_list("pk", flat=True))
    assert {i["id"] for i in document["issues_reported"]} == reported
    assert any(i["photos"] for i in document["issues_reported"])
    pushed = set(Push.objects.filter(citizen=citizen).values_list("issue_id", flat=True))
    assert {p["issue"] for p in document["pushes"]} == pushed and pushed
    assert document["follows"] and document["alerts"] and document["feedback"]
    assert document["alert_preferences"]["per_issue"]
    assert document["account"]["username"] == person.email.lower()
    # Nobody else's.
    others = [m for m in other_markers(world, person) if m.lower() in text]
    assert not others, others

    api = client.get("/api/v1/me/data")
    assert api.status_code == 200
    assert api.json()["issues_reported"] == document["issues_reported"]
    assert Client().get("/account/data.json").status_code == 302
    assert Client().get("/api/v1/me/data").status_code == 401


def test_an_administrator_finds_exports_and_erases_a_phone_citizen(marked_world):
    """A request made by phone: the administrator finds the citizen by number, exports
    their data (logged as a contact view) and erases it."""
    world = marked_world
    person = world.people[10]  # SMS only, pushes issues by contact
    client = admin_client()
    local = "0" + person.phone[3:6] + " " + person.phone[6:9] + " " + person.phone[9:]
    listing = client.get("/admin/accounts/citizen/", {"q": local})
    citizen = person.citizen
    assert f"/admin/accounts/citizen/{citizen.pk}/change/".encode() in listing.content
    assert person.phone.encode() not in listing.content  # the list shows no contacts

    export = run_action(client, "export_personal_data", citizen)
    assert export.status_code == 200
    [document] = json.loads(export.content)
    assert document["citizen"]["phone"] == person.phone
    texts = [m["text"] for m in document["phone"]["text_messages"]]
    assert any(marker in text for text in texts for marker in person.markers)
    assert document["pushes"]
    assert ContactView.objects.filter(citizen=citizen, interface="admin").exists()

    confirm = run_action(client, "erase_personal_data", citizen)
    assert confirm.status_code == 200 and b"Yes, erase" in confirm.content
    assert not Citizen.objects.get(pk=citizen.pk).erased_at  # nothing until confirmed
    done = run_action(client, "erase_personal_data", citizen, confirm="yes")
    assert done.status_code == 302
    erased = Citizen.objects.get(pk=citizen.pk)
    assert erased.erased_at and not erased.phone
    assert Push.objects.filter(citizen=erased).exists()  # the pushes still count
    assert not find_in_database(person.markers)


def test_erasure_leaves_no_marker_of_the_citizen_anywhere(marked_world):
    """An account holder deletes their account on the site; a citizen without an account
    (reports by e-mail, an Open311 app's device ids, follows by contact, details in a
    description that staff redacted) is erased by an
    administrator. Nothing of either is left in the database; everyone else's data is."""
    world = marked_world
    holder, contact_only = world.people[1], world.people[6]
    assert holder.user is not None and contact_only.user is None
    feedback_before = Feedback.objects.count()
    push_counts = dict(Issue.objects.values_list("pk", "push_count"))

    holder_citizen = holder.citizen
    client = Client()
    client.force_login(holder.user)
    response = client.post("/account/delete/", {"confirm": "on"})
    assert response.status_code == 302
    assert not User.objects.filter(pk=holder.user.pk).exists()
    holder_citizen.refresh_from_db()
    assert holder_citizen.erased_at and holder_citizen.user_id is None
    contact_citizen = contact_only.citizen
    done = run_action(admin_client(), "erase_personal_data", contact_citizen, confirm="yes")
    assert done.status_code == 302

    # Their own words that staff had redacted were kept for audit: erased too.
    assert any("ownwords" in m for m in contact_only.markers)
    leftovers = find_in_database(holder.markers + contact_only.markers)
    assert not leftovers, leftovers
    # What is kept: issues, pushes and feedback ratings, unnamed.
    assert Feedback.objects.count() == feedback_before
    assert dict(Issue.objects.values_list("pk", "push_count")) == push_counts
    still = find_in_database(other_markers(world, holder, contact_only)[:40])
    assert still, "the others' data must be untouched"


def test_staff_accounts_are_not_erased_by_citizens_means(marked_world):
    staff_citizen = Citizen.objects.create(user=marked_world.staff, name="Staff")
    response = run_action(admin_client(), "erase_personal_data", staff_citizen, confirm="yes")
    assert response.status_code == 302
    assert Citizen.objects.get(pk=staff_citizen.pk).erased_at is None
    assert User.objects.filter(pk=marked_world.staff.pk).exists()


def test_no_client_address_is_stored(marked_world):
    """Reports came from marked IP addresses (web, API, Open311, phone callbacks); rate
    limits count them in the cache, hashed: no table holds one."""
    assert len(marked_world.markers.ips) >= 3
    assert not find_in_database(marked_world.markers.ips)
