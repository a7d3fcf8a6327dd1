"""A second Civic Desk as the provider, on a live loopback server with its own database:
an issue routed to it appears there, and a status change there reaches here."""

import io
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from django.core.management import call_command

from civicdesk.forwarding import services
from civicdesk.forwarding.models import Forwarding, Provider
from civicdesk.forwarding.tests.conftest import free_port
from civicdesk.issues.models import Status
from civicdesk.timeline.models import Event
from conftest import CARLTON_CENTRE, report_outage

ROOT = Path(__file__).resolve().parents[3]

# The provider's own set-up, through its own models: one jurisdiction, the same issue
# type, an operations unit with a programme and a member of staff.
SETUP = """
from datetime import timedelta
from civicdesk.accounts.models import User
from civicdesk.catalogue.models import Datatype, IssueType, Question
from civicdesk.places.models import Jurisdiction
from civicdesk.units.models import BusinessUnit, Calendar, Membership, Programme, ServiceLevel
j = Jurisdiction.objects.create(slug="citypower", name="City Power Johannesburg")
t = IssueType.objects.create(jurisdiction=j, code="outage", name="Outage")
Question.objects.create(issue_type=t, code="extent", description="How far?", required=True,
    datatype=Datatype.SINGLEVALUELIST, order=1,
    values=[{"key": "one", "name": "One home"}, {"key": "street", "name": "The street"}])
u = BusinessUnit.objects.create(jurisdiction=j, name="Outage desk", slug="outages")
u.issue_types.add(t)
ServiceLevel.objects.create(unit=u, issue_type=t, response_target=timedelta(hours=1),
    resolution_target=timedelta(hours=8), calendar=Calendar.objects.create(name="24/7"))
p = Programme.objects.create(unit=u, name="Faults")
Membership.objects.create(programme=p, user=User.objects.create_user("sam", password="x"))
"""


class ProviderSite:
    """The provider's Civic Desk: run its management commands, call its API."""

    def __init__(self, tmp: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/open311/v2/"
        self.env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DATABASE_URL", "PYTEST", "DJANGO_SETTINGS"))
        } | {
            "DATABASE_URL": f"sqlite:///{tmp / 'provider.sqlite3'}",
            "CIVICDESK_VAR_DIR": str(tmp),
            "MEDIA_ROOT": str(tmp / "media"),
            "SITE_URL": f"http://127.0.0.1:{self.port}",
            "DJANGO_SETTINGS_MODULE": "civicdesk.settings",
            "LOG_LEVEL": "WARNING",
        }
        self.log = tmp / "runserver.log"

    def start(self, *args: str, **kwargs) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=self.env, text=True, **kwargs
        )

    def manage(self, *args: str) -> subprocess.Popen:
        """Start a management command; `output` waits for what it printed."""
        return self.start(*args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    @staticmethod
    def output(command: subprocess.Popen) -> str:
        out, err = command.communicate(timeout=120)
        assert command.returncode == 0, err
        return out.strip()

    def shell(self, code: str) -> str:
        return self.output(self.manage("shell", "--no-imports", "-c", code))

    def get(self, path: str) -> list:
        response = httpx.get(self.url + path, timeout=10)
        assert response.status_code == 200, response.text
        return response.json()


@pytest.fixture(scope="module")
def provider_site(tmp_path_factory):
    site = ProviderSite(tmp_path_factory.mktemp("provider"))
    site.output(site.manage("migrate", "--noinput", "-v", "0"))
    # Set up, register the keys and start serving at once: each start costs seconds.
    with open(site.log, "w") as log:
        server = site.start(
            "runserver", "--noreload", f"127.0.0.1:{site.port}", stdout=log, stderr=log
        )
    setup = site.manage("shell", "--no-imports", "-c", SETUP)
    key = site.manage("create_open311_key", "Johannesburg forwarding")
    token_key = site.manage("create_open311_key", "Queued client", "--answer-with-token")
    site.output(setup)
    site.key, site.token_key = site.output(key), site.output(token_key)
    try:
        for _ in range(150):
            try:
                if httpx.get(site.url + "services.json", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert server.poll() is None, site.log.read_text()
            time.sleep(0.1)
        else:
            pytest.fail(f"the provider did not start: {site.log.read_text()}")
        yield site
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def provider(provider_site, city_power) -> Provider:
    return Provider.objects.create(
        unit=city_power,
        endpoint=provider_site.url,
        api_key=provider_site.key,
        jurisdiction_id="citypower",
        service_codes={"power-outage": "outage"},
    )


def test_an_issue_routed_there_appears_there_and_its_progress_comes_back(
    provider_site, provider, jurisdiction, reporter
):
    issue = report_outage(jurisdiction, reporter=reporter, description="Bang, then dark")
    forwarding = services.forward(Forwarding.objects.get(issue=issue).pk)
    assert forwarding.state == Forwarding.State.SENT, forwarding.last_error
    their_id = forwarding.service_request_id
    issue.refresh_from_db()
    assert issue.provider_reference == their_id
    forwarded = Event.objects.get(issue=issue, kind="forwarded")
    assert forwarded.public and their_id in forwarded.note

    [there] = provider_site.get(f"requests/{their_id}.json?jurisdiction_id=citypower")
    assert (there["service_code"], there["description"], there["status"]) == (
        "outage",
        "Bang, then dark",
        "open",
    )
    assert (there["lat"], there["long"]) == pytest.approx(CARLTON_CENTRE)
    # The reporter's contact stayed here.
    assert (
        provider_site.shell(
            "from civicdesk.issues.models import Issue;"
            f"i = Issue.objects.get(pk={their_id}); print(i.reporter_id, i.answers['extent'])"
        )
        == "None street"
    )

    # There, the outage desk acknowledges with a note and completes an activity.
    provider_site.shell(
        "from civicdesk.accounts.models import User\n"
        "from civicdesk.activities.services import create_activity, update_activity\n"
        "from civicdesk.issues.models import Issue\n"
        "from civicdesk.issues.services import acknowledge\n"
        "from civicdesk.units.models import Programme\n"
        f"issue = Issue.objects.get(pk={their_id}); sam = User.objects.get(username='sam')\n"
        "acknowledge(issue, sam, note='Crew scheduled for 14:00')\n"
        "a = create_activity(Programme.objects.get(), sam, title='Replace cable', issues=[issue])\n"
        "update_activity(a, sam, status='completed', public_summary='Cable replaced')\n"
    )
    call_command("pull_provider_updates", stdout=io.StringIO())

    issue.refresh_from_db()
    assert issue.status == Status.RESOLVED
    assert issue.resolved_at is not None
    public = Event.objects.filter(issue=issue, public=True, actor_role="provider")
    notes = [(e.kind, e.to_value, e.note) for e in public]
    assert ("status", Status.ACKNOWLEDGED, "Crew scheduled for 14:00") in notes
    assert ("status", Status.RESOLVED) in [note[:2] for note in notes]
    assert "Cable replaced" in [note for _, _, note in notes]

    # Pulling again brings nothing new.
    events = Event.objects.count()
    services.pull_updates(Provider.objects.get())
    assert Event.objects.count() == events


def test_a_token_answer_is_resolved_later(provider_site, provider, jurisdiction):
    provider.api_key = provider_site.token_key
    provider.save()
    issue = report_outage(jurisdiction)
    forwarding = services.forward(Forwarding.objects.get(issue=issue).pk)
    assert (forwarding.state, forwarding.service_request_id) == (Forwarding.State.TOKEN, "")
    assert forwarding.token
    assert not Event.objects.filter(issue=issue, kind="forwarded").exists()

    services.pull_all_updates()
    forwarding.refresh_from_db()
    assert forwarding.state == Forwarding.State.SENT
    issue.refresh_from_db()
    assert issue.provider_reference == forwarding.service_request_id
    [there] = provider_site.get(
        f"requests/{forwarding.service_request_id}.json?jurisdiction_id=citypower"
    )
    assert there["service_code"] == "outage"


def test_a_refused_request_fails_without_retrying(provider_site, provider, jurisdiction):
    provider.api_key = "o311_not-a-key"
    provider.save()
    report_outage(jurisdiction)
    forwarding = services.forward(Forwarding.objects.get().pk)
    assert (forwarding.state, forwarding.attempts) == (Forwarding.State.FAILED, 1)
    assert "HTTP 403" in forwarding.last_error
