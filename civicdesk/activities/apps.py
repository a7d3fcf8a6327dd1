from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "civicdesk.activities"
    label = "activities"
