from django.apps import AppConfig


class ForwardingConfig(AppConfig):
    name = "civicdesk.forwarding"
    label = "forwarding"
    verbose_name = "Forwarding to providers"
