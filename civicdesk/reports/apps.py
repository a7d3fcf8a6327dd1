from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """Who met the service levels: SLA reports (pages, CSV, JSON API) and the public
    transparency page, aggregated in the database."""

    name = "civicdesk.reports"

    def ready(self) -> None:
        from civicdesk.reports import api  # noqa: F401  registers operations on civicdesk.api
