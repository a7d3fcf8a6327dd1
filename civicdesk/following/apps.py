from django.apps import AppConfig


class FollowingConfig(AppConfig):
    """Citizens' ties to issues besides reporting and pushing: following an issue for its
    alerts, and the keys that make a JSON API report safe to retry."""

    name = "civicdesk.following"
