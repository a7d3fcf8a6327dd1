from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "civicdesk.alerts"
    label = "alerts"
