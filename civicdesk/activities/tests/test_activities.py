from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from civicdesk.activities.models import ActivityStatus
from civicdesk.activities.services import (
    cancel_activity,
    create_activity,
    edit_activity,
    link_issues,
    unlink_issues,
    update_activity,
)
from civicdesk.alerts.models import Alert
from civicdesk.issues.clock import recompute
from civicdesk.issues.models import Issue, Status
from civicdesk.issues.services import (
    Contact,
    citizen_for,
    give_feedback,
    push,
    request_info,
)
from civicdesk.timekeeping import as_of
from conftest import report_outage

SAST = ZoneInfo("Africa/Johannesburg")
T0 = datetime(2026, 11, 2, 9, 0, tzinfo=SAST)


def report(jurisdiction, n: int) -> Issue:
    return report_outage(jurisdiction, Contact(email=f"resident{n}@example.org"))


@pytest.fixture
def outage(wards, electricity) -> list[Issue]:
    with as_of(T0):
        issues = [report(electricity.jurisdiction, n) for n in range(3)]
        push(issues[0], Contact(phone="+27825550199"))
        push(issues[1], Contact(phone="+27825550199"))
    return issues


@pytest.fixture
def activity(programme, staff):
    return create_activity(programme, staff, title="Replace burnt transformer, Jeppe St")


def states(issues):
    return [Issue.objects.get(pk=i.pk).status for i in issues]


def test_linking_is_the_response(outage, activity, staff):
    with as_of(T0 + timedelta(hours=1)):
        assert link_issues(activity, outage, staff) == 3
    issues = Issue.objects.filter(pk__in=[i.pk for i in outage])
    assert {i.status for i in issues} == {Status.ACKNOWLEDGED}
    assert all(i.responded_at == T0 + timedelta(hours=1) and i.response_met for i in issues)
    assert Alert.objects.filter(kind="issue_linked").count() == 3 + 2  # reporters and pushes


def test_linking_again_adds_nothing(outage, activity, staff):
    link_issues(activity, outage, staff)
    assert link_issues(activity, outage, staff) == 0
    assert activity.links.count() == 3


def test_issues_of_another_unit_cannot_be_linked(outage, activity, staff, roads):
    Issue.objects.filter(pk=outage[0].pk).update(unit=roads)
    with pytest.raises(ValidationError, match=str(outage[0].pk)):
        link_issues(activity, outage, staff)
    assert activity.links.count() == 0


def test_starting_the_activity_starts_every_issue(outage, activity, staff):
    link_issues(activity, outage, staff)
    update_activity(
        activity,
        staff,
        status=ActivityStatus.IN_PROGRESS,
        progress=20,
        public_summary="Crew on site",
    )
    assert states(outage) == [Status.IN_PROGRESS] * 3
    event = outage[0].events.get(kind="status", to_value="in_progress")
    assert event.from_value == "acknowledged" and event.activity_id == activity.pk


def test_completing_resolves_every_issue_and_asks_every_follower_for_feedback(
    outage, activity, staff
):
    link_issues(activity, outage, staff)
    update_activity(activity, staff, status=ActivityStatus.IN_PROGRESS)
    with as_of(T0 + timedelta(hours=10)):
        update_activity(
            activity, staff, status=ActivityStatus.COMPLETED, public_summary="Transformer replaced"
        )
    issues = Issue.objects.filter(pk__in=[i.pk for i in outage])
    assert {(i.status, i.resolution_met) for i in issues} == {(Status.RESOLVED, True)}
    asked = Alert.objects.filter(kind="issue_resolved")
    assert asked.count() == 5
    assert all(a.payload["feedback_requested"] for a in asked)
    # The citizen who pushed two of the issues gets two rows sharing one digest key.
    pusher = asked.filter(citizen__phone="+27825550199")
    assert pusher.count() == 2 and len({a.digest_key for a in pusher}) == 1


def test_an_issue_waits_for_all_its_activities(outage, activity, staff, programme):
    other = create_activity(programme, staff, title="Check the street's meters")
    link_issues(activity, outage, staff)
    link_issues(other, outage[:1], staff)
    update_activity(activity, staff, status=ActivityStatus.COMPLETED)
    assert states(outage) == [Status.ACKNOWLEDGED, Status.RESOLVED, Status.RESOLVED]
    update_activity(other, staff, status=ActivityStatus.COMPLETED)
    assert states(outage)[0] == Status.RESOLVED


def test_putting_on_hold_returns_issues_to_acknowledged(outage, activity, staff):
    link_issues(activity, outage, staff)
    update_activity(activity, staff, status=ActivityStatus.IN_PROGRESS)
    update_activity(activity, staff, status=ActivityStatus.ON_HOLD)
    assert states(outage) == [Status.ACKNOWLEDGED] * 3


def test_cancelling_hands_the_issues_back_to_the_unit(outage, activity, staff):
    link_issues(activity, outage, staff)
    update_activity(activity, staff, status=ActivityStatus.IN_PROGRESS)
    cancel_activity(activity, staff, "Eskom will fix it")
    assert states(outage) == [Status.ACKNOWLEDGED] * 3
    with pytest.raises(ValidationError):
        update_activity(activity, staff, status=ActivityStatus.IN_PROGRESS)


def test_completed_activity_cannot_change(activity, staff):
    update_activity(activity, staff, status=ActivityStatus.COMPLETED)
    with pytest.raises(ValidationError):
        update_activity(activity, staff, progress=10)


@pytest.mark.parametrize("progress", [-1, 101, "50"])
def test_bad_progress_is_refused(activity, staff, progress):
    with pytest.raises(ValidationError) as caught:
        update_activity(activity, staff, progress=progress)
    assert "progress" in caught.value.message_dict


def test_unlinking_stops_an_issue_in_progress(outage, activity, staff):
    link_issues(activity, outage, staff)
    update_activity(activity, staff, status=ActivityStatus.IN_PROGRESS)
    assert unlink_issues(activity, outage[:1], staff) == 1
    assert states(outage) == [Status.ACKNOWLEDGED, Status.IN_PROGRESS, Status.IN_PROGRESS]


def test_unlinking_touches_only_issues_linked_to_the_activity(outage, activity, staff):
    link_issues(activity, outage[:1], staff)
    # In progress without an activity, as an outside provider's update leaves an issue.
    Issue.objects.filter(pk=outage[1].pk).update(status=Status.IN_PROGRESS)
    assert unlink_issues(activity, outage[1:], staff) == 0
    assert states(outage) == [Status.ACKNOWLEDGED, Status.IN_PROGRESS, Status.SUBMITTED]
    assert not Issue.objects.filter(events__kind="unlinked").exists()


def test_not_fixed_reopens_and_resumes_the_clock(outage, activity, staff):
    link_issues(activity, outage, staff)
    with as_of(T0 + timedelta(hours=10)):
        update_activity(activity, staff, status=ActivityStatus.COMPLETED)
    issue = Issue.objects.get(pk=outage[0].pk)
    with as_of(T0 + timedelta(hours=30)):
        give_feedback(issue, issue.reporter, rating=1, fixed=False, comment="Still dark")
    issue.refresh_from_db()
    assert issue.status == Status.REOPENED
    assert issue.resolved_at is None
    # 10 h ran before the fix; the 20 h it stood resolved do not count.
    assert issue.resolution_due == T0 + timedelta(hours=24 + 20)
    assert Alert.objects.filter(unit=issue.unit, kind="issue_reopened").exists()


def test_fixed_from_the_reporter_closes(outage, activity, staff):
    link_issues(activity, outage, staff)
    update_activity(activity, staff, status=ActivityStatus.COMPLETED)
    issue = Issue.objects.get(pk=outage[1].pk)
    give_feedback(issue, issue.reporter, rating=5, fixed=True)
    issue.refresh_from_db()
    assert issue.status == Status.CLOSED
    with pytest.raises(ValidationError, match="already given"):
        give_feedback(issue, issue.reporter, rating=4, fixed=True)


def test_feedback_only_from_followers_and_after_resolution(outage, activity, staff):
    with pytest.raises(ValidationError):
        give_feedback(outage[0], outage[0].reporter, rating=5, fixed=True)
    link_issues(activity, outage, staff)
    update_activity(activity, staff, status=ActivityStatus.COMPLETED)
    stranger = citizen_for(Contact(email="stranger@example.org"))
    with pytest.raises(ValidationError):
        give_feedback(outage[0], stranger, rating=5, fixed=True)
    with pytest.raises(ValidationError):
        give_feedback(outage[0], outage[0].reporter, rating=6, fixed=True)


def test_a_paused_issue_is_judged_when_its_pause_began(outage, activity, staff):
    link_issues(activity, outage, staff)
    with as_of(T0 + timedelta(hours=2)):
        request_info(outage[2], staff, "Is the whole street dark?")
    with as_of(T0 + timedelta(hours=30)):  # long after the 24 h resolution deadline
        update_activity(activity, staff, status=ActivityStatus.COMPLETED)
    issue = Issue.objects.get(pk=outage[2].pk)
    assert (issue.status, issue.resolution_met, issue.paused_at) == (Status.RESOLVED, True, None)
    assert issue.clock_pauses.get().ended_at == T0 + timedelta(hours=30)
    stored = (issue.response_due, issue.resolution_due, issue.response_met, issue.resolution_met)
    assert tuple(vars(recompute(issue)).values()) == stored
    assert Issue.objects.get(pk=outage[0].pk).resolution_met is False


def test_editing_details_is_an_internal_event_without_alerts(activity, staff):
    edit_activity(
        activity,
        staff,
        title="Replace transformer T4",
        description="Bring a crane",
        scheduled_start=T0,
        scheduled_end=T0 + timedelta(hours=6),
        assignees=[staff],
    )
    activity.refresh_from_db()
    assert activity.title == "Replace transformer T4"
    assert list(activity.assignees.all()) == [staff]
    event = activity.events.get(kind="activity_edited")
    assert not event.public
    assert event.note == "title, description, scheduled_start, scheduled_end, assignees"
    with pytest.raises(ValidationError):
        edit_activity(
            activity,
            staff,
            title="x",
            description="",
            scheduled_start=T0,
            scheduled_end=T0 - timedelta(hours=1),
            assignees=[],
        )


def test_the_admin_edits_details_through_the_service(client, activity, staff):
    from civicdesk.accounts.models import User

    admin = User.objects.create_superuser("root", password="pw-for-tests")
    client.force_login(admin)
    response = client.post(
        f"/admin/activities/activity/{activity.pk}/change/",
        {
            "title": "Replace transformer T4",
            "description": "",
            "assignees": [staff.pk],
            "links-TOTAL_FORMS": "0",
            "links-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert activity.events.filter(kind="activity_edited", actor=admin).exists()
