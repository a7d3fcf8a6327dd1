from django.apps import AppConfig


class PlacesConfig(AppConfig):
    name = "civicdesk.places"
    label = "places"
