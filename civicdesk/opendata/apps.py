from django.apps import AppConfig


class OpendataConfig(AppConfig):
    name = "civicdesk.opendata"
    label = "opendata"
