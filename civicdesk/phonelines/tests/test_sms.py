"""Text messages in and out: the incoming-message callback as Africa's Talking posts it,
and the replies sent by the outbox's workers to Africa's Talking's messaging API on
loopback."""

import pytest

from civicdesk.accounts.models import AlertChannel, Citizen
from civicdesk.alerts.delivery import deliver_due
from civicdesk.alerts.models import Alert
from civicdesk.alerts.preferences import set_issue_channel
from civicdesk.issues.models import Issue, Push
from civicdesk.issues.services import acknowledge
from civicdesk.phonelines.lookups import local
from civicdesk.phonelines.models import InboundSms
from civicdesk.phonelines.tests.conftest import PHONE, text_message
from conftest import report_outage

LANGUAGE_WORD = {"en": "ENGLISH", "zu": "ZULU", "af": "AFRIKAANS"}
SAY = {
    "chosen": {"en": "in English", "zu": "nge-isiZulu", "af": "in Afrikaans"},
    "status": {"en": "Status: received", "zu": "Isimo: kutholakele", "af": "Status: ontvang"},
    "pushed": {"en": "Thank you for pushing", "zu": "ngokusekela", "af": "steun. Ons"},
    "stopped": {"en": "no more SMS", "zu": "Ngeke usathola", "af": "geen SMS"},
    "started": {"en": "on again", "zu": "sezivuliwe", "af": "weer aan"},
    "help": {"en": "Civic Desk: send STATUS", "zu": "thumela STATUS", "af": "stuur STATUS"},
    "thanks": {"en": "Thank you", "zu": "Siyabonga", "af": "Dankie"},
    "no ward": {"en": "Which ward?", "zu": "Iliphi iwadi?", "af": "Watter wyk?"},
    "unknown ward": {"en": "no ward 999", "zu": "Alikho iwadi 999", "af": "geen wyk 999"},
    "words": {"en": "Add a few words", "zu": "Engeza amagama", "af": "Voeg 'n paar"},
    "unknown type": {"en": "We do not know", "zu": "Asiyazi", "af": "Ons ken nie"},
    "questions": {"en": "dial *120*311#", "zu": "shayela *120*311#", "af": "skakel *120*311#"},
    "no issue": {"en": "There is no issue", "zu": "Alukho udaba", "af": "Daar is geen kwessie"},
}


def replies(gateway, count: int) -> list[dict]:
    """Deliver the outbox and return what reached the messaging API."""
    deliver_due()
    assert len(gateway.requests) == count, gateway.requests
    return gateway.requests


def speak(client, gateway, language: str) -> None:
    assert text_message(client, LANGUAGE_WORD[language]).status_code == 200
    [reply] = replies(gateway, 1)
    assert reply["to"] == PHONE and SAY["chosen"][language] in reply["message"]
    assert reply["from"] == "CIVICDESK" and reply["username"] == "civicdesk"
    gateway.requests.clear()


@pytest.mark.parametrize("language", ["en", "zu", "af"])
def test_status_push_and_help_in_each_language(client, lines, sms_gateway, language, neighbour):
    issue = report_outage(lines[0].jurisdiction, neighbour)
    Alert.objects.all().delete()  # the neighbour's receipt is not what this test is about
    speak(client, sms_gateway, language)

    text_message(client, f"status {issue.pk}")
    text_message(client, f"PUSH #{issue.pk}")
    text_message(client, "hello?")
    text_message(client, "STATUS 999999")
    status, pushed, helped, unknown = (r["message"] for r in replies(sms_gateway, 4))

    assert SAY["status"][language] in status and "Ward 124" in status
    assert local(issue.resolution_due, issue.jurisdiction) in status
    assert SAY["pushed"][language] in pushed
    assert Push.objects.filter(issue=issue, citizen__phone=PHONE).exists()
    assert SAY["help"][language] in helped and len(helped) <= 160
    assert SAY["no issue"][language] in unknown
    assert Citizen.objects.get(phone=PHONE).language == language


@pytest.mark.parametrize("language", ["en", "zu", "af"])
def test_a_report_by_text_or_a_reply_saying_what_is_missing(client, lines, sms_gateway, language):
    speak(client, sms_gateway, language)
    for text in (
        "REPORT pothole",
        "REPORT pothole 999 deep hole",
        "REPORT pothole 124",
        "REPORT lion 124 a lion in the road",
        "REPORT power-outage 124 no power",
    ):
        text_message(client, text)
    no_ward, unknown_ward, no_words, unknown_type, questions = (
        r["message"] for r in replies(sms_gateway, 5)
    )
    assert SAY["no ward"][language] in no_ward
    assert SAY["unknown ward"][language] in unknown_ward
    assert SAY["words"][language] in no_words and "REPORT pothole 124" in no_words
    assert SAY["unknown type"][language] in unknown_type and "pothole" in unknown_type
    assert SAY["questions"][language] in questions
    assert not Issue.objects.exists()

    sms_gateway.requests.clear()
    text_message(client, "report Pothole 124 Deep hole near the clinic")
    [reply] = replies(sms_gateway, 1)  # one message: the receipt alert is the reply
    issue = Issue.objects.get()
    assert (issue.source, issue.area.name, issue.unit.slug) == ("sms", "Ward 124", "roads")
    assert issue.description == "Deep hole near the clinic"
    message = reply["message"]
    assert message.startswith(SAY["thanks"][language]) and str(issue.pk) in message
    assert local(issue.response_due, issue.jurisdiction) in message
    assert InboundSms.objects.get(issue=issue).outcome == "reported"


def test_report_keywords_name_issue_types_and_ambiguity_is_asked_back(
    client, lines, sms_gateway, jurisdiction, pothole
):
    pothole.keywords = "hole in road, road damage"
    pothole.save()
    speak(client, sms_gateway, "en")
    text_message(client, "REPORT holeinroad 124 big one")
    [reply] = replies(sms_gateway, 1)
    assert Issue.objects.get().issue_type == pothole

    jurisdiction.issue_types.create(code="road-sign", name="Road sign", keywords="road damage")
    sms_gateway.requests.clear()
    text_message(client, "REPORT road-damage 124 sign down")
    [reply] = replies(sms_gateway, 1)
    assert "could be: road-sign, pothole" in reply["message"]
    assert Issue.objects.count() == 1


def test_stop_ends_sms_alerts_and_start_restores_them(
    client, lines, sms_gateway, staff, jurisdiction
):
    speak(client, sms_gateway, "en")
    citizen = Citizen.objects.get(phone=PHONE)
    issue = report_outage(jurisdiction, citizen)
    assert citizen.alert_channel == AlertChannel.SMS

    text_message(client, "STOP")
    [stopped] = replies(sms_gateway, 1)  # the receipt waiting in the outbox is not sent
    assert "no more SMS alerts" in stopped["message"]
    assert Alert.objects.get(kind="issue_received").state == Alert.State.CANCELLED
    acknowledge(issue, staff)
    replies(sms_gateway, 1)
    citizen.refresh_from_db()
    assert citizen.alert_channel == AlertChannel.NONE
    assert not Alert.objects.filter(kind="issue_acknowledged").exists()

    text_message(client, "start")
    citizen.refresh_from_db()
    report_outage(jurisdiction, citizen)
    started, receipt = (r["message"] for r in replies(sms_gateway, 3)[1:])
    assert "SMS alerts are on again" in started
    assert receipt.startswith("Civic Desk: We received your report")


def test_stop_also_ends_sms_chosen_for_one_issue_and_answers_still_go(
    client, lines, sms_gateway, staff, jurisdiction, neighbour
):
    speak(client, sms_gateway, "en")
    citizen = Citizen.objects.get(phone=PHONE)
    theirs = report_outage(jurisdiction, neighbour)
    mine = report_outage(jurisdiction, citizen)
    citizen.alert_channel = AlertChannel.NONE
    citizen.save()
    set_issue_channel(citizen, mine, AlertChannel.SMS)
    set_issue_channel(citizen, theirs, AlertChannel.NONE)
    Alert.objects.all().delete()

    text_message(client, "STOP")
    text_message(client, f"STATUS {theirs.pk}")
    acknowledge(mine, staff)
    stopped, status = (r["message"] for r in replies(sms_gateway, 2))
    assert "no more SMS alerts" in stopped and f"Issue {theirs.pk}:" in status
    assert not Alert.objects.filter(kind="issue_acknowledged").exists()


def test_a_phone_only_reporter_gets_alerts_by_sms_in_their_language(
    client, lines, sms_gateway, staff
):
    speak(client, sms_gateway, "af")
    text_message(client, "REPORT pothole 124 diep gat")
    issue = Issue.objects.get()
    acknowledge(issue, staff)
    reply, acknowledged = (r for r in replies(sms_gateway, 2))
    assert reply["to"] == acknowledged["to"] == PHONE
    assert f"Kwessie #{issue.pk} (Pothole) is erken." in acknowledged["message"]
    assert Citizen.objects.get(phone=PHONE).language == "af"


def test_a_retried_message_is_acted_on_once(client, lines, sms_gateway):
    for _ in range(3):
        assert text_message(client, "REPORT pothole 124 deep", id="ATXid_7").status_code == 200
    replies(sms_gateway, 1)
    assert Issue.objects.count() == 1 and InboundSms.objects.count() == 1


def test_too_many_messages_from_a_number_get_no_answer(client, lines, sms_gateway, settings):
    settings.PHONELINES_SMS_PER_HOUR = 2
    for n in range(4):
        text_message(client, f"STATUS {n + 1}")
    replies(sms_gateway, 2)
    outcomes = list(InboundSms.objects.order_by("id").values_list("outcome", flat=True))
    assert outcomes[2:] == ["rate_limited", "rate_limited"]


def test_a_number_without_a_jurisdiction_answers_but_takes_no_reports(client, lines, sms_gateway):
    text_message(client, "REPORT pothole 124 deep", to="40000")
    [reply] = replies(sms_gateway, 1)
    assert reply["message"] == "Reports cannot be sent to this number."
    assert not Issue.objects.exists()
