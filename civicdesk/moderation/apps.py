from django.apps import AppConfig


class ModerationConfig(AppConfig):
    """Staff hiding photos and redacting citizens' text; the originals kept for audit."""

    name = "civicdesk.moderation"

    def ready(self) -> None:
        from civicdesk.moderation import api  # noqa: F401  registers its operation
