from django.apps import AppConfig


class BackofficeConfig(AppConfig):
    """Where staff work: unit inboxes, activities and the dispatch centre, as pages and as
    JSON API operations."""

    name = "civicdesk.backoffice"

    def ready(self) -> None:
        from civicdesk.backoffice import api, api_contacts  # noqa: F401  register operations
