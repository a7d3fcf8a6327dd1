"""Composing messages: a provider's note reaches the citizen in words, not as "news"."""

from civicdesk.alerts.messages import SMS_LIMIT, compose
from civicdesk.alerts.models import Alert


def test_a_providers_update_says_what_the_provider_wrote():
    alert = Alert(kind="issue_updated", issue_id=42, payload={"note": "Crew on site at Jeppe St"})
    message = compose([alert], "en", unsubscribe_url=None)
    assert message.headline == "Issue #42: Crew on site at Jeppe St"
    assert message.sms.endswith("/issues/42/")
    assert "Crew on site at Jeppe St" in message.sms


def test_a_long_note_is_shortened_for_sms_but_keeps_the_link():
    alert = Alert(kind="issue_updated", issue_id=7, payload={"note": "Cable fault. " * 40})
    message = compose([alert], "en", unsubscribe_url=None)
    assert len(message.sms) <= SMS_LIMIT
    assert message.sms.endswith("/issues/7/")
    assert "Cable fault. " * 40 in message.text


def test_an_escalation_by_hand_names_who_escalated_and_claims_no_missed_deadline():
    manual = Alert(
        kind="escalation",
        issue_id=9,
        payload={"clock": "response", "manual": True, "by": "dispatch1", "note": "Hospital"},
    )
    automatic = Alert(kind="escalation", issue_id=9, payload={"clock": "resolution"})
    assert compose([manual], "en", None).headline == (
        "Escalated by dispatch1: issue #9 needs attention. Hospital"
    )
    assert compose([automatic], "en", None).headline == (
        "Escalated: issue #9 is past its resolution deadline."
    )


def test_the_deadline_of_an_escalation_is_named_in_the_readers_language():
    alert = Alert(kind="escalation", issue_id=9, payload={"clock": "response"})
    assert compose([alert], "af", None).headline == (
        "Geëskaleer: kwessie #9 is verby sy reaksie-sperdatum."
    )
