from django.apps import AppConfig


class UnitsConfig(AppConfig):
    name = "civicdesk.units"
    label = "units"
