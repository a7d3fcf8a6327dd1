"""Citizens' accounts: sign up, sign in by password or by a one-time link mailed through a
real SMTP server on loopback, "My issues", alert choices and erasure."""

import re

import pytest

from civicdesk.accounts.models import AlertChannel, Citizen, User
from civicdesk.alerts.models import Alert, IssueAlertChoice
from civicdesk.alerts.tests.servers import SmtpServer
from civicdesk.citizens.services import account
from civicdesk.issues.models import Issue
from civicdesk.issues.services import Contact, push
from conftest import report_outage


@pytest.fixture
def smtp(settings):
    server = SmtpServer()
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", server.port, 5
    yield server
    server.stop()


def mailed_link(smtp, count=1) -> str:
    message = smtp.mailbox.wait_for(count)[count - 1]
    body = message.get_payload(decode=True).decode()
    return re.search(r"https?://[^/]+(/account/sign-in/link/\S+/)", body).group(1)


def test_sign_up_signs_in_and_makes_a_citizen(client, db):
    response = client.post(
        "/account/sign-up/",
        {"name": "Ayanda", "email": "Ayanda@Example.org", "password": "long enough pass 7"},
    )
    assert response.status_code == 302 and response["Location"] == "/my/issues/"
    user = User.objects.get(username="ayanda@example.org")
    citizen = Citizen.objects.get(user=user)
    assert (citizen.email, citizen.alert_channel) == ("ayanda@example.org", AlertChannel.EMAIL)
    assert client.get("/my/issues/").status_code == 200


def test_sign_up_refuses_bad_input_next_to_the_fields(client, db):
    User.objects.create_user("taken@example.org", email="taken@example.org", password="x")
    response = client.post(
        "/account/sign-up/", {"name": "Ayanda", "email": "taken@example.org", "password": "123"}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "An account with this e-mail exists: sign in instead." in html
    assert "This password is too short." in html
    assert 'value="Ayanda"' in html and 'value="taken@example.org"' in html
    assert User.objects.count() == 1


def test_sign_in_with_a_password_and_out(client, db):
    User.objects.create_user("ayanda@example.org", email="ayanda@example.org", password="pw-x9!")
    wrong = client.post("/account/sign-in/", {"email": "ayanda@example.org", "password": "no"})
    assert wrong.status_code == 400
    assert "This e-mail and password do not match an account." in wrong.content.decode()
    right = client.post(
        "/account/sign-in/",
        {"email": "AYANDA@example.org", "password": "pw-x9!", "next": "/account/"},
    )
    assert right.status_code == 302 and right["Location"] == "/account/"
    evil = client.post(
        "/account/sign-in/",
        {"email": "ayanda@example.org", "password": "pw-x9!", "next": "https://evil.example/"},
    )
    assert evil["Location"] == "/my/issues/"
    client.post("/account/sign-out/")
    assert client.get("/my/issues/")["Location"].startswith("/account/sign-in/")


def test_a_mailed_link_signs_in_once_and_claims_earlier_reports(
    client, smtp, wards, electricity, reporter
):
    earlier = report_outage(electricity.jurisdiction, reporter=reporter)
    sent = client.post("/account/sign-in/link/", {"email": "lerato@example.org"})
    assert sent.status_code == 200 and "We sent a sign-in link" in sent.content.decode()
    link = mailed_link(smtp)
    # Opening the link (a mail scanner does) uses nothing up; the button does.
    assert client.get(link).status_code == 200
    signed_in = client.post(link)
    assert signed_in.status_code == 302
    user = User.objects.get(username="lerato@example.org")
    assert Citizen.objects.get(pk=earlier.reporter_id).user == user
    assert f"#{earlier.pk} Power outage" in client.get("/my/issues/").content.decode()

    client.post("/account/sign-out/")
    again = client.post(link)
    assert again.status_code == 400 and "already used" in again.content.decode()


def test_an_expired_or_forged_link_is_refused(client, smtp, db, monkeypatch):
    client.post("/account/sign-in/link/", {"email": "new@example.org"})
    link = mailed_link(smtp)
    forged = client.post(link.replace("/link/", "/link/x"))
    assert forged.status_code == 400 and "not valid" in forged.content.decode()
    monkeypatch.setattr(account, "SIGN_IN_LINK_MAX_AGE", -1)
    expired = client.post(link)
    assert expired.status_code == 400 and "expired" in expired.content.decode()
    assert not User.objects.exists()


def test_a_link_for_a_bad_address_is_refused_without_mail(client, smtp, db):
    response = client.post("/account/sign-in/link/", {"email": "not an address"})
    assert response.status_code == 400 and 'value="not an address"' in response.content.decode()
    assert smtp.mailbox.messages == []


def test_my_issues_lists_reported_pushed_and_followed_with_status_and_deadlines(
    client, wards, electricity, neighbour
):
    from civicdesk.citizens.services.following import follow

    user = User.objects.create_user("ayanda@example.org", email="ayanda@example.org")
    client.force_login(user)
    mine = account.ensure_citizen(user)
    reported = report_outage(electricity.jurisdiction, reporter=mine)
    pushed = report_outage(electricity.jurisdiction, reporter=neighbour)
    push(pushed, mine)
    followed = report_outage(electricity.jurisdiction, reporter=neighbour)
    follow(followed, mine)
    report_outage(electricity.jurisdiction, reporter=neighbour)  # not theirs
    html = client.get("/my/issues/").content.decode()
    assert html.count('class="card"') == 3
    assert f"#{reported.pk} Power outage" in html and "you reported it" in html
    assert f"#{pushed.pk} Power outage" in html and "you push it" in html
    assert f"#{followed.pk} Power outage" in html and "you follow it" in html
    assert "Submitted" in html and "On track" in html and "Response by" in html


def test_alert_choices_globally_and_per_issue(client, wards, electricity):
    user = User.objects.create_user("ayanda@example.org", email="ayanda@example.org")
    client.force_login(user)
    citizen = account.ensure_citizen(user)
    issue = report_outage(electricity.jurisdiction, reporter=citizen)

    refused = client.post("/account/", {"alert_channel": "sms", "phone": ""})
    assert refused.status_code == 400
    assert "Give a mobile number for SMS alerts." in refused.content.decode()
    client.post("/account/", {"alert_channel": "sms", "phone": "082 555 0199"})
    citizen.refresh_from_db()
    assert (citizen.alert_channel, citizen.phone) == ("sms", "0825550199")

    client.post(f"/my/issues/{issue.pk}/alerts/", {"channel": "none"})
    assert IssueAlertChoice.objects.get(citizen=citizen, issue=issue).channel == "none"
    client.post(f"/my/issues/{issue.pk}/alerts/", {"channel": "default"})
    assert not IssueAlertChoice.objects.filter(citizen=citizen, issue=issue).exists()
    other = report_outage(electricity.jurisdiction)
    assert client.post(f"/my/issues/{other.pk}/alerts/", {"channel": "none"}).status_code == 404


def test_deleting_the_account_keeps_issues_and_erases_personal_data(client, wards, electricity):
    user = User.objects.create_user("ayanda@example.org", email="ayanda@example.org")
    client.force_login(user)
    citizen = account.ensure_citizen(user)
    citizen.name, citizen.phone = "Ayanda Zulu", "+27825550199"
    citizen.save()
    issue = report_outage(electricity.jurisdiction, reporter=citizen)
    pushed = report_outage(electricity.jurisdiction, reporter=Contact(email="x@example.org"))
    push(pushed, citizen)
    assert Alert.objects.filter(citizen=citizen, state="pending").exists()
    IssueAlertChoice.objects.create(citizen=citizen, issue=pushed, channel="sms")

    unconfirmed = client.post("/account/delete/", {})
    assert unconfirmed.status_code == 400 and User.objects.filter(pk=user.pk).exists()
    done = client.post("/account/delete/", {"confirm": "on"})
    assert done.status_code == 302
    assert not User.objects.filter(pk=user.pk).exists()
    citizen.refresh_from_db()
    assert (citizen.name, citizen.email, citizen.phone, citizen.user) == ("", "", "", None)
    assert citizen.erased_at is not None and citizen.alert_channel == "none"
    assert Issue.objects.get(pk=issue.pk).reporter == citizen
    assert pushed.pushes.get().citizen == citizen
    assert not Alert.objects.filter(citizen=citizen, state="pending").exists()
    assert not IssueAlertChoice.objects.exists()
    assert client.get("/my/issues/").status_code == 302  # signed out


def test_staff_accounts_are_not_deleted_here(client, staff):
    client.force_login(staff)
    response = client.post("/account/delete/", {"confirm": "on"})
    assert response.status_code == 400 and User.objects.filter(pk=staff.pk).exists()
