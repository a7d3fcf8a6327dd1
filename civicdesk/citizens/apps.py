from django.apps import AppConfig


class CitizensConfig(AppConfig):
    """What citizens see: reporting, their issues, issue pages, the public map and the
    service charter, as pages and as JSON API operations."""

    name = "civicdesk.citizens"

    def ready(self) -> None:
        from civicdesk.citizens import api  # noqa: F401  registers operations on civicdesk.api
