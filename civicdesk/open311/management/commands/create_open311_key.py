"""manage.py create_open311_key NAME: register a client application, print its api_key."""

from argparse import ArgumentParser
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from civicdesk.open311.services import register_application


class Command(BaseCommand):
    help = "Register an Open311 client application and print its api_key (shown only once)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("name")
        parser.add_argument("--contact", default="", help="Who runs the application")
        parser.add_argument(
            "--answer-with-token",
            action="store_true",
            help="Answer its POSTs with a token instead of the service_request_id",
        )

    def handle(self, *args: Any, name: str, contact: str, **options: Any) -> None:
        try:
            application, raw = register_application(
                name, contact=contact, answer_with_token=options["answer_with_token"]
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        # Only the key on stdout, so that scripts can capture it.
        self.stdout.write(raw)
        self.stderr.write(
            f"Registered {application.name}; its api_key will not be shown again.",
            style_func=self.style.WARNING,
        )
