from django.apps import AppConfig


class WorkersConfig(AppConfig):
    name = "civicdesk.workers"
    label = "workers"
