from django.apps import AppConfig


class TimelineConfig(AppConfig):
    name = "civicdesk.timeline"
    label = "timeline"
