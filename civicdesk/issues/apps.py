from django.apps import AppConfig


class IssuesConfig(AppConfig):
    name = "civicdesk.issues"
    label = "issues"
