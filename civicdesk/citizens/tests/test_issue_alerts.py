"""Choosing how to be alerted about one issue (e-mail, SMS, none or as one's default): the
service, the "My issues" page through plain form posts, and the JSON API."""

import json

import pytest
from django.core.exceptions import ValidationError

from civicdesk.accounts.models import AlertChannel, Citizen, User
from civicdesk.accounts.services import issue_api_token
from civicdesk.alerts.delivery import deliver_due
from civicdesk.alerts.models import Alert, IssueAlertChoice
from civicdesk.citizens.services import account
from civicdesk.citizens.services.following import (
    choose_issue_channel,
    follow,
    is_following,
    issue_channel,
    unfollow,
)
from civicdesk.following.models import Follow
from civicdesk.issues.models import Issue
from civicdesk.issues.services import Contact, acknowledge, citizen_for
from conftest import report_outage


@pytest.fixture
def ayanda(db) -> User:
    return User.objects.create_user("ayanda@example.org", email="ayanda@example.org")


@pytest.fixture
def citizen(ayanda) -> Citizen:
    return account.ensure_citizen(ayanda)  # alerted by e-mail; no phone yet


@pytest.fixture
def outage(wards, electricity, citizen) -> Issue:
    return report_outage(electricity.jurisdiction, citizen)


def acknowledged_by(issue: Issue) -> list[str]:
    return list(
        Alert.objects.filter(issue=issue, kind="issue_acknowledged").values_list(
            "channel", flat=True
        )
    )


# The service


def test_the_choice_decides_the_channel_of_that_issues_next_alert_only(
    outage, electricity, citizen, staff
):
    other = report_outage(electricity.jurisdiction, citizen)
    citizen.phone = "+27825550199"
    citizen.save(update_fields=["phone"])
    assert choose_issue_channel(citizen, outage, "sms") == "sms"
    assert issue_channel(outage, citizen) == "sms"
    acknowledge(outage, staff)
    acknowledge(other, staff)
    assert (acknowledged_by(outage), acknowledged_by(other)) == (["sms"], ["email"])
    assert choose_issue_channel(citizen, outage, "default") == "email"
    assert issue_channel(outage, citizen) == "default"
    assert not IssueAlertChoice.objects.exists()


def test_sms_needs_a_phone_and_email_an_address_and_a_refusal_changes_nothing(outage, citizen):
    with pytest.raises(ValidationError) as no_phone:
        choose_issue_channel(citizen, outage, "sms")
    assert no_phone.value.message_dict == {
        "channel": ["Add a mobile number on your account page to get SMS alerts."]
    }
    by_phone = citizen_for(Contact(phone="+27825550101"))
    with pytest.raises(ValidationError) as no_email:
        choose_issue_channel(by_phone, outage, "email")
    assert no_email.value.message_dict == {"channel": ["Your account has no e-mail address."]}
    with pytest.raises(ValidationError) as unknown:
        choose_issue_channel(citizen, outage, "pigeon")
    assert list(unknown.value.message_dict) == ["channel"]
    assert not IssueAlertChoice.objects.exists() and not Follow.objects.exists()


def test_none_stops_the_issues_alerts_including_those_queued(outage, citizen, staff):
    choose_issue_channel(citizen, outage, "none")
    assert not is_following(outage, citizen)
    acknowledge(outage, staff)
    assert acknowledged_by(outage) == []
    queued = Alert.objects.get(issue=outage, kind="issue_received")
    assert deliver_due() == {"cancelled": 1}
    queued.refresh_from_db()
    assert queued.state == "cancelled"


def test_follow_and_unfollow_keep_their_meaning(outage, electricity, citizen):
    assert unfollow(outage, citizen) is True  # one's own report: the choice none
    assert issue_channel(outage, citizen) == "none"
    assert follow(outage, citizen) is True  # lifts none
    assert issue_channel(outage, citizen) == "default"
    choose_issue_channel(citizen, outage, "email")
    assert follow(outage, citizen) is False  # following already; the choice of e-mail stays
    assert issue_channel(outage, citizen) == "email"
    # Choosing how to be alerted about someone else's issue follows it; none unfollows.
    theirs = report_outage(electricity.jurisdiction, Contact(email="other@example.org"))
    assert not is_following(theirs, citizen)
    choose_issue_channel(citizen, theirs, "default")
    assert is_following(theirs, citizen) and Follow.objects.filter(issue=theirs).exists()
    choose_issue_channel(citizen, theirs, "none")
    assert not is_following(theirs, citizen)
    assert follow(theirs, citizen) is True and is_following(theirs, citizen)


# The "My issues" page


def test_my_issues_chooses_per_issue_by_a_plain_form_post(client, ayanda, citizen, outage, staff):
    client.force_login(ayanda)
    page = client.get("/my/issues/").content.decode()
    assert f'action="/my/issues/{outage.pk}/alerts/"' in page
    assert '<option value="default" selected>As my default (e-mail)</option>' in page
    assert '<option value="sms">SMS</option>' in page and "No alerts" in page

    refused = client.post(f"/my/issues/{outage.pk}/alerts/", {"channel": "sms"})
    html = refused.content.decode()
    assert refused.status_code == 400
    assert "Add a mobile number on your account page to get SMS alerts." in html
    assert 'class="field field-error"' in html and '<option value="sms" selected>' in html
    assert not IssueAlertChoice.objects.exists()

    client.post("/account/", {"alert_channel": "email", "phone": "082 555 0199"})
    saved = client.post(f"/my/issues/{outage.pk}/alerts/", {"channel": "sms"}, follow=True)
    html = saved.content.decode()
    assert f"Alerts about issue #{outage.pk} now come by SMS." in html
    assert '<option value="sms" selected>SMS</option>' in html
    acknowledge(outage, staff)
    assert acknowledged_by(outage) == ["sms"]

    off = client.post(f"/my/issues/{outage.pk}/alerts/", {"channel": "none"}, follow=True)
    assert f"Alerts about issue #{outage.pk} are off." in off.content.decode()
    assert IssueAlertChoice.objects.get().channel == "none"
    back = client.post(f"/my/issues/{outage.pk}/alerts/", {"channel": "default", "page": "1"})
    assert back.status_code == 302 and back["Location"] == "/my/issues/?page=1"
    assert not IssueAlertChoice.objects.exists()
    bad = client.post(f"/my/issues/{outage.pk}/alerts/", {"channel": "pigeon"})
    assert bad.status_code == 400 and "Select a valid choice." in bad.content.decode()


def test_my_issues_refuses_other_peoples_issues(client, ayanda, citizen, electricity, wards):
    client.force_login(ayanda)
    theirs = report_outage(electricity.jurisdiction, Contact(email="other@example.org"))
    assert client.post(f"/my/issues/{theirs.pk}/alerts/", {"channel": "none"}).status_code == 404
    client.logout()
    signed_out = client.post(f"/my/issues/{theirs.pk}/alerts/", {"channel": "none"})
    assert signed_out.status_code == 302 and not IssueAlertChoice.objects.exists()


# The JSON API


@pytest.fixture
def api(client, ayanda):
    token = issue_api_token(ayanda, "phone app")

    def put(issue_id: int, body) -> object:
        return client.put(
            f"/api/v1/issues/{issue_id}/alerts",
            data=json.dumps(body),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )

    return put


def test_the_api_chooses_the_channel_of_an_issue(api, citizen, outage, electricity):
    citizen.phone = "+27825550199"
    citizen.save(update_fields=["phone"])
    answer = api(outage.pk, {"channel": "sms"})
    assert answer.status_code == 200
    assert answer.json() == {
        "issue": outage.pk,
        "channel": "sms",
        "alerts_by": "sms",
        "following": True,
    }
    assert api(outage.pk, {"channel": "none"}).json()["following"] is False
    assert api(outage.pk, {"channel": "default"}).json() == {
        "issue": outage.pk,
        "channel": "default",
        "alerts_by": "email",
        "following": True,
    }
    theirs = report_outage(electricity.jurisdiction, Contact(email="other@example.org"))
    assert api(theirs.pk, {"channel": "email"}).json()["following"] is True
    assert Follow.objects.filter(issue=theirs, citizen=citizen).exists()


def test_the_api_refuses_bad_input_with_field_errors(api, citizen, outage):
    unknown = api(outage.pk, {"channel": "pigeon"})
    assert unknown.status_code == 400 and list(unknown.json()["errors"]) == ["channel"]
    no_phone = api(outage.pk, {"channel": "sms"})
    assert no_phone.status_code == 400
    assert no_phone.json()["errors"] == {
        "channel": ["Add a mobile number on your account page to get SMS alerts."]
    }
    assert api(999999, {"channel": "none"}).status_code == 404
    assert api(outage.pk, {}).status_code == 422  # malformed, as everywhere in the API
    assert not IssueAlertChoice.objects.exists()
    assert Citizen.objects.get(pk=citizen.pk).alert_channel == AlertChannel.EMAIL


def test_the_choice_reads_in_afrikaans(client, ayanda, citizen, outage):
    client.force_login(ayanda)
    client.post("/i18n/setlang/", {"language": "af", "next": "/"})
    html = client.get("/my/issues/").content.decode()
    assert "Kennisgewings oor hierdie kwessie" in html and "Soos my verstek (e-pos)" in html
    refused = client.post(f"/my/issues/{outage.pk}/alerts/", {"channel": "sms"})
    assert "Voeg &#x27;n selfoonnommer op u rekeningbladsy by" in refused.content.decode()
