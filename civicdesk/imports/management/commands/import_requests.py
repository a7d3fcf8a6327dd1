"""manage.py import_requests FILE --mapping MAPPING.toml [--jurisdiction SLUG]
[--rejects PATH] [--create-missing]

Imports a city's historic service requests from a CSV export; see docs/migration.md."""

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from civicdesk.imports.mapping import load_mapping
from civicdesk.imports.services import import_file
from civicdesk.places.models import Jurisdiction


class Command(BaseCommand):
    help = "Import historic service requests from a CSV export, through a TOML column mapping."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", type=Path, help="CSV export, UTF-8, with a header row")
        parser.add_argument("--mapping", required=True, type=Path, metavar="MAPPING.toml")
        parser.add_argument(
            "--jurisdiction", metavar="SLUG", help="Overrides the mapping's jurisdiction"
        )
        parser.add_argument(
            "--rejects",
            type=Path,
            metavar="PATH",
            help="Where to write rejected rows (default: FILE's name + .rejects.csv, here)",
        )
        parser.add_argument(
            "--create-missing",
            action="store_true",
            help="Create issue types and business units that match no existing one",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            mapping = load_mapping(options["mapping"])
        except ValidationError as exc:
            raise CommandError(
                "The mapping is not usable:\n  - " + "\n  - ".join(exc.messages)
            ) from None
        slug = options["jurisdiction"] or mapping.jurisdiction
        if not slug:
            raise CommandError("Name the jurisdiction: --jurisdiction SLUG, or in the mapping")
        jurisdiction = Jurisdiction.objects.filter(slug=slug).first()
        if jurisdiction is None:
            raise CommandError(f"No jurisdiction {slug!r}; create it with import_areas first")
        rejects = options["rejects"] or Path(options["file"].name + ".rejects.csv")
        try:
            result = import_file(
                options["file"],
                mapping,
                jurisdiction,
                rejects_path=rejects,
                create_missing=options["create_missing"],
            )
        except ValidationError as exc:
            raise CommandError(
                "Nothing was imported:\n  - " + "\n  - ".join(exc.messages)
            ) from None
        self.stdout.write(
            f"Read {result.read} rows: {result.imported} imported, {result.skipped} imported"
            f" before, {result.rejected} rejected (see {rejects});"
            f" {result.points_dropped} points outside {jurisdiction.name} dropped"
        )
        if result.created_issue_types or result.created_units:
            self.stdout.write(
                f"Created {len(result.created_issue_types)} issue types and"
                f" {len(result.created_units)} business units"
            )
