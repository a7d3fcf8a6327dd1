"""One row of a source's CSV read through a mapping: a record to import, or the reason
it cannot be (its line goes to the rejects file and the import carries on)."""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from civicdesk.imports.dates import date_reader
from civicdesk.imports.mapping import Mapping
from civicdesk.imports.models import ImportedRecord
from civicdesk.issues.models import OPEN_STATUSES, Issue

EXTERNAL_ID_MAX = ImportedRecord._meta.get_field("external_id").max_length
ADDRESS_MAX = Issue._meta.get_field("address").max_length
DESCRIPTION_MAX = Issue._meta.get_field("description").max_length
OPEN = frozenset(str(s) for s in OPEN_STATUSES)


class Rejected(ValueError):
    """A row that cannot be imported; the message says why."""


@dataclass(slots=True)
class Record:
    line: int
    external_id: str
    category: str
    agency: str
    status: str
    submitted_at: datetime
    status_at: datetime  # when the source's status was set (closed, or its status date)
    closed_at: datetime | None  # the end of a request no longer open
    due: datetime | None
    responded_at: datetime | None
    lat: float | None
    lon: float | None
    address: str
    description: str


class RowReader:
    """Reads rows of one CSV (given its header) through a mapping. The hottest code of an
    import (a million calls): columns are read by position, each value once."""

    def __init__(self, mapping: Mapping, header: Sequence[str], now: datetime) -> None:
        missing = [c for c in mapping.columns.values() if c not in header]
        if missing:
            raise Rejected(f"the file has no column {', '.join(repr(c) for c in missing)}")
        index = {ours: header.index(theirs) for ours, theirs in mapping.columns.items()}
        # The columns read per row, in this order (-1: not mapped).
        self.order = [
            index.get(name, -1)
            for name in (
                "external_id", "category", "status", "created", "status_date", "closed",
                "due", "responded", "latitude", "longitude", "address", "agency",
                "description",
            )
        ]  # fmt: skip
        self.width = len(header)
        self.mapping = mapping
        self.missing = mapping.missing
        self.parse_date = date_reader(mapping.date_format, mapping.time_zone)
        self.now = now

    def _date(self, value: str, name: str) -> datetime | None:
        if not value:
            return None
        try:
            return self.parse_date(value)
        except ValueError:
            column = self.mapping.columns[name]
            raise Rejected(
                f"{column} {value!r} is not a date in {self.mapping.date_format!r}"
            ) from None

    @staticmethod
    def _point(lat: str, lon: str) -> tuple[float | None, float | None]:
        if not lat and not lon:
            return None, None
        if not (lat and lon):
            raise Rejected("a latitude without a longitude, or the other way round")
        try:
            y, x = float(lat), float(lon)
        except ValueError:
            raise Rejected(f"latitude {lat!r} or longitude {lon!r} is not a number") from None
        if not (math.isfinite(y) and math.isfinite(x) and -90 <= y <= 90 and -180 <= x <= 180):
            raise Rejected(f"({lat}, {lon}) is not a WGS84 latitude and longitude")
        return y, x

    def read(self, row: Sequence[str], line: int) -> Record:
        """The record of a row, or Rejected."""
        if len(row) != self.width:
            raise Rejected(f"{len(row)} values where the header has {self.width}")
        missing = self.missing
        (
            external_id, category, theirs, created, status_date, closed, due, responded,
            lat, lon, address, agency, description,
        ) = [
            "" if i < 0 or (v := row[i].strip()) in missing else v for i in self.order
        ]  # fmt: skip
        if not external_id:
            raise Rejected("no external id")
        if len(external_id) > EXTERNAL_ID_MAX:
            raise Rejected(f"the external id is longer than {EXTERNAL_ID_MAX} characters")
        if not category:
            raise Rejected("no category")
        status = self.mapping.statuses.get(theirs)
        if status is None:
            raise Rejected(f"status {theirs!r} is not in the mapping's [statuses]")
        submitted_at = self._date(created, "created")
        if submitted_at is None:
            raise Rejected("no created date")
        if submitted_at > self.now:
            raise Rejected("created in the future")
        status_at = self._date(status_date, "status_date")
        closed_at = None
        if status not in OPEN:
            closed_at = self._date(closed, "closed") or status_at
            if closed_at is None:
                raise Rejected(f"status {theirs!r} without a close date")
            if closed_at < submitted_at:
                raise Rejected("closed before it was created")
        due_at = self._date(due, "due")
        if due_at is not None and due_at < submitted_at:
            raise Rejected("due before it was created")
        responded_at = self._date(responded, "responded")
        if responded_at is not None and responded_at < submitted_at:
            raise Rejected("responded to before it was created")
        if len(address) > ADDRESS_MAX:
            raise Rejected(f"the address is longer than {ADDRESS_MAX} characters")
        if len(description) > DESCRIPTION_MAX:
            raise Rejected(f"the description is longer than {DESCRIPTION_MAX} characters")
        y, x = self._point(lat, lon) if lat or lon else (None, None)
        return Record(
            line=line,
            external_id=external_id,
            category=category,
            agency=agency,
            status=status,
            submitted_at=submitted_at,
            status_at=max(closed_at or status_at or submitted_at, submitted_at),
            closed_at=closed_at,
            due=due_at,
            responded_at=responded_at,
            lat=y,
            lon=x,
            address=address,
            description=description,
        )
