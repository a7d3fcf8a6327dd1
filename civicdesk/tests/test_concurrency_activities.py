"""Two staff changing one activity at once, over real HTTP: a real server (live_server) and
threads whose requests a barrier releases together. Each change writes only its own
fields, so different fields both survive; the same field changed twice is a clear conflict
(a 409 with the current version), never a silent overwrite. Linking issues at once loses
no link, and completing an activity while issues are being linked leaves no linked issue
open and no follower untold.

On SQLite the server's writers queue for the database's single write lock (IMMEDIATE
transactions); on PostgreSQL they run side by side and queue on the activity's row lock.
The assertions are the same on both."""

from datetime import timedelta

import pytest

from civicdesk import timekeeping
from civicdesk.accounts.models import User
from civicdesk.accounts.services import issue_api_token
from civicdesk.activities.models import Activity, ActivityIssue
from civicdesk.activities.services import create_activity
from civicdesk.alerts.models import Alert
from civicdesk.issues.models import OPEN_STATUSES, Issue, Status
from civicdesk.issues.services import Contact
from civicdesk.testing.parallel import (
    at_once,
    browser,
    form_fields,
    short_connections,  # noqa: F401 (a fixture)
)
from civicdesk.timeline.models import Event
from civicdesk.units.models import Membership
from conftest import report_outage

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("short_connections")]
ROUNDS = 3


@pytest.fixture
def colleague(programme) -> User:
    user = User.objects.create_user("sipho", first_name="Sipho", password="x", is_staff=True)
    Membership.objects.create(programme=programme, user=user)
    return user


@pytest.fixture
def activity(programme, staff) -> Activity:
    start = timekeeping.now().replace(second=0, microsecond=0) + timedelta(days=1)
    return create_activity(
        programme,
        staff,
        title="Restore power",
        description="Feeder 4",
        scheduled_start=start,
        scheduled_end=start + timedelta(hours=4),
        assignees=[staff],
    )


def _edit_form(client, activity: Activity) -> dict[str, list[str]]:
    page = client.get(f"/staff/activities/{activity.pk}/edit/")
    assert page.status_code == 200
    return form_fields(page.text, "title")


def _post_edit(client, activity: Activity, fields: dict[str, list[str]]):
    return lambda: client.post(f"/staff/activities/{activity.pk}/edit/", data=fields)


def test_two_staff_editing_different_fields_at_once_keep_both(
    live_server, activity, staff, colleague
):
    for round in range(ROUNDS):
        mine, theirs = browser(live_server, staff), browser(live_server, colleague)
        first, second = _edit_form(mine, activity), _edit_form(theirs, activity)
        first["title"] = [f"Restore power, round {round}"]
        second["description"] = [f"Feeder 4 and 5, round {round}"]

        answers = at_once([_post_edit(mine, activity, first), _post_edit(theirs, activity, second)])

        assert [a.status_code for a in answers] == [302, 302], [a.text[:500] for a in answers]
        activity.refresh_from_db()
        assert activity.title == f"Restore power, round {round}"
        assert activity.description == f"Feeder 4 and 5, round {round}"
        assert activity.version == 1 + 2 * (round + 1)
        # Fields neither of them touched are as they were (not rewritten from a form).
        assert activity.scheduled_end - activity.scheduled_start == timedelta(hours=4)
        assert list(activity.assignees.all()) == [staff]
    edits = Event.objects.filter(activity=activity, kind="activity_edited")
    assert sorted(edits.values_list("note", flat=True)) == sorted(["description", "title"] * ROUNDS)


def test_the_same_field_edited_at_once_is_a_conflict_that_shows_the_current_version(
    live_server, activity, staff, colleague
):
    for round in range(ROUNDS):
        mine, theirs = browser(live_server, staff), browser(live_server, colleague)
        first, second = _edit_form(mine, activity), _edit_form(theirs, activity)
        first["title"] = [f"Thandi's title {round}"]
        second["title"] = [f"Sipho's title {round}"]

        answers = at_once([_post_edit(mine, activity, first), _post_edit(theirs, activity, second)])

        assert sorted(a.status_code for a in answers) == [302, 409]
        won = 0 if answers[0].status_code == 302 else 1
        winner, loser = ("Thandi", "Sipho") if won == 0 else ("Sipho", "Thandi")
        activity.refresh_from_db()
        assert activity.title == f"{winner}'s title {round}"
        conflict = answers[1 - won].text
        who = "thandi" if winner == "Thandi" else "Sipho"
        assert f"{who} changed this meanwhile; it is now “{winner}&#x27;s title {round}”" in (
            conflict
        )
        # The page keeps what the loser typed and is based on the current version now:
        # saving it again is their deliberate choice, and it goes through.
        again = form_fields(conflict, "title")
        assert again["title"] == [f"{loser}'s title {round}"]
        assert again["version"] == [str(activity.version)]
        client = theirs if won == 0 else mine
        assert client.post(f"/staff/activities/{activity.pk}/edit/", data=again).status_code == 302
        activity.refresh_from_db()
        assert activity.title == f"{loser}'s title {round}"


def test_progress_and_summary_changed_at_once_on_the_activity_page_both_survive(
    live_server, activity, staff, colleague
):
    mine, theirs = browser(live_server, staff), browser(live_server, colleague)
    page = f"/staff/activities/{activity.pk}/"
    first = form_fields(mine.get(page).text, "progress")
    second = form_fields(theirs.get(page).text, "progress")
    first |= {"progress": ["40"], "action": ["update"]}
    second |= {"public_summary": ["Cable replaced"], "action": ["update"]}

    answers = at_once([lambda: mine.post(page, data=first), lambda: theirs.post(page, data=second)])

    assert [a.status_code for a in answers] == [302, 302]
    activity.refresh_from_db()
    assert (activity.progress, activity.public_summary) == (40, "Cable replaced")


def _api(live_server, user: User):
    client = browser(live_server)
    client.headers["Authorization"] = f"Bearer {issue_api_token(user)}"
    return client


def test_api_changes_with_the_version_read_get_a_409_with_the_current_activity(
    live_server, activity, staff, colleague
):
    mine, theirs = _api(live_server, staff), _api(live_server, colleague)
    url = f"/api/v1/activities/{activity.pk}"
    version = activity.version

    answers = at_once(
        [
            lambda: mine.patch(url, json={"progress": 30, "version": version}),
            lambda: theirs.patch(url, json={"summary": "Crew on site", "version": version}),
        ]
    )

    assert sorted(a.status_code for a in answers) == [200, 409]
    ok, conflict = sorted(answers, key=lambda a: a.status_code)
    activity.refresh_from_db()
    assert conflict.json()["current"] == ok.json()
    assert conflict.json()["current"]["version"] == activity.version == version + 1
    assert conflict.json()["fields"] == (
        ["summary"] if ok.json()["progress"] == 30 else ["progress"]
    )
    # Without a version, each change writes its own fields only: both survive.
    answers = at_once(
        [
            lambda: mine.patch(url, json={"progress": 60}),
            lambda: theirs.patch(url, json={"summary": "Cable replaced"}),
        ]
    )
    assert [a.status_code for a in answers] == [200, 200]
    activity.refresh_from_db()
    assert (activity.progress, activity.public_summary) == (60, "Cable replaced")


def _outages(jurisdiction, count: int, start: int) -> list[Issue]:
    return [
        report_outage(jurisdiction, Contact(email=f"reporter{start + n}@example.org"))
        for n in range(count)
    ]


def test_issues_linked_at_once_are_all_linked(live_server, activity, staff, colleague):
    issues = _outages(activity.programme.unit.jurisdiction, 6, 0)
    clients = [_api(live_server, staff if n % 2 else colleague) for n in range(len(issues))]
    url = f"/api/v1/activities/{activity.pk}/issues"

    answers = at_once(
        [
            lambda client=client, issue=issue: client.post(url, json={"issue_ids": [issue.pk]})
            for client, issue in zip(clients, issues, strict=True)
        ]
    )

    assert [a.status_code for a in answers] == [200] * len(issues)
    assert [a.json()["changed"] for a in answers] == [1] * len(issues)
    assert set(ActivityIssue.objects.values_list("issue_id", flat=True)) == {i.pk for i in issues}
    assert set(Issue.objects.values_list("status", flat=True)) == {Status.ACKNOWLEDGED}


def test_completing_while_issues_are_linked_leaves_no_linked_issue_open_or_untold(
    live_server, programme, staff, colleague
):
    jurisdiction = programme.unit.jurisdiction
    completer, linker = _api(live_server, staff), _api(live_server, colleague)
    for round in range(ROUNDS + 1):
        activity = create_activity(programme, staff, title=f"Round {round}")
        first = _outages(jurisdiction, 2, 10 * round)
        late = _outages(jurisdiction, 2, 10 * round + 5)
        linking = completer.post(
            f"/api/v1/activities/{activity.pk}/issues", json={"issue_ids": [i.pk for i in first]}
        )
        assert linking.status_code == 200

        done, linked = at_once(
            [
                lambda a=activity: completer.patch(
                    f"/api/v1/activities/{a.pk}", json={"status": "completed"}
                ),
                lambda a=activity, late=late: linker.post(
                    f"/api/v1/activities/{a.pk}/issues", json={"issue_ids": [i.pk for i in late]}
                ),
            ]
        )

        assert done.status_code == 200
        assert linked.status_code in (200, 400), linked.text
        members = Issue.objects.filter(activity_links__activity=activity)
        expected = {i.pk for i in first} | ({i.pk for i in late} if linked.is_success else set())
        assert set(members.values_list("pk", flat=True)) == expected
        # Every linked issue is resolved, and its reporter is asked for feedback once.
        assert not members.filter(status__in=OPEN_STATUSES).exists()
        resolved = Alert.objects.filter(kind="issue_resolved", issue__in=members)
        assert sorted(resolved.values_list("issue_id", flat=True)) == sorted(expected)
        if not linked.is_success:
            # Refused because the activity was completed first: those issues stay open.
            assert "completed" in linked.json()["detail"]
            assert set(
                Issue.objects.filter(pk__in=[i.pk for i in late]).values_list("status", flat=True)
            ) == {Status.SUBMITTED}
