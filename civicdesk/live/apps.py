from django.apps import AppConfig


class LiveConfig(AppConfig):
    name = "civicdesk.live"
    label = "live"
