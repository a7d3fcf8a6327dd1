from django.apps import AppConfig


class SlawatchConfig(AppConfig):
    name = "civicdesk.slawatch"
    label = "slawatch"
