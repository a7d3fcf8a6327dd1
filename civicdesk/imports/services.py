"""Importing a city's historic service requests from a CSV export (issue #8).

The file is read as a stream, a chunk of rows at a time; each chunk is one transaction
with a fixed number of statements whatever its size: the external ids already imported,
ids reserved for the new issues, then the issues, their events and their
records written by COPY (PostgreSQL) or one executemany (SQLite). Points are placed in
areas for the whole chunk at once by an STRtree query. A forked reader parses the next
chunks meanwhile (`stream`); memory stays that of a few chunks.

Imported issues are history: no reporter, no alerts, no service level (so the SLA watch
leaves them alone); the source's due date is the resolution deadline, and whether the
resolution met it is judged here, as the SLA report reads it."""

import csv
import os
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TextIO

import numpy as np
import shapely
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from civicdesk import timekeeping
from civicdesk.catalogue.models import IssueType
from civicdesk.imports.bulk import (
    lock_keys,
    may_skip_key_triggers,
    reserve_ids,
    unchecked_keys,
    write_rows,
)
from civicdesk.imports.mapping import Mapping
from civicdesk.imports.models import ImportedRecord
from civicdesk.imports.names import Names
from civicdesk.imports.records import Record, Rejected, RowReader
from civicdesk.imports.stream import Chunk, ReadError, can_fork, parse_chunks, read_ahead
from civicdesk.issues.models import Issue, Source, Status
from civicdesk.issues.reference import reference
from civicdesk.places.models import Area, Jurisdiction
from civicdesk.timeline.models import Event
from civicdesk.units.models import BusinessUnit

CHUNK = 5000
# How far outside its areas' bounding box a point may lie and still belong to a
# jurisdiction, as for citizens' reports; points further out (placeholders such as
# (0, 0)) are dropped and the request is imported without a point.
MARGIN_DEGREES = 0.05

ISSUE_COLUMNS = (
    "id", "jurisdiction_id", "issue_type_id", "answers", "description", "lat", "lon",
    "address", "address_id", "media_url", "area_id", "source", "status", "unit_id",
    "rejection_reason", "provider_reference", "external_id", "push_count", "submitted_at",
    "resolution_due", "responded_at", "resolved_at", "closed_at", "resolution_met",
    "updated_at", "resolution_working_seconds", "resolution_measured_for",
)  # fmt: skip
EVENT_COLUMNS = (
    "issue_id", "actor_role", "kind", "from_value", "to_value", "note", "public", "created_at",
)  # fmt: skip
RECORD_COLUMNS = ("jurisdiction_id", "source", "external_id", "issue_id")
RESOLVED = frozenset({Status.RESOLVED.value, Status.CLOSED.value})
# Plain strings: reading an enum member's value costs a call, a million times over.
IMPORT, SUBMITTED = Source.IMPORT.value, Status.SUBMITTED.value
RESOLVED_ONLY = Status.RESOLVED.value


@dataclass
class ImportResult:
    read: int = 0
    imported: int = 0
    skipped: int = 0  # imported before (or earlier in the same file)
    rejected: int = 0
    points_dropped: int = 0  # outside the jurisdiction's areas
    created_issue_types: list[str] = field(default_factory=list)
    created_units: list[str] = field(default_factory=list)


class Placer:
    """Areas of the jurisdiction for many points at once: the smallest covering area.
    The tree narrows each point's candidates by bounding box; then each area tests its
    candidates in one vectorised call on its prepared polygon."""

    def __init__(self, jurisdiction: Jurisdiction) -> None:
        known = reference(jurisdiction)
        self.tree = known.shapes
        # Copies, prepared here: the cached reference data stays as routing keeps it.
        self.shapes = shapely.from_wkb(shapely.to_wkb(known.shapes.geometries))
        shapely.prepare(self.shapes)
        self.area_ids = [a.pk for a in known.areas]
        self.bounds = known.bounds

    def inside(self, lat: float, lon: float) -> bool:
        if self.bounds is None:
            return True
        min_lat, max_lat, min_lon, max_lon = self.bounds
        m = MARGIN_DEGREES
        return min_lat - m <= lat <= max_lat + m and min_lon - m <= lon <= max_lon + m

    def areas(self, lats: list[float], lons: list[float]) -> list[int | None]:
        if not lats or not self.area_ids:
            return [None] * len(lats)
        points = shapely.points(np.array(lons), np.array(lats))
        found, candidate = self.tree.query(points)
        covered = np.zeros(len(found), dtype=bool)
        for index in np.unique(candidate):
            mine = candidate == index
            covered[mine] = shapely.covers(self.shapes[index], points[found[mine]])
        found, candidate = found[covered], candidate[covered]
        # Areas are in the tree smallest first: the lowest index per point wins.
        order = np.lexsort((candidate, found))
        points_found, first = np.unique(found[order], return_index=True)
        best = np.full(len(lats), -1, dtype=np.int64)
        best[points_found] = candidate[order][first]
        return [self.area_ids[i] if i >= 0 else None for i in best.tolist()]


def _issue_row(
    pk: int, record: Record, jurisdiction_id: int, type_id: int,
    unit_id: int | None, area_id: int | None,
) -> tuple:  # fmt: skip
    resolved = record.closed_at if record.status in RESOLVED else None
    updated = max(d for d in (record.status_at, record.responded_at) if d is not None)
    return (
        pk, jurisdiction_id, type_id, {}, record.description, record.lat, record.lon,
        record.address, "", "", area_id, IMPORT, record.status, unit_id,
        "", "", "", 0, record.submitted_at, record.due,
        record.responded_at, resolved, record.closed_at if record.status != RESOLVED_ONLY else None,
        None if resolved is None or record.due is None else resolved <= record.due,
        updated,
        None if resolved is None else round((resolved - record.submitted_at).total_seconds()),
        resolved,
    )  # fmt: skip


def _event_rows(pk: int, record: Record, note: str) -> Iterator[tuple]:
    yield (pk, "citizen", "reported", "", SUBMITTED, note, True, record.submitted_at)
    if record.status != SUBMITTED:
        yield (pk, "staff", "status", SUBMITTED, record.status, "", True,
               record.status_at)  # fmt: skip


def _imported_before(jurisdiction: Jurisdiction, source: str, ids: list[str]) -> set[str]:
    """Which of a chunk's external ids were imported before: one query."""
    found = ImportedRecord.objects.filter(jurisdiction=jurisdiction, source=source)
    if connection.vendor != "postgresql":
        return set(found.filter(external_id__in=ids).values_list("external_id", flat=True))
    # One array parameter, and one index probe per id whatever the statistics say: as
    # `external_id = ANY(…)` PostgreSQL preferred reading every record of the source
    # (its statistics lag behind an import), a scan that grows with each chunk.
    table = connection.ops.quote_name(ImportedRecord._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT x.id FROM unnest(%s::varchar[]) AS x(id), LATERAL ("
            f" SELECT 1 FROM {table} r WHERE r.jurisdiction_id = %s AND r.source = %s"
            f" AND r.external_id = x.id LIMIT 1) AS hit",
            [ids, jurisdiction.pk, source],
        )
        return {row[0] for row in cursor.fetchall()}


class Importer:
    def __init__(
        self, jurisdiction: Jurisdiction, mapping: Mapping, names: Names, result: ImportResult
    ) -> None:
        self.jurisdiction = jurisdiction
        self.mapping = mapping
        self.names = names
        self.result = result
        self.placer = Placer(jurisdiction)
        self.note = f"Imported from {mapping.source}"
        self.skip_key_triggers = may_skip_key_triggers()

    def chunk(self, chunk: Chunk) -> None:
        """Write one chunk's new records: one transaction, a fixed number of statements."""
        self.result.read += chunk.read
        self.result.rejected += chunk.rejected
        records = chunk.records
        self.names.learn({r.category for r in records}, {r.agency for r in records})
        fresh = self._fresh(records)
        if fresh:
            self._write(fresh)

    def _fresh(self, records: list[Record]) -> list[Record]:
        """The records not imported before nor earlier in the file; points outside the
        jurisdiction dropped."""
        before = _imported_before(
            self.jurisdiction, self.mapping.source, [r.external_id for r in records]
        )
        fresh, seen = [], set()
        for record in records:
            if record.external_id in before or record.external_id in seen:
                self.result.skipped += 1
                continue
            seen.add(record.external_id)
            if record.lat is not None and not self.placer.inside(record.lat, record.lon):
                record.lat = record.lon = None
                self.result.points_dropped += 1
            fresh.append(record)
        return fresh

    def _write(self, fresh: list[Record]) -> None:
        names = self.names
        placed = [r for r in fresh if r.lat is not None]
        found = self.placer.areas([r.lat for r in placed], [r.lon for r in placed])
        areas = dict(zip((id(r) for r in placed), found, strict=True))
        ids = reserve_ids(Issue, len(fresh))
        j, source = self.jurisdiction.pk, self.mapping.source
        # Type and unit per record, in the order of `fresh`.
        keys = [
            (names.types[r.category], names.units.get(r.agency) if r.agency else None)
            for r in fresh
        ]
        pairs = {(unit, issue_type) for issue_type, unit in keys}
        if self.skip_key_triggers:
            lock_keys(Jurisdiction, {j})
            lock_keys(IssueType, {t for t, _ in keys})
            lock_keys(BusinessUnit, {u for _, u in keys} - {None})
            lock_keys(Area, {a for a in found if a is not None})
        # Rows are built as COPY sends them: building overlaps the database's work on the
        # rows sent before, where building them first would keep it waiting.
        issues = (
            _issue_row(pk, r, j, t, u, areas.get(id(r)))
            for pk, r, (t, u) in zip(ids, fresh, keys, strict=True)
        )
        events = (
            e for pk, r in zip(ids, fresh, strict=True) for e in _event_rows(pk, r, self.note)
        )
        links = ((j, source, r.external_id, pk) for pk, r in zip(ids, fresh, strict=True))
        with unchecked_keys(self.skip_key_triggers):
            write_rows(Issue, ISSUE_COLUMNS, issues)
            write_rows(Event, EVENT_COLUMNS, events)
            write_rows(ImportedRecord, RECORD_COLUMNS, links)
        names.link_created((u, t) for u, t in pairs if u is not None)
        self.result.imported += len(fresh)


def _is_file(stream: TextIO) -> bool:
    try:
        stream.fileno()
    except (AttributeError, OSError, ValueError):
        return False
    return True


def _name_check(names: Names) -> Callable[[Record], str]:
    def check(record: Record) -> str:
        return names.unknown(record.category, record.agency)

    return check


def import_requests(
    source: TextIO,
    mapping: Mapping,
    jurisdiction: Jurisdiction,
    *,
    rejects: TextIO | None = None,
    create_missing: bool = False,
    chunk_size: int = CHUNK,
    now: datetime | None = None,
) -> ImportResult:
    """Import the requests of a CSV stream. Each chunk commits on its own: an interrupted
    import keeps what it wrote, and running it again picks up where it stopped."""
    reader = csv.reader(source)
    try:
        header = next(reader, None)
    except (UnicodeDecodeError, csv.Error) as exc:
        raise ValidationError(f"The file cannot be read: {exc}") from exc
    if header is None:
        raise ValidationError("The file is empty")
    try:
        rows_reader = RowReader(mapping, header, now or timekeeping.now())
    except Rejected as exc:
        raise ValidationError(str(exc)) from exc
    result = ImportResult()
    names = Names(jurisdiction, mapping, create_missing)
    importer = Importer(jurisdiction, mapping, names, result)
    out = csv.writer(rejects) if rejects is not None else None
    if out is not None:
        out.writerow(["line", "reason", *header])
        rejects.flush()
    chunks = parse_chunks(reader, rows_reader, chunk_size, _name_check(names), out)
    # A forked reader shares real files with this process; in-memory streams stay here.
    forked = can_fork() and _is_file(source) and (rejects is None or _is_file(rejects))
    try:
        for chunk in read_ahead(chunks, rejects) if forked else chunks:
            with transaction.atomic():
                importer.chunk(chunk)
    except ReadError as exc:
        raise ValidationError(
            f"The file cannot be read {exc}; {result.imported} rows before it were imported"
            " (fix the file and run the import again)"
        ) from exc
    result.created_issue_types = names.created_types
    result.created_units = names.created_units
    return result


def _private_file(path: Path) -> TextIO:
    """The rejects file, readable by its owner only: it copies whole source rows (so that
    they can be fixed and imported again), and a city's export may hold reporters'
    contacts."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)
    return open(descriptor, "w", newline="")


def import_file(
    path: Path,
    mapping: Mapping,
    jurisdiction: Jurisdiction,
    *,
    rejects_path: Path | None = None,
    create_missing: bool = False,
    chunk_size: int = CHUNK,
) -> ImportResult:
    """`import_requests` on a file, writing its rejects to `rejects_path`."""
    with ExitStack() as files:
        try:
            source = files.enter_context(open(path, newline="", encoding="utf-8-sig"))
        except OSError as exc:
            raise ValidationError(f"{path}: cannot be read ({exc.strerror})") from exc
        out = files.enter_context(_private_file(rejects_path)) if rejects_path else None
        return import_requests(
            source,
            mapping,
            jurisdiction,
            rejects=out,
            create_missing=create_missing,
            chunk_size=chunk_size,
        )
