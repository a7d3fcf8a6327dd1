"""manage.py seed_demo: a believable demo metro, the same every time for the same seed."""

import argparse
import time
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from civicdesk.demo import catalogue as cat
from civicdesk.demo.builder import (
    DEFAULT_ISSUES,
    DEFAULT_SEED,
    account_lines,
    build_demo,
    delete_demo,
    demo_exists,
    describe_demo,
)
from civicdesk.demo.plan import CLUSTER_SIZE

MIN_ISSUES = CLUSTER_SIZE + 60


def reference_instant(value: str) -> datetime:
    """An ISO 8601 instant; without an offset it is read in Johannesburg time."""
    try:
        instant = datetime.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 date and time: {value!r}") from exc
    if timezone.is_naive(instant):
        instant = instant.replace(tzinfo=ZoneInfo(cat.TIME_ZONE))
    return instant


class Command(BaseCommand):
    help = (
        "Build the demo metro (City of Johannesburg: 135 wards, 6 units, 90 days of issues "
        "replayed through the services) and print its accounts. Does nothing but print if "
        "the demo exists, unless --reset."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help=f"default {DEFAULT_SEED}"
        )
        parser.add_argument(
            "--now",
            type=reference_instant,
            help="the reference instant the history ends at (ISO 8601); "
            "default: the current time rounded down to the hour",
        )
        parser.add_argument(
            "--issues",
            type=int,
            default=DEFAULT_ISSUES,
            help=f"about how many issues to report (default {DEFAULT_ISSUES}, "
            f"at least {MIN_ISSUES})",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="delete the demo jurisdiction, its accounts and citizens first, and rebuild",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["issues"] < MIN_ISSUES:
            raise CommandError(f"--issues must be at least {MIN_ISSUES}")
        now = options["now"] or timezone.now().replace(minute=0, second=0, microsecond=0)
        started = time.monotonic()
        with transaction.atomic():
            if options["reset"]:
                delete_demo()
            elif demo_exists():
                self.stdout.write("The demo already exists; nothing built (--reset rebuilds it).")
                self.report()
                return
            build_demo(options["seed"], now, options["issues"])
        elapsed = time.monotonic() - started
        as_of = now.astimezone(ZoneInfo(cat.TIME_ZONE)).isoformat()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo built in {elapsed:.1f} s (seed {options['seed']}, as of {as_of})."
            )
        )
        self.report()

    def report(self) -> None:
        self.stdout.write(describe_demo())
        self.stdout.write("Accounts (demo passwords, for a demo only):")
        for line in account_lines():
            self.stdout.write(line)
