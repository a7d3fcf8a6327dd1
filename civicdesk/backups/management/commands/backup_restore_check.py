"""Prove that a backup restores: dump the database, wipe it, restore the dump and check
that every table (issues, events, everything else) came back row for row."""

import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections

from civicdesk.backups.services import BackupError, check_backup_restore
from civicdesk.issues.models import Issue
from civicdesk.timeline.models import Event


class Command(BaseCommand):
    help = (
        "Dump the database, WIPE it, restore the dump and check every table's row count and "
        "checksum. Run it on a copy (a staging database restored from production), not on "
        "the live one: the site has no tables while it runs."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)
        parser.add_argument("--keep", type=Path, help="where to keep the dump (else a temp file)")
        parser.add_argument(
            "--noinput", action="store_true", help="do not ask before wiping the database"
        )

    def handle(self, *args, database: str, keep: Path | None, noinput: bool, **options) -> None:
        name = connections[database].settings_dict["NAME"]
        if not noinput:
            answer = input(f"This wipes {name} and restores it from a dump. Type 'yes': ")
            if answer != "yes":
                raise CommandError("Stopped: nothing was changed.")
        with tempfile.TemporaryDirectory() as scratch:
            path = keep or Path(scratch) / "civicdesk.dump"
            try:
                tables = check_backup_restore(path, database)
            except BackupError as exc:
                raise CommandError(str(exc)) from exc
        rows = sum(count for count, _ in tables.values())
        for model in (Issue, Event):
            count, checksum = tables[model._meta.db_table]
            self.stdout.write(f"{model._meta.db_table}: {count} rows, checksum {checksum}")
        self.stdout.write(
            self.style.SUCCESS(f"Restored {name}: {len(tables)} tables, {rows} rows, identical.")
        )
