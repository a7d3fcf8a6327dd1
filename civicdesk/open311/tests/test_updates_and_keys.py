"""GET servicerequestupdates, create_open311_key, and key management in the admin."""

import subprocess
import sys
from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from civicdesk import timekeeping
from civicdesk.accounts.models import User
from civicdesk.activities.services import create_activity, update_activity
from civicdesk.issues.services import Contact, acknowledge, answer_info, request_info
from civicdesk.open311.models import ClientApplication
from civicdesk.open311.services import authenticate_application
from conftest import report_outage

SAST = ZoneInfo("Africa/Johannesburg")
T0 = datetime(2026, 11, 23, 8, 0, tzinfo=SAST)


@pytest.fixture
def history(city, staff):
    """An outage reported at 08:00, acknowledged at 09:00, asked about and answered at
    10:00, worked on by an activity from 11:00 and completed at 12:00; a second outage
    reported at 08:30 and left alone."""
    with timekeeping.as_of(T0):
        issue = report_outage(city, reporter=Contact(email="naledi@example.org"))
    with timekeeping.as_of(T0 + timedelta(minutes=30)):
        other = report_outage(city)
    with timekeeping.as_of(T0 + timedelta(hours=1)):
        acknowledge(issue, staff, note="Crew dispatched")
    with timekeeping.as_of(T0 + timedelta(hours=2)):
        request_info(issue, staff, question="Is the meter box open?")
        answer_info(issue, issue.reporter, "Yes, naledi's box at number 12 is open")
    with timekeeping.as_of(T0 + timedelta(hours=3)):
        activity = create_activity(
            staff.memberships.first().programme, staff, title="Mini-sub repair", issues=[issue]
        )
        update_activity(activity, staff, status="in_progress", public_summary="Cable dug up")
    with timekeeping.as_of(T0 + timedelta(hours=4)):
        update_activity(activity, staff, status="completed", public_summary="Power restored")
    return issue, other


def window(**extra):
    return {"start_date": "2026-11-23T00:00:00+02:00", "end_date": "2026-11-24"} | extra


def test_updates_in_order_with_the_status_as_it_stood(api, history):
    issue, _ = history
    answer = api.get("servicerequestupdates.json", **window(service_request_id=str(issue.pk)))
    assert answer.status == 200
    updates = answer.body
    assert all(u["service_request_id"] == str(issue.pk) for u in updates)
    times = [u["updated_datetime"] for u in updates]
    assert times == sorted(times)
    assert len({u["update_id"] for u in updates}) == len(updates)
    seen = [(u["updated_datetime"][11:16], u["status"], u["description"]) for u in updates]
    assert ("09:00", "INVESTIGATING", "Crew dispatched") in seen
    assert ("10:00", "INVESTIGATING", "Is the meter box open?") in seen
    assert ("10:00", "INVESTIGATING", "Status changed to acknowledged.") in seen
    assert ("11:00", "IN_PROGRESS", "Cable dug up") in seen
    assert ("12:00", "FIXED", "Power restored") in seen
    assert ("12:00", "FIXED", "Status changed to resolved.") in seen
    assert seen[0] == ("08:00", "OPEN", "Request received.")
    assert updates[-1]["external_status_code"] == "resolved"
    # The citizen's private answer is not an update.
    assert not any("naledi" in u["description"] for u in updates)


def test_updates_xml_and_the_default_window(api, history):
    issue, other = history
    with timekeeping.as_of(T0 + timedelta(hours=20)):
        answer = api.get("servicerequestupdates.xml")
    assert answer.body.tag == "service_request_updates"
    updates = answer.body.findall("request_update")
    assert {u.findtext("service_request_id") for u in updates} == {str(issue.pk), str(other.pk)}
    first = updates[0]
    assert [child.tag for child in first] == [
        "update_id",
        "service_request_id",
        "status",
        "updated_datetime",
        "description",
        "media_url",
        "external_status_code",
    ]
    with timekeeping.as_of(T0 + timedelta(hours=30)):
        later = api.get("servicerequestupdates.xml")
    # The last 24 hours from 14:00 the next day: only what happened from 14:00 on.
    assert later.body.findall("request_update") == []


def test_updates_paging_covers_each_update_once(api, history):
    everything = api.get("servicerequestupdates.json", **window()).body
    pages = [
        api.get("servicerequestupdates.json", **window(page=str(n), page_size="3")).body
        for n in range(1, 6)
    ]
    flat = [u["update_id"] for page in pages for u in page]
    assert flat == [u["update_id"] for u in everything]


@pytest.mark.parametrize(
    "query",
    [
        {"start_date": "2026-01-01", "end_date": "2026-12-01"},
        {"start_date": "last week"},
        {"service_request_id": "12,abc"},
    ],
)
def test_bad_update_queries_are_400s(api, history, query):
    answer = api.get("servicerequestupdates.json", **query)
    assert answer.status == 400


def test_create_open311_key_prints_the_key_alone(db):
    out, err = StringIO(), StringIO()
    call_command("create_open311_key", "Ward councillor app", stdout=out, stderr=err)
    key = out.getvalue().strip()
    assert "\n" not in key and key.startswith("o311_")
    application = authenticate_application(key)
    assert application.name == "Ward councillor app"
    assert key not in err.getvalue()
    with pytest.raises(CommandError, match="exists"):
        call_command("create_open311_key", "Ward councillor app", stdout=StringIO())


def test_create_open311_key_from_a_shell(tmp_path):
    """The command as a script runs it: stdout is exactly the key and a newline."""
    env = {"CIVICDESK_VAR_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path}/k.db"}
    run = {"capture_output": True, "text": True, "env": env | _path_env(), "check": True}
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], **run)
    done = subprocess.run([sys.executable, "manage.py", "create_open311_key", "Shell app"], **run)
    lines = done.stdout.splitlines()
    assert len(lines) == 1 and lines[0].startswith("o311_") and done.stdout.endswith("\n")


def _path_env() -> dict:
    import os

    return {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG"}}


def test_admin_adds_an_application_and_shows_its_key_once(client, db):
    admin = User.objects.create_superuser("root", password="x")
    client.force_login(admin)
    response = client.post(
        "/admin/open311/clientapplication/add/",
        {"name": "Provider X", "contact": "ops@provider.example"},
        follow=True,
    )
    assert response.status_code == 200
    [message] = [str(m) for m in response.context["messages"] if "api_key" in str(m)]
    key = message.split(" is ")[1].split(" ")[0]
    assert authenticate_application(key).name == "Provider X"
    application = ClientApplication.objects.get(name="Provider X")
    page = client.get(f"/admin/open311/clientapplication/{application.pk}/change/")
    assert key not in page.content.decode()
    client.post(
        "/admin/open311/clientapplication/",
        {"action": "revoke", "_selected_action": [application.pk]},
    )
    assert authenticate_application(key) is None
    client.post(
        "/admin/open311/clientapplication/",
        {"action": "issue_new_key", "_selected_action": [application.pk]},
    )
    application.refresh_from_db()
    assert application.revoked_at is not None  # a revoked application stays revoked
