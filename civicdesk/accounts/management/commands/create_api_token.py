"""manage.py create_api_token USERNAME [--name NAME]: print a new raw token, alone."""

from argparse import ArgumentParser
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from civicdesk.accounts.services import issue_api_token


class Command(BaseCommand):
    help = "Create an API token for a user and print it; it cannot be shown again."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="What the token is for")

    def handle(self, *args: Any, username: str, name: str, **options: Any) -> None:
        user_model = get_user_model()
        try:
            user = user_model.objects.get_by_natural_key(username)
        except user_model.DoesNotExist as exc:
            raise CommandError(f"No user named {username!r}") from exc
        if not user.is_active:
            raise CommandError(f"User {username!r} is inactive; no token was created")
        raw = issue_api_token(user, name=name)
        # Only the token on stdout, so that scripts can capture it.
        self.stdout.write(raw)
        self.stderr.write(
            f"Created token {raw[:8]}… for {username}; it will not be shown again.",
            style_func=self.style.WARNING,
        )
