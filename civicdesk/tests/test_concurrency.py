"""Citizens at the same moment, over real HTTP: a real server (live_server) and threads
whose requests a barrier releases together, a few rounds each.

- 20 citizens pushing one issue at once count 20; one citizen pushing four times at once
  counts once (and is one citizen row, though it was their first contact).
- The same report sent four times at once with one Idempotency-Key (JSON API, Open311),
  or the web form's key (the offline queue's retries), makes one issue, one timeline, one
  alert; every answer names that issue.
- First contacts at once from one e-mail or one phone number make one citizen.

On SQLite the server's writers queue for the database's single write lock (IMMEDIATE
transactions); on PostgreSQL they run side by side and meet the row locks and unique keys
these tests are about. The assertions are the same on both."""

from functools import partial

import pytest

from civicdesk.accounts.models import Citizen, User
from civicdesk.accounts.services import issue_api_token
from civicdesk.alerts.models import Alert
from civicdesk.citizens.models import ReportKey
from civicdesk.following.models import ApiReport
from civicdesk.issues.models import Issue, Push
from civicdesk.open311.models import Submission
from civicdesk.open311.services import register_application
from civicdesk.testing.parallel import (
    at_once,
    browser,
    form_fields,
    short_connections,  # noqa: F401 (a fixture)
)
from civicdesk.timeline.models import Event
from conftest import CARLTON_CENTRE, report_outage

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("short_connections"),
]
ROUNDS = 3
LAT, LON = CARLTON_CENTRE


@pytest.fixture
def city(jurisdiction, wards, electricity):
    return jurisdiction


def _citizen_api(live_server, name: str):
    user = User.objects.create_user(name, email=f"{name}@example.org", password="x")
    client = browser(live_server)
    client.headers["Authorization"] = f"Bearer {issue_api_token(user)}"
    return client


@pytest.mark.slow
def test_twenty_citizens_pushing_at_once_count_twenty(live_server, city):
    issue = report_outage(city)
    clients = [_citizen_api(live_server, f"pusher{n}") for n in range(20)]

    answers = at_once([lambda c=c: c.post(f"/api/v1/issues/{issue.pk}/push") for c in clients])

    assert [a.status_code for a in answers] == [200] * 20, answers[0].text
    assert all(a.json()["changed"] for a in answers)
    # Each answer reads the count after its own push: the last to commit sees all twenty.
    assert max(a.json()["push_count"] for a in answers) == 20
    issue.refresh_from_db()
    assert issue.push_count == Push.objects.filter(issue=issue).count() == 20
    assert Event.objects.filter(issue=issue, kind="pushed").count() == 20
    assert Citizen.objects.filter(user__isnull=False).count() == 20


def test_one_citizen_pushing_four_times_at_once_counts_once(live_server, city):
    issue = report_outage(city)
    for round in range(ROUNDS):
        client = _citizen_api(live_server, f"keen{round}")

        answers = at_once([partial(client.post, f"/api/v1/issues/{issue.pk}/push")] * 4)

        assert [a.status_code for a in answers] == [200] * 4, answers[0].text
        assert sorted(a.json()["changed"] for a in answers) == [False, False, False, True]
        issue.refresh_from_db()
        assert issue.push_count == Push.objects.filter(issue=issue).count() == round + 1
        # Their first contact: one citizen row, though four requests looked for it at once.
        assert Citizen.objects.filter(user__username=f"keen{round}").count() == 1
    assert Event.objects.filter(issue=issue, kind="pushed").count() == ROUNDS


def test_pushes_at_once_on_the_issue_page_count_each_person_once(live_server, city):
    issue = report_outage(city)
    page = f"/issues/{issue.pk}/"
    for round in range(ROUNDS):
        # A signed-out citizen by e-mail and a signed-in one with no citizen row yet, each
        # pressing Push twice at once.
        user = User.objects.create_user(f"web{round}", email=f"web{round}@example.org")
        anonymous, signed_in = browser(live_server), browser(live_server, user)
        posts = []
        for client in (anonymous, signed_in, anonymous, signed_in):
            assert client.get(page).status_code == 200  # sets the CSRF cookie
            form = {
                "csrfmiddlewaretoken": client.cookies["csrftoken"],
                "email": f"Anon{round}@example.org",
                "phone": "",
            }
            posts.append(partial(client.post, f"{page}push/", data=form))

        answers = at_once(posts)

        assert [a.status_code for a in answers] == [302] * 4, answers[0].text[:300]
        issue.refresh_from_db()
        assert issue.push_count == Push.objects.filter(issue=issue).count() == 2 * (round + 1)
        assert Citizen.objects.filter(email=f"anon{round}@example.org").count() == 1
        assert Citizen.objects.filter(user=user).count() == 1


def _one_issue_made(answers_ids: set[int], reporters: int) -> Issue:
    """Exactly one issue, with one timeline (reported, routed) and one receipt alert."""
    [issue] = Issue.objects.all()
    assert answers_ids == {issue.pk}
    assert sorted(Event.objects.filter(issue=issue).values_list("kind", flat=True)) == [
        "reported",
        "routed",
    ]
    assert Alert.objects.filter(issue=issue, kind="issue_received").count() == 1
    assert Citizen.objects.count() == reporters
    return issue


def test_one_idempotency_key_sent_four_times_at_once_makes_one_issue_json_api(live_server, city):
    report = {
        "service_code": "power-outage",
        "lat": LAT,
        "lon": LON,
        "answers": {"extent": "street"},
        "description": "No power since 6am",
    }
    for round in range(ROUNDS):
        client = _citizen_api(live_server, f"reporter{round}")
        key = {"Idempotency-Key": f"report-{round}-8f3c1e"}

        answers = at_once([partial(client.post, "/api/v1/issues", json=report, headers=key)] * 4)

        assert sorted(a.status_code for a in answers) == [200, 200, 200, 201], answers[0].text
        assert len({a.text for a in answers}) == 1  # the same answer, the first report's
        issue = _one_issue_made({a.json()["id"] for a in answers}, reporters=1)
        assert ApiReport.objects.get().issue_id == issue.pk
        Issue.objects.all().delete()
        Citizen.objects.all().delete()


def test_one_idempotency_key_sent_four_times_at_once_makes_one_issue_open311(live_server, city):
    _, api_key = register_application("Joburg Fix app")
    client = browser(live_server)
    for round in range(ROUNDS):
        form = {
            "api_key": api_key,
            "service_code": "power-outage",
            "lat": str(LAT),
            "long": str(LON),
            "attribute[extent]": "street",
            "email": f"lerato{round}@example.org",
            "description": "No power on the whole block",
        }
        key = {"Idempotency-Key": f"open311-{round}"}

        answers = at_once(
            [partial(client.post, "/open311/v2/requests.json", data=form, headers=key)] * 4
        )

        assert [a.status_code for a in answers] == [200] * 4, answers[0].text
        assert len({a.text for a in answers}) == 1
        ids = {int(a.json()[0]["service_request_id"]) for a in answers}
        issue = _one_issue_made(ids, reporters=1)
        assert Submission.objects.get().issue_id == issue.pk
        Issue.objects.all().delete()
        Citizen.objects.all().delete()


def test_the_web_form_sent_four_times_at_once_with_its_key_makes_one_issue(live_server, city):
    client = browser(live_server)
    details = "/report/jhb/power-outage/details/"
    for round in range(ROUNDS):
        page = client.get(details, params={"lat": LAT, "lon": LON})
        form = form_fields(page.text, "key")
        form |= {
            "q_extent": ["street"],
            "description": ["No power since 6am"],
            "email": [f"thabo{round}@example.org"],
        }
        post = partial(client.post, details, data=form, headers={"Accept": "application/json"})

        answers = at_once([post] * 4)

        assert [a.status_code for a in answers] == [200] * 4, answers[0].text
        assert len({a.text for a in answers}) == 1
        issue = _one_issue_made({a.json()["issue"] for a in answers}, reporters=1)
        assert ReportKey.objects.get(key=form["key"][0]).issue_id == issue.pk
        Issue.objects.all().delete()
        Citizen.objects.all().delete()


def test_first_contacts_at_once_from_one_email_or_phone_make_one_citizen(live_server, city):
    _, api_key = register_application("Joburg Fix app")
    client = browser(live_server)
    for round in range(ROUNDS):
        contacts = [
            {"email": f"Nomsa{round}@Example.org"},
            {"email": f" nomsa{round}@example.org "},
            {"phone": f"+27 82 555 01{round:02d}"},
            {"phone": f"+2782555-01{round:02d}"},
        ]
        forms = [
            {
                "api_key": api_key,
                "service_code": "power-outage",
                "lat": str(LAT),
                "long": str(LON),
                "attribute[extent]": "street",
                "description": f"Report {n} of round {round}",
            }
            | contact
            for n, contact in enumerate(contacts * 2)
        ]

        answers = at_once(
            [lambda f=f: client.post("/open311/v2/requests.json", data=f) for f in forms]
        )

        assert [a.status_code for a in answers] == [200] * len(forms), answers[0].text
        issues = Issue.objects.filter(description__endswith=f"of round {round}")
        assert issues.count() == len(forms)
        by_email = Citizen.objects.filter(email=f"nomsa{round}@example.org")
        by_phone = Citizen.objects.filter(phone=f"+278255501{round:02d}")
        assert by_email.count() == 1 and by_phone.count() == 1
        reporters = set(issues.values_list("reporter_id", flat=True))
        assert reporters == {by_email.get().pk, by_phone.get().pk}
    assert Citizen.objects.count() == 2 * ROUNDS
