"""The unit inbox: who may see it, what it lists and in what order, and the actions on a
selection of its issues."""

from datetime import timedelta

import pytest
from django.urls import reverse

from civicdesk.accounts.models import User
from civicdesk.activities.models import Activity, ActivityStatus
from civicdesk.activities.services import create_activity
from civicdesk.alerts.models import Alert
from civicdesk.backoffice.tests.factories import open_issues
from civicdesk.issues.models import Issue, Status
from civicdesk.timeline.models import Event
from conftest import report_outage

pytestmark = pytest.mark.django_db


def inbox_url(unit, **params):
    from urllib.parse import urlencode

    url = reverse("backoffice:unit-inbox", args=[unit.pk])
    return f"{url}?{urlencode(params)}" if params else url


def test_it_sends_visitors_to_the_staff_sign_in(client, electricity):
    response = client.get(inbox_url(electricity))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("backoffice:sign-in"))


def test_it_refuses_a_signed_in_citizen(client, electricity):
    client.force_login(User.objects.create_user("citizen"))
    assert client.get(inbox_url(electricity)).status_code == 403


def test_it_refuses_staff_of_another_unit(client, electricity, roads_staff):
    client.force_login(roads_staff)
    assert client.get(inbox_url(electricity)).status_code == 403


def test_staff_sign_in_and_reach_their_units(client, staff, electricity):
    page = client.get(reverse("backoffice:sign-in"))
    assert page.status_code == 200
    response = client.post(reverse("backoffice:sign-in"), {"username": "thandi", "password": "x"})
    assert response.status_code == 302
    home = client.get(response["Location"])
    assert home.status_code == 200
    assert inbox_url(electricity) in home.content.decode()


def test_the_inbox_lists_the_units_open_issues_riskiest_first(
    signed_in, jurisdiction, electricity, power_outage, reporter
):
    on_track = report_outage(jurisdiction, reporter)
    late = open_issues(electricity, power_outage, 1, age=timedelta(hours=30))[0]
    pushed = open_issues(electricity, power_outage, 1, pushers=3)[0]
    response = signed_in.get(inbox_url(electricity))
    assert response.status_code == 200
    listed = [issue.pk for issue in response.context["page"]]
    assert listed[0] == late.pk  # breached
    assert listed.index(pushed.pk) < listed.index(on_track.pk)  # same risk: pushes decide
    html = response.content.decode()
    assert f'data-live="/live/units/{electricity.pk}/events/"' in html
    assert "Lerato" not in html  # no reporter names in the list


def test_filters_narrow_the_inbox(
    signed_in, jurisdiction, wards, electricity, power_outage, reporter
):
    fresh = report_outage(jurisdiction, reporter)
    assert fresh.area_id is not None
    late = open_issues(electricity, power_outage, 2, age=timedelta(hours=30))
    breached = signed_in.get(inbox_url(electricity, sla="breached")).context["page"]
    assert {i.pk for i in breached} == {i.pk for i in late}
    by_area = signed_in.get(inbox_url(electricity, area=fresh.area_id)).context["page"]
    assert [i.pk for i in by_area] == [fresh.pk]
    today = fresh.submitted_at.date().isoformat()
    assert (
        signed_in.get(inbox_url(electricity, status="resolved")).context["page"].paginator.count
        == 0
    )
    dated = signed_in.get(inbox_url(electricity, since=today, until=today)).context["page"]
    assert fresh.pk in {i.pk for i in dated}


def test_bad_filters_are_shown_and_ignored(signed_in, electricity):
    response = signed_in.get(inbox_url(electricity, since="yesterday", sla="bogus"))
    assert response.status_code == 200
    assert response.context["form"].errors
    assert "Enter a valid date" in response.content.decode()


def bulk(client, unit, action, issues, **fields):
    return client.post(
        reverse("backoffice:bulk-action", args=[unit.pk]),
        {"action": action, "ids": [i.pk for i in issues], **fields},
    )


def test_acknowledge_a_selection(signed_in, electricity, power_outage):
    issues = open_issues(electricity, power_outage, 3)
    response = bulk(signed_in, electricity, "acknowledge", issues)
    assert response.status_code == 302
    assert set(Issue.objects.values_list("status", flat=True)) == {Status.ACKNOWLEDGED}
    again = bulk(signed_in, electricity, "acknowledge", issues[:1])
    messages = [str(m) for m in again.wsgi_request._messages]
    assert any("left as it was" in m for m in messages)


def test_a_selection_with_another_units_issue_is_refused_whole(
    signed_in, electricity, roads, power_outage, pothole
):
    ours = open_issues(electricity, power_outage, 1)
    theirs = open_issues(roads, pothole, 1)
    assert bulk(signed_in, electricity, "acknowledge", ours + theirs).status_code == 403
    assert not Issue.objects.filter(status=Status.ACKNOWLEDGED).exists()


def test_an_internal_note_on_a_selection_is_never_public(signed_in, electricity, power_outage):
    issues = open_issues(electricity, power_outage, 2)
    bulk(signed_in, electricity, "note", issues, text="Transformer at the substation")
    notes = Event.objects.filter(kind="note")
    assert notes.count() == 2
    assert not notes.filter(public=True).exists()
    empty = bulk(signed_in, electricity, "note", issues, text="  ")
    assert empty.status_code == 302
    assert Event.objects.filter(kind="note").count() == 2


def test_ask_the_reporters_of_a_selection(signed_in, electricity, power_outage):
    issues = open_issues(electricity, power_outage, 2)
    bulk(signed_in, electricity, "request_info", issues, text="Which street exactly?")
    assert set(Issue.objects.values_list("status", flat=True)) == {Status.NEEDS_INFO}
    assert Alert.objects.filter(kind="info_requested").count() == 2


def test_create_an_activity_from_a_selection(signed_in, electricity, programme, power_outage):
    issues = open_issues(electricity, power_outage, 4, pushers=1)
    response = bulk(
        signed_in,
        electricity,
        "create_activity",
        issues,
        programme=programme.pk,
        title="Substation fault, Carlton",
        public_summary="Crew on the way",
    )
    activity = Activity.objects.get()
    assert response["Location"] == reverse("backoffice:activity", args=[activity.pk])
    assert activity.issues.count() == 4
    assert set(Issue.objects.values_list("status", flat=True)) == {Status.ACKNOWLEDGED}


def test_create_without_a_title_changes_nothing(signed_in, electricity, programme, power_outage):
    issues = open_issues(electricity, power_outage, 2)
    response = bulk(signed_in, electricity, "create_activity", issues, programme=programme.pk)
    assert response.status_code == 302
    assert not Activity.objects.exists()
    assert not Issue.objects.exclude(status=Status.SUBMITTED).exists()


def test_link_a_selection_to_an_existing_activity(
    signed_in, staff, electricity, programme, power_outage
):
    first, second = open_issues(electricity, power_outage, 2)
    activity = create_activity(programme, staff, title="Cable repair", issues=[first])
    bulk(signed_in, electricity, "link", [second], activity=activity.pk)
    assert set(activity.issues.values_list("pk", flat=True)) == {first.pk, second.pk}


def test_activity_search_puts_nearby_activities_first(
    signed_in, staff, electricity, programme, power_outage
):
    far_issue = open_issues(electricity, power_outage, 1, lat=-26.10, lon=28.00)
    near_issue = open_issues(electricity, power_outage, 1)
    selection = open_issues(electricity, power_outage, 1)
    far = create_activity(programme, staff, title="Cable fault north", issues=far_issue)
    near = create_activity(programme, staff, title="Cable fault centre", issues=near_issue)
    create_activity(programme, staff, title="Streetlights")
    url = reverse("backoffice:activity-search", args=[electricity.pk])
    response = signed_in.get(url, {"q": "cable", "ids": str(selection[0].pk)})
    assert [a.pk for a in response.context["activities"]] == [near.pk, far.pk]
    assert "m away" in response.content.decode()


def test_programme_inbox_has_waiting_issues_and_its_own_activities(
    signed_in, staff, electricity, programme, power_outage
):
    from civicdesk.units.models import Programme

    other = Programme.objects.create(unit=electricity, name="Streetlights")
    waiting, ours, theirs = open_issues(electricity, power_outage, 3)
    create_activity(programme, staff, title="Ours", issues=[ours])
    create_activity(other, staff, title="Theirs", issues=[theirs])
    url = reverse("backoffice:programme-inbox", args=[programme.pk])
    listed = {i.pk for i in signed_in.get(url).context["page"]}
    assert listed == {waiting.pk, ours.pk}


def test_the_map_data_has_the_filtered_issues_as_points(
    signed_in, electricity, power_outage, jurisdiction, reporter
):
    open_issues(electricity, power_outage, 3, age=timedelta(hours=30))
    report_outage(jurisdiction, reporter)
    url = reverse("backoffice:inbox-map-data", args=[electricity.pk])
    data = signed_in.get(url, {"sla": "breached"}).json()
    assert data["total"] == 3
    assert {f["properties"]["sla"] for f in data["features"]} == {"breached"}
    assert "reporter" not in str(data)
    page = signed_in.get(inbox_url(electricity, view="map"))
    assert 'id="inbox-map"' in page.content.decode()


def test_completed_activity_issues_leave_the_open_inbox(
    signed_in, staff, electricity, programme, power_outage
):
    from civicdesk.activities.services import update_activity

    issues = open_issues(electricity, power_outage, 2)
    activity = create_activity(programme, staff, title="Fix", issues=issues)
    update_activity(activity, staff, status=ActivityStatus.COMPLETED)
    assert signed_in.get(inbox_url(electricity)).context["page"].paginator.count == 0
