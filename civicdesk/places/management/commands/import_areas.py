"""manage.py import_areas FILE --jurisdiction SLUG --name-property PROP [...]

Creates or updates the areas of a GeoJSON FeatureCollection, all or nothing."""

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from civicdesk.places.models import Jurisdiction
from civicdesk.places.services import import_areas, read_feature_collection
from civicdesk.places.validators import validate_time_zone

MAX_LISTED_PROBLEMS = 20


def _problems(exc: ValidationError) -> str:
    messages = exc.messages
    listed = "\n".join(f"  - {m}" for m in messages[:MAX_LISTED_PROBLEMS])
    more = len(messages) - MAX_LISTED_PROBLEMS
    return listed + (f"\n  … and {more} more" if more > 0 else "")


def _where(pairs: list[str]) -> dict[str, str]:
    only: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise CommandError(f"--where takes KEY=VALUE, not {pair!r}")
        only[key.strip()] = value.strip()
    return only


def _check_options(options: dict[str, Any]) -> None:
    name_format = options["name_format"]
    try:
        distinct = name_format.format("1") != name_format.format("2")
    except (KeyError, IndexError, ValueError):
        distinct = False
    if not distinct:
        raise CommandError(f"--name-format {name_format!r} must have one {{}} for the name")
    if not options["kind"].strip():
        raise CommandError("--kind must not be empty")
    if options["create_jurisdiction"] is not None:
        if not options["create_jurisdiction"].strip():
            raise CommandError("--create-jurisdiction needs the jurisdiction's name")
        try:
            validate_time_zone(options["time_zone"])
        except ValidationError as exc:
            raise CommandError(exc.messages[0]) from exc


class Command(BaseCommand):
    help = "Import areas (wards, regions, suburbs) from a GeoJSON FeatureCollection."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", type=Path, help="GeoJSON FeatureCollection, WGS84")
        parser.add_argument("--jurisdiction", required=True, metavar="SLUG")
        parser.add_argument(
            "--name-property", required=True, metavar="PROP", help="Property naming each area"
        )
        parser.add_argument("--kind", default="ward", help="Kind of area (default: ward)")
        parser.add_argument("--code-property", metavar="PROP", help="Property with a code")
        parser.add_argument("--name-format", default="{}", metavar="FORMAT", help='e.g. "Ward {}"')
        parser.add_argument(
            "--where",
            action="append",
            default=[],
            metavar="KEY=VALUE",
            help="Import only features whose property KEY equals VALUE (repeatable)",
        )
        parser.add_argument(
            "--create-jurisdiction",
            metavar="NAME",
            help="Create the jurisdiction with this name if it does not exist",
        )
        parser.add_argument(
            "--time-zone",
            default="Africa/Johannesburg",
            help="Time zone of a jurisdiction created with --create-jurisdiction",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        _check_options(options)
        only = _where(options["where"])
        slug = options["jurisdiction"]
        try:
            collection = read_feature_collection(options["file"])
        except ValidationError as exc:
            raise CommandError(f"Cannot read the file:\n{_problems(exc)}") from exc
        except OSError as exc:
            raise CommandError(f"{options['file']}: cannot be read ({exc.strerror})") from exc
        try:
            with transaction.atomic():
                jurisdiction = self._jurisdiction(slug, options)
                result = import_areas(
                    jurisdiction,
                    collection,
                    name_property=options["name_property"],
                    kind=options["kind"].strip(),
                    code_property=options["code_property"],
                    name_format=options["name_format"],
                    only=only or None,
                )
        except ValidationError as exc:
            raise CommandError(f"Nothing was imported:\n{_problems(exc)}") from exc
        total = result.created + result.updated
        self.stdout.write(
            f"Imported {total} areas into {jurisdiction.name} "
            f"({result.created} created, {result.updated} updated)"
        )

    def _jurisdiction(self, slug: str, options: dict[str, Any]) -> Jurisdiction:
        jurisdiction = Jurisdiction.objects.filter(slug=slug).first()
        if jurisdiction is not None:
            return jurisdiction
        name = options["create_jurisdiction"]
        if name is None:
            raise CommandError(
                f"No jurisdiction {slug!r}; pass --create-jurisdiction NAME to create it"
            )
        jurisdiction = Jurisdiction(slug=slug, name=name.strip(), time_zone=options["time_zone"])
        try:
            jurisdiction.full_clean()
        except ValidationError as exc:
            raise CommandError(f"Cannot create jurisdiction {slug!r}:\n{_problems(exc)}") from exc
        jurisdiction.save()
        return jurisdiction
