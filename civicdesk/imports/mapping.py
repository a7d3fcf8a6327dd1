"""The mapping of a city's CSV export onto issues: a small TOML file (see docs/migration.md).

source = "baltimore-311"            # names the source; with the external id, a record
jurisdiction = "baltimore"          # optional; --jurisdiction wins
time_zone = "America/New_York"      # the source's local time
date_format = "%m/%d/%Y %I:%M:%S %p"
missing = ["", "NA"]                # values that mean "no value"

[columns]                           # our field = the source's column
external_id = "ServiceRequestNum"
category = "SRType"
...

[statuses]                          # the source's status = ours (every one it uses)
"Closed" = "closed"

[categories]                        # optional: source value = issue type code or name
[agencies]                          # optional: source value = unit slug or name
"""

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import ValidationError

from civicdesk.imports.models import ImportedRecord
from civicdesk.issues.models import Status

REQUIRED_COLUMNS = ("external_id", "category", "created", "status")
OPTIONAL_COLUMNS = (
    "closed",
    "status_date",
    "due",
    "responded",
    "latitude",
    "longitude",
    "address",
    "agency",
    "description",
)
SOURCE_MAX = ImportedRecord._meta.get_field("source").max_length


@dataclass(frozen=True)
class Mapping:
    source: str
    time_zone: ZoneInfo
    date_format: str
    columns: dict[str, str]  # our field -> the source's column
    statuses: dict[str, str]  # the source's status -> ours
    jurisdiction: str = ""
    missing: frozenset[str] = frozenset({""})
    categories: dict[str, str] = field(default_factory=dict)
    agencies: dict[str, str] = field(default_factory=dict)


def _table(data: dict[str, Any], name: str, errors: list[str]) -> dict[str, str]:
    table = data.get(name, {})
    if not isinstance(table, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in table.items()
    ):
        errors.append(f"[{name}] must be a table of strings")
        return {}
    return table


def parse_mapping(data: dict[str, Any]) -> Mapping:
    """A mapping from the TOML's data, or a ValidationError listing every problem."""
    errors: list[str] = []
    source = data.get("source")
    if not isinstance(source, str) or not source.strip() or len(source) > SOURCE_MAX:
        errors.append(f"source must name the source in 1 to {SOURCE_MAX} characters")
        source = ""
    zone = None
    try:
        zone = ZoneInfo(str(data.get("time_zone", "")))
    except (ZoneInfoNotFoundError, ValueError):
        errors.append(f"time_zone {data.get('time_zone')!r} is not a known time zone")
    date_format = data.get("date_format")
    if not isinstance(date_format, str) or "%" not in date_format:
        errors.append("date_format must be a strptime format, e.g. '%m/%d/%Y %I:%M:%S %p'")
    missing = data.get("missing", [""])
    if not isinstance(missing, list) or not all(isinstance(m, str) for m in missing):
        errors.append("missing must be a list of strings")
        missing = [""]
    columns = _table(data, "columns", errors)
    unknown = set(columns) - set(REQUIRED_COLUMNS) - set(OPTIONAL_COLUMNS)
    if unknown:
        errors.append(f"[columns] has unknown fields: {', '.join(sorted(unknown))}")
    absent = [c for c in REQUIRED_COLUMNS if c not in columns]
    if absent:
        errors.append(f"[columns] must name {', '.join(absent)}")
    if ("latitude" in columns) != ("longitude" in columns):
        errors.append("[columns] must name both latitude and longitude, or neither")
    statuses = _table(data, "statuses", errors)
    bad = {k: v for k, v in statuses.items() if v not in Status.values}
    for theirs, ours in bad.items():
        errors.append(f"[statuses] {theirs!r} = {ours!r}: not one of {', '.join(Status.values)}")
    if not statuses:
        errors.append("[statuses] must map the source's statuses")
    categories = _table(data, "categories", errors)
    agencies = _table(data, "agencies", errors)
    jurisdiction = data.get("jurisdiction", "")
    if not isinstance(jurisdiction, str):
        errors.append("jurisdiction must be a slug")
    if errors:
        raise ValidationError(errors)
    return Mapping(
        source=source.strip(),
        time_zone=zone,
        date_format=date_format,
        columns=columns,
        statuses=statuses,
        jurisdiction=jurisdiction,
        missing=frozenset(missing),
        categories=categories,
        agencies=agencies,
    )


def load_mapping(path: Path) -> Mapping:
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError as exc:
        raise ValidationError(f"{path}: no such file") from exc
    except OSError as exc:
        raise ValidationError(f"{path}: cannot be read ({exc.strerror})") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ValidationError(f"{path}: not valid TOML ({exc})") from exc
    return parse_mapping(data)
