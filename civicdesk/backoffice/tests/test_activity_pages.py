"""Activity pages: create, edit, move on (every linked issue follows, every follower is
told), cancel, and link or unlink issues, nearby ones from other areas included."""

import pytest
from django.urls import reverse

from civicdesk.activities.models import Activity, ActivityStatus
from civicdesk.activities.services import create_activity
from civicdesk.alerts.models import Alert
from civicdesk.backoffice.tests.factories import open_issues
from civicdesk.issues.models import Issue, Status

pytestmark = pytest.mark.django_db


def page(activity):
    return reverse("backoffice:activity", args=[activity.pk])


def test_create_an_activity_with_staff_and_schedule(signed_in, programme, staff):
    response = signed_in.post(
        reverse("backoffice:activity-new"),
        {
            "programme": programme.pk,
            "title": "Replace cable, Main Street",
            "scheduled_start": "2026-11-24T08:00",
            "scheduled_end": "2026-11-24T16:00",
            "assignees": [staff.pk],
        },
    )
    activity = Activity.objects.get()
    assert response["Location"] == page(activity)
    assert list(activity.assignees.all()) == [staff]
    assert activity.scheduled_end.hour - activity.scheduled_start.hour == 8


def test_a_schedule_ending_before_it_starts_is_shown(signed_in, programme):
    response = signed_in.post(
        reverse("backoffice:activity-new"),
        {
            "programme": programme.pk,
            "title": "Backwards",
            "scheduled_start": "2026-11-24T08:00",
            "scheduled_end": "2026-11-23T08:00",
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors["scheduled_end"]
    assert 'value="Backwards"' in response.content.decode()
    assert not Activity.objects.exists()


def test_another_units_programme_cannot_be_chosen(signed_in, roads):
    from civicdesk.units.models import Programme

    theirs = Programme.objects.create(unit=roads, name="Potholes")
    response = signed_in.post(
        reverse("backoffice:activity-new"), {"programme": theirs.pk, "title": "Not ours"}
    )
    assert response.status_code == 400
    assert not Activity.objects.exists()


def test_edit_an_activitys_details(signed_in, programme, staff):
    activity = create_activity(programme, staff, title="Old title")
    signed_in.post(
        reverse("backoffice:activity-edit", args=[activity.pk]),
        {"title": "New title", "description": "Crew B", "assignees": [staff.pk]},
    )
    activity.refresh_from_db()
    assert (activity.title, activity.description) == ("New title", "Crew B")
    assert Alert.objects.count() == 0  # internal details alert nobody


def test_completing_resolves_every_linked_issue_and_tells_every_follower(
    signed_in, staff, electricity, programme, power_outage
):
    issues = open_issues(electricity, power_outage, 5, pushers=2)
    activity = create_activity(programme, staff, title="Substation", issues=issues)
    response = signed_in.get(page(activity))
    assert response.context["counts"] == {"issues": 5, "reporters": 5, "pushers": 10, "open": 5}
    signed_in.post(
        page(activity),
        {
            "action": "update",
            "status": "completed",
            "progress": "100",
            "public_summary": "Cable replaced",
        },
    )
    assert set(Issue.objects.values_list("status", flat=True)) == {Status.RESOLVED}
    assert Alert.objects.filter(kind="issue_resolved").count() == 15


def test_a_bad_progress_is_shown(signed_in, staff, programme):
    activity = create_activity(programme, staff, title="Works")
    response = signed_in.post(
        page(activity), {"action": "update", "status": "in_progress", "progress": "140"}
    )
    assert response.status_code == 400
    assert response.context["forms"]["progress"].errors["progress"]
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.PLANNED


def test_cancel_needs_a_reason(signed_in, staff, programme, electricity, power_outage):
    issues = open_issues(electricity, power_outage, 2)
    activity = create_activity(programme, staff, title="Works", issues=issues)
    assert signed_in.post(page(activity), {"action": "cancel", "reason": ""}).status_code == 400
    signed_in.post(page(activity), {"action": "cancel", "reason": "Wrong area"})
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.CANCELLED


def test_link_nearby_issues_of_other_areas_and_unlink(
    signed_in, staff, electricity, programme, power_outage, wards
):
    ward_a, ward_b = wards[0], wards[1]
    linked = open_issues(electricity, power_outage, 2, area=ward_a)
    across = open_issues(electricity, power_outage, 2, area=ward_b, lat=-26.2090, lon=28.0470)
    far = open_issues(electricity, power_outage, 1, lat=-26.10, lon=28.00)
    activity = create_activity(programme, staff, title="Outage", issues=linked)
    response = signed_in.get(page(activity), {"radius": "1000"})
    candidates = [i.pk for i in response.context["candidates"]]
    assert set(candidates) == {i.pk for i in across}
    assert far[0].pk not in candidates
    signed_in.post(page(activity), {"action": "link", "ids": candidates})
    assert activity.issues.count() == 4
    signed_in.post(page(activity), {"action": "unlink", "ids": [linked[0].pk]})
    assert activity.issues.count() == 3
    data = signed_in.get(reverse("backoffice:activity-map-data", args=[activity.pk])).json()
    roles = {f["properties"]["id"]: f["properties"]["role"] for f in data["features"]}
    assert roles.pop(linked[0].pk) == "candidate"  # unlinked, it is a candidate again
    assert list(roles.values()) == ["linked"] * 3


def test_another_units_activity_is_403(client, roads_staff, staff, programme):
    activity = create_activity(programme, staff, title="Ours")
    client.force_login(roads_staff)
    assert client.get(page(activity)).status_code == 403
    assert client.post(page(activity), {"action": "cancel", "reason": "x"}).status_code == 403


def test_the_activity_list_shows_the_units_unfinished_work(signed_in, staff, programme):
    create_activity(programme, staff, title="Open works")
    done = create_activity(programme, staff, title="Finished works")
    from civicdesk.activities.services import update_activity

    update_activity(done, staff, status="completed")
    html = signed_in.get(reverse("backoffice:activities")).content.decode()
    assert "Open works" in html and "Finished works" not in html
