from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "civicdesk.imports"
    label = "imports"
