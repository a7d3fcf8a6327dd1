from django.apps import AppConfig


class AssetsConfig(AppConfig):
    name = "civicdesk.assets"
    label = "assets"
