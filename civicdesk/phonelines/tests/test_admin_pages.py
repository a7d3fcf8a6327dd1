"""The admin shows phone lines to configure, and sessions and messages without numbers."""

from django.urls import reverse

from civicdesk.phonelines.models import InboundSms, PhoneLine, PhoneProfile, UssdSession
from civicdesk.phonelines.tests.conftest import PHONE, UssdPhone, text_message


def test_sessions_messages_and_profiles_show_no_phone_number(admin_client, lines):
    caller = UssdPhone(admin_client)
    caller.dial()
    caller.send("1")
    text_message(admin_client, "STATUS 1")
    for model in (PhoneLine, UssdSession, InboundSms, PhoneProfile):
        name = f"admin:phonelines_{model._meta.model_name}"
        listing = admin_client.get(reverse(f"{name}_changelist"))
        page = admin_client.get(reverse(f"{name}_change", args=[model.objects.first().pk]))
        for response in (listing, page):
            assert response.status_code == 200
            assert PHONE not in response.content.decode()


def test_a_ussd_code_is_added_in_the_admin(admin_client, jurisdiction):
    response = admin_client.post(
        reverse("admin:phonelines_phoneline_add"),
        {"channel": "ussd", "code": "*120*311#", "jurisdiction": jurisdiction.pk, "active": "on"},
    )
    assert response.status_code == 302
    assert PhoneLine.objects.get().jurisdiction == jurisdiction
