"""Delivery of the outbox through real channels on loopback: an SMTP server, Africa's
Talking's API and a Web Push service."""

import base64
import json
import os
from datetime import time, timedelta

import http_ece
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.urls import reverse

from civicdesk import timekeeping
from civicdesk.accounts.models import AlertChannel, Citizen
from civicdesk.activities.models import ActivityStatus
from civicdesk.activities.services import create_activity, link_issues, update_activity
from civicdesk.alerts.delivery import claim, deliver_due, retry, unsubscribe_token
from civicdesk.alerts.models import Alert, PushSubscription
from civicdesk.alerts.preferences import set_issue_channel, set_quiet_hours, subscribe_push
from civicdesk.issues.services import Contact
from conftest import report_outage


def test_an_email_alert_arrives_with_a_link_and_one_click_unsubscribe(
    smtp, wards, electricity, reporter, client, settings
):
    issue = report_outage(electricity.jurisdiction, reporter)

    assert deliver_due() == {"sent": 1}

    [message] = smtp.mailbox.wait_for(1)
    assert message["To"] == "lerato@example.org"
    assert f"#{issue.pk}" in message["Subject"]
    text = message.get_payload()[0].get_payload(decode=True).decode()
    assert f"{settings.SITE_URL}/issues/{issue.pk}/" in text
    unsubscribe = "".join(message["List-Unsubscribe"].split()).strip("<>")  # unfolded
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe in text
    alert = Alert.objects.get(issue=issue)
    assert (alert.state, alert.attempts, alert.claim) == ("sent", 1, "")

    path = unsubscribe.removeprefix(settings.SITE_URL)
    assert client.get(path).status_code == 200  # a link scanner's GET changes nothing
    assert Citizen.objects.get(email="lerato@example.org").alert_channel == AlertChannel.EMAIL
    response = client.post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert Citizen.objects.get(email="lerato@example.org").alert_channel == AlertChannel.NONE


def test_a_forged_unsubscribe_token_is_refused(client, db):
    token = unsubscribe_token(1)
    forged = token[:-2] + ("aa" if not token.endswith("aa") else "bb")
    url = reverse("alerts:unsubscribe", args=[forged])
    assert client.post(url).status_code == 404


def test_an_sms_goes_through_africas_talking_short_with_the_link(
    sms_gateway, wards, electricity, neighbour, settings
):
    issue = report_outage(electricity.jurisdiction, neighbour)

    assert deliver_due() == {"sent": 1}

    [sms] = sms_gateway.requests
    assert sms["to"] == "+27825550101"
    assert (sms["username"], sms["from"]) == ("civicdesk", "CIVICDESK")
    assert len(sms["message"]) <= 160
    assert sms["message"].endswith(f"{settings.SITE_URL}/issues/{issue.pk}/")


def test_an_invalid_number_fails_at_once(sms_gateway, wards, electricity):
    report_outage(electricity.jurisdiction, Contact(phone="+000 1"))

    assert deliver_due() == {"failed": 1}
    alert = Alert.objects.get()
    assert alert.state == "failed"
    assert "InvalidPhoneNumber" in alert.last_error


def test_sms_waits_for_the_end_of_quiet_hours(sms_gateway, wards, electricity, neighbour):
    now = timekeeping.now().astimezone()
    citizen = Citizen.objects.create(phone="+27825550101", alert_channel=AlertChannel.SMS)
    set_quiet_hours(citizen, (now - timedelta(hours=1)).time(), (now + timedelta(hours=1)).time())
    report_outage(electricity.jurisdiction, citizen)

    assert deliver_due() == {"deferred": 1}
    alert = Alert.objects.get()
    assert alert.state == "pending"
    assert timedelta(minutes=55) < alert.next_attempt_at - now <= timedelta(hours=1)
    assert sms_gateway.requests == []


def _browser_keys() -> tuple[ec.EllipticCurvePrivateKey, str, bytes]:
    """What a browser makes when it subscribes: an ECDH key pair and an auth secret."""
    private = ec.generate_private_key(ec.SECP256R1())
    public = private.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return private, base64.urlsafe_b64encode(public).decode().rstrip("="), os.urandom(16)


def test_browser_push_is_encrypted_for_the_subscription_and_signed(
    push_gateway, wards, electricity, reporter
):
    citizen = Citizen.objects.create(email="lerato@example.org", alert_channel=AlertChannel.EMAIL)
    private, p256dh, auth = _browser_keys()
    subscribe_push(
        citizen,
        endpoint=f"{push_gateway.url}/push/abc",
        p256dh=p256dh,
        auth=base64.urlsafe_b64encode(auth).decode().rstrip("="),
    )
    gone = subscribe_push(
        citizen, endpoint=f"{push_gateway.url}/gone/x", p256dh=p256dh, auth="c2VjcmV0c2VjcmV0"
    )
    issue = report_outage(electricity.jurisdiction, citizen)

    assert deliver_due() == {"sent": 1}

    [request] = push_gateway.requests
    assert request["headers"]["authorization"].startswith("vapid t=")
    assert request["headers"]["content-encoding"] == "aes128gcm"
    body = http_ece.decrypt(
        request["body"], private_key=private, auth_secret=auth, version="aes128gcm"
    )
    payload = json.loads(body)
    assert payload["url"].endswith(f"/issues/{issue.pk}/")
    assert f"#{issue.pk}" in payload["body"]
    assert Alert.objects.get().channel == "email"  # the row keeps the channel it was written for
    assert not PushSubscription.objects.filter(pk=gone.pk).exists()


def test_one_citizen_following_five_issues_gets_one_message_for_the_completion(
    smtp, wards, electricity, programme, staff, reporter
):
    issues = [report_outage(electricity.jurisdiction, reporter) for _ in range(5)]
    activity = create_activity(programme, staff, title="Replace the transformer")
    link_issues(activity, issues, staff)
    update_activity(activity, staff, status=ActivityStatus.IN_PROGRESS)
    Alert.objects.update(state="sent")  # earlier steps were told already
    update_activity(activity, staff, status=ActivityStatus.COMPLETED)
    assert Alert.objects.filter(state="pending").count() == 5

    assert deliver_due() == {"sent": 1}

    [message] = smtp.mailbox.wait_for(1)
    text = message.get_payload()[0].get_payload(decode=True).decode()
    assert "5 issues you follow" in message["Subject"]
    assert all(f"/issues/{issue.pk}/" in text for issue in issues)
    assert Alert.objects.filter(kind="issue_resolved", state="sent").count() == 5
    assert not Alert.objects.exclude(state="sent").exists()


def test_a_claim_takes_a_digest_whole_so_two_workers_cannot_split_it(
    wards, electricity, programme, staff, reporter
):
    issues = [report_outage(electricity.jurisdiction, reporter) for _ in range(5)]
    activity = create_activity(programme, staff, title="Replace the transformer")
    link_issues(activity, issues, staff)
    Alert.objects.update(state="sent")
    update_activity(activity, staff, status=ActivityStatus.COMPLETED)
    now = timekeeping.now()
    # A worker that asks for one alert gets the other four of that digest with it.
    first = claim(1, now)
    assert [a.kind for a in first] == ["issue_resolved"] * 5
    assert len({(a.citizen_id, a.digest_key) for a in first}) == 1
    assert claim(10, now) == []


def test_an_issue_turned_to_no_alerts_after_the_alert_was_written_sends_nothing(
    smtp, wards, electricity, reporter
):
    issue = report_outage(electricity.jurisdiction, reporter)
    set_issue_channel(issue.reporter, issue, AlertChannel.NONE)

    assert deliver_due() == {"cancelled": 1}
    assert smtp.mailbox.messages == []


def test_failures_back_off_then_fail_and_an_admin_retries(
    wards, electricity, reporter, settings, admin_client
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_PORT = 9  # nothing listens: connection refused
    settings.ALERTS_RETRY_BASE_SECONDS = 60
    settings.ALERTS_MAX_ATTEMPTS = 3
    report_outage(electricity.jurisdiction, reporter)
    alert = Alert.objects.get()
    start = timekeeping.now()

    assert deliver_due() == {"retried": 1}
    alert.refresh_from_db()
    assert (alert.state, alert.attempts) == ("pending", 1)
    assert timedelta(seconds=59) < alert.next_attempt_at - start < timedelta(seconds=70)
    assert "mail server" in alert.last_error
    assert deliver_due() == {}  # not due yet

    Alert.objects.update(next_attempt_at=start)
    assert deliver_due() == {"retried": 1}
    alert.refresh_from_db()
    assert alert.next_attempt_at - start > timedelta(seconds=119)  # 60 s, then 120 s
    Alert.objects.update(next_attempt_at=start)
    assert deliver_due() == {"failed": 1}
    alert.refresh_from_db()
    assert (alert.state, alert.attempts) == ("failed", 3)

    page = admin_client.get(reverse("admin:alerts_alert_changelist"))
    assert b'id="outbox-summary"' in page.content
    assert page.context["outbox_summary"] == [("email", [0, 0, 0, 1, 0])]
    admin_client.post(
        reverse("admin:alerts_alert_changelist"),
        {"action": "retry_alerts", "_selected_action": [alert.pk]},
    )
    alert.refresh_from_db()
    assert (alert.state, alert.attempts) == ("pending", 0)
    assert retry(Alert.objects.all()) == 0  # pending alerts are not "retried" again


def test_claims_do_not_overlap_and_an_expired_lease_is_taken_again(
    wards, electricity, settings, db
):
    for n in range(6):
        report_outage(electricity.jurisdiction, Contact(email=f"r{n}@example.org"))
    now = timekeeping.now()
    first, second = claim(4, now), claim(4, now)
    assert len(first) == 4 and len(second) == 2
    assert not {a.pk for a in first} & {a.pk for a in second}
    assert claim(4, now) == []

    later = now + timedelta(seconds=settings.ALERTS_LEASE_SECONDS + 1)
    again = claim(10, later)
    assert {a.pk for a in again} == {a.pk for a in first + second}
    assert {a.claim for a in again} != {a.claim for a in first}


def test_quiet_hours_do_not_hold_back_email(smtp, wards, electricity, reporter):
    issue = report_outage(electricity.jurisdiction, reporter)
    set_quiet_hours(issue.reporter, time(0, 0), time(23, 59))
    assert deliver_due() == {"sent": 1}
