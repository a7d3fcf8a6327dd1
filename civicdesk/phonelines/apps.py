from django.apps import AppConfig


class PhonelinesConfig(AppConfig):
    """Feature phones: USSD menus and SMS commands through Africa's Talking's callbacks."""

    name = "civicdesk.phonelines"
    verbose_name = "Phone lines (USSD and SMS)"
