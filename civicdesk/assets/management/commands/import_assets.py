"""manage.py import_assets FILE [--jurisdiction SLUG] [--kind KIND] [--id-property P]

Creates or updates assets from GeoJSON Point features or a CSV (id, kind, lat, lon, other
columns as attributes). Bad rows are listed and skipped."""

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from civicdesk.assets.importing import import_assets, read_rows
from civicdesk.places.models import Jurisdiction

MAX_LISTED_PROBLEMS = 50


def _jurisdiction(slug: str | None) -> Jurisdiction:
    if slug:
        found = Jurisdiction.objects.filter(slug=slug).first()
        if found is None:
            raise CommandError(f"No jurisdiction {slug!r}")
        return found
    every = list(Jurisdiction.objects.all()[:2])
    if len(every) != 1:
        raise CommandError("--jurisdiction SLUG is required: there is not exactly one")
    return every[0]


class Command(BaseCommand):
    help = "Import assets (street lights, hydrants, valves …) from GeoJSON or CSV."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", type=Path, help="GeoJSON Point features (WGS84), or .csv")
        parser.add_argument("--jurisdiction", metavar="SLUG", help="Needed if there are several")
        parser.add_argument("--kind", help="The kind of every asset (else each row's kind)")
        parser.add_argument(
            "--id-property", metavar="P", help="Property or column with the asset's number"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        jurisdiction = _jurisdiction(options["jurisdiction"])
        try:
            result = import_assets(
                jurisdiction,
                read_rows(options["file"], options["id_property"]),
                kind=options["kind"],
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        for problem in result.problems[:MAX_LISTED_PROBLEMS]:
            self.stderr.write(f"skipped {problem}")
        if len(result.problems) > MAX_LISTED_PROBLEMS:
            self.stderr.write(f"… and {len(result.problems) - MAX_LISTED_PROBLEMS} more")
        self.stdout.write(
            f"{jurisdiction.slug}: {result.created} created, {result.updated} updated, "
            f"{result.unchanged} unchanged, {len(result.problems)} skipped"
        )
