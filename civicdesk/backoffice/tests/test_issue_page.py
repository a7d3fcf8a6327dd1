"""An issue as staff see it, and every action on it: bad input is shown next to its field,
keeps what was typed and changes nothing."""

import pytest
from django.urls import reverse

from civicdesk.alerts.models import Alert
from civicdesk.backoffice.models import FollowUp
from civicdesk.forwarding.models import Forwarding, Provider
from civicdesk.issues.models import Issue, Status
from civicdesk.timeline.models import Event
from civicdesk.units.models import BusinessUnit
from conftest import report_outage

pytestmark = pytest.mark.django_db


@pytest.fixture
def outage(jurisdiction, electricity, reporter):
    return report_outage(jurisdiction, reporter)


def url(issue):
    return reverse("backoffice:issue", args=[issue.pk])


def test_staff_see_everything_about_their_units_issue(signed_in, outage, staff):
    from civicdesk.issues.services import add_note

    add_note(outage, staff, "Cable theft again")
    html = signed_in.get(url(outage)).content.decode()
    assert "Lerato Mokoena" not in html  # contacts only on request (test_contact_views)
    assert "Show contacts" in html
    assert "Cable theft again" in html
    assert "internal" in html


def test_staff_see_how_the_reporter_hears_about_this_issue(signed_in, outage):
    from civicdesk.citizens.services.following import choose_issue_channel

    def alerts_by() -> str:
        html = signed_in.get(url(outage)).content.decode()
        return html.split("Alerts by</dt><dd>")[1].split("</dd>")[0]

    assert alerts_by() == outage.reporter.get_alert_channel_display()
    choose_issue_channel(outage.reporter, outage, "none")
    assert alerts_by() == "No alerts"


def test_staff_of_another_unit_get_403(client, outage, roads_staff):
    client.force_login(roads_staff)
    assert client.get(url(outage)).status_code == 403
    response = client.post(url(outage), {"action": "acknowledge"})
    assert response.status_code == 403
    assert Issue.objects.get().status == Status.SUBMITTED


def test_acknowledge(signed_in, outage):
    response = signed_in.post(url(outage), {"action": "acknowledge"})
    assert response.status_code == 302
    assert Issue.objects.get().status == Status.ACKNOWLEDGED


def test_a_note_from_the_page(signed_in, outage):
    signed_in.post(url(outage), {"action": "note", "note-note": "Called the depot"})
    assert Event.objects.get(kind="note").public is False


def test_a_rejection_needs_a_reason_and_keeps_the_form(signed_in, outage):
    response = signed_in.post(url(outage), {"action": "reject", "reject-reason": ""})
    assert response.status_code == 400
    assert response.context["forms"]["reject"].errors["reason"]
    assert Issue.objects.get().status == Status.SUBMITTED
    signed_in.post(url(outage), {"action": "reject", "reject-reason": "Private property"})
    issue = Issue.objects.get()
    assert (issue.status, issue.rejection_reason) == (Status.REJECTED, "Private property")
    assert Alert.objects.filter(kind="issue_rejected").exists()


def test_routing_to_an_outside_provider_keeps_its_reference(
    client, dispatcher, outage, jurisdiction
):
    unit = BusinessUnit.objects.create(
        jurisdiction=jurisdiction,
        name="City Power",
        slug="city-power",
        is_external=True,
        email="ops@citypower.example",
    )
    Provider.objects.create(unit=unit, kind=Provider.Kind.EMAIL)
    client.force_login(dispatcher)
    response = client.post(
        url(outage),
        {"action": "route", "route-unit": unit.pk, "route-provider_reference": "CP-4411"},
    )
    assert response.status_code == 302
    issue = Issue.objects.get()
    assert (issue.unit, issue.provider_reference) == (unit, "CP-4411")
    assert Forwarding.objects.filter(issue=issue, provider__unit=unit).exists()


def test_routing_to_the_same_unit_shows_the_error_on_the_field(client, dispatcher, outage):
    client.force_login(dispatcher)
    response = client.post(
        url(outage), {"action": "route", "route-unit": outage.unit_id, "route-reason": "again"}
    )
    assert response.status_code == 400
    assert response.context["forms"]["route"].errors["unit"]
    assert 'value="again"' in response.content.decode()


def test_follow_up_and_escalation_from_the_page(client, dispatcher, outage, manager):
    client.force_login(dispatcher)
    client.post(
        url(outage),
        {
            "action": "follow_up",
            "follow-contacted": "Depot foreman",
            "follow-promised": "Fixed by tonight",
            "follow-promised_for": "2026-11-24",
        },
    )
    assert FollowUp.objects.get().promised == "Fixed by tonight"
    client.post(url(outage), {"action": "escalate", "escalate-note": "Stuck"})
    assert Alert.objects.get(kind="escalation").user == manager
    html = client.get(url(outage)).content.decode()
    assert "Depot foreman" in html


def test_a_bad_follow_up_date_is_shown(client, dispatcher, outage):
    client.force_login(dispatcher)
    response = client.post(
        url(outage),
        {"action": "follow_up", "follow-contacted": "Depot", "follow-promised_for": "soon"},
    )
    assert response.status_code == 400
    assert response.context["forms"]["follow_up"].errors["promised_for"]
    assert 'value="Depot"' in response.content.decode()
    assert not FollowUp.objects.exists()


def test_merge_side_by_side_with_nearby_candidates(
    client, dispatcher, jurisdiction, electricity, reporter, neighbour
):
    original = report_outage(jurisdiction, reporter)
    duplicate = report_outage(jurisdiction, neighbour, lat=-26.2058, lon=28.0472)
    far = report_outage(jurisdiction, neighbour, lat=-26.10, lon=28.00)
    client.force_login(dispatcher)
    merge_url = reverse("backoffice:merge", args=[duplicate.pk])
    page = client.get(merge_url)
    assert [c.pk for c in page.context["candidates"]] == [original.pk]
    assert far.pk not in [c.pk for c in page.context["candidates"]]
    compared = client.get(merge_url, {"into": original.pk})
    assert compared.context["original"] == original
    assert compared.context["distance"] < 50
    response = client.post(merge_url, {"into": original.pk})
    assert response["Location"] == url(original)
    duplicate.refresh_from_db()
    original.refresh_from_db()
    assert (duplicate.status, duplicate.duplicate_of_id) == (Status.DUPLICATE, original.pk)
    assert original.push_count == 1


def test_merging_into_itself_is_refused(client, dispatcher, outage):
    client.force_login(dispatcher)
    response = client.post(reverse("backoffice:merge", args=[outage.pk]), {"into": outage.pk})
    assert response.status_code == 400
    assert Issue.objects.get().status == Status.SUBMITTED


def test_merging_into_another_units_issue_is_refused_to_staff(
    signed_in, outage, roads, jurisdiction, pothole
):
    from civicdesk.backoffice.tests.factories import open_issues

    theirs = open_issues(roads, pothole, 1)[0]
    response = signed_in.post(reverse("backoffice:merge", args=[outage.pk]), {"into": theirs.pk})
    assert response.status_code == 403


def test_link_the_issue_to_one_of_the_units_activities(signed_in, outage, staff, programme):
    from civicdesk.activities.services import create_activity

    activity = create_activity(programme, staff, title="Cable repair")
    options = signed_in.get(
        reverse("backoffice:activity-search", args=[outage.unit_id]), {"ids": outage.pk}
    )
    assert [a.pk for a in options.context["activities"]] == [activity.pk]
    signed_in.post(url(outage), {"action": "link", "activity": activity.pk})
    assert list(activity.issues.all()) == [outage]
    assert Issue.objects.get().status == Status.ACKNOWLEDGED
