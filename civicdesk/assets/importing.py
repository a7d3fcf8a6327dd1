"""Loading assets from GeoJSON (Point features) or CSV (id, kind, lat, lon and any other
columns as attributes). A re-run updates the assets it names rather than adding them again;
a bad row is reported with its line or feature number and skipped; writes go in batches."""

import csv
import json
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from civicdesk import timekeeping
from civicdesk.assets.kinds import KIND_PATTERN
from civicdesk.assets.models import Asset
from civicdesk.issues.reference import reference
from civicdesk.places.models import Jurisdiction

BATCH_SIZE = 1000
REFERENCE_MAX = Asset._meta.get_field("reference").max_length
# How far outside its areas' bounding box an asset may lie (as for reports).
MARGIN_DEGREES = 0.05
ID_NAMES = ("id", "reference", "number")
POINT_NAMES = {"lat", "latitude", "lon", "lng", "long", "longitude"}


@dataclass(frozen=True)
class AssetRow:
    where: str  # "line 12" or "feature 3", for messages
    reference: Any
    kind: Any
    lat: Any
    lon: Any
    attributes: dict[str, Any]


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[str] = field(default_factory=list)


def _first(props: dict[str, Any], names: Iterable[str]) -> Any:
    return next((props[n] for n in names if props.get(n) not in (None, "")), None)


def geojson_rows(data: Any, id_property: str | None = None) -> Iterator[AssetRow | str]:
    """Rows of a FeatureCollection of Points; a string for each unusable feature."""
    features = data.get("features") if isinstance(data, dict) else None
    if not isinstance(features, list):
        raise ValidationError("The file is not a GeoJSON FeatureCollection")
    id_names = (id_property,) if id_property else ID_NAMES
    for number, feature in enumerate(features, start=1):
        where = f"feature {number}"
        props = feature.get("properties") if isinstance(feature, dict) else None
        geometry = feature.get("geometry") if isinstance(feature, dict) else None
        if not isinstance(props or {}, dict):
            yield f"{where}: not a GeoJSON Feature with an object of properties"
            continue
        props = props or {}
        coords = geometry.get("coordinates") if isinstance(geometry, dict) else None
        if not isinstance(geometry, dict) or geometry.get("type") != "Point":
            kind = geometry.get("type") if isinstance(geometry, dict) else "none"
            yield f"{where}: the geometry must be a Point, not {kind}"
            continue
        if not isinstance(coords, list) or len(coords) < 2:
            yield f"{where}: the Point has no longitude and latitude"
            continue
        ref = _first(props, id_names)
        if ref is None and not id_property:
            ref = feature.get("id")
        attributes = {k: v for k, v in props.items() if k not in {*id_names, "kind"}}
        yield AssetRow(where, ref, props.get("kind"), coords[1], coords[0], attributes)


def csv_rows(lines: Iterable[str], id_property: str | None = None) -> Iterator[AssetRow | str]:
    """Rows of a CSV with a header: the id column (`id` unless named), `kind`, `lat` and
    `lon` (or latitude/longitude); every other non-empty column is an attribute."""
    reader = csv.DictReader(lines)
    header = [h.strip() for h in reader.fieldnames or []]
    reader.fieldnames = header
    id_names = (id_property,) if id_property else ID_NAMES
    if not any(n in header for n in id_names):
        raise ValidationError(f"The CSV has no {' or '.join(id_names)} column")
    if not (
        {"lat", "latitude"} & set(header) and {"lon", "lng", "long", "longitude"} & set(header)
    ):
        raise ValidationError("The CSV needs lat and lon (or latitude and longitude) columns")
    for row in reader:
        where = f"line {reader.line_num}"
        if None in row:
            yield f"{where}: more values than columns"
            continue
        values = {k: (v or "").strip() for k, v in row.items()}
        attributes = {
            k: v for k, v in values.items() if v and k not in {*id_names, "kind", *POINT_NAMES}
        }
        yield AssetRow(
            where,
            _first(values, id_names),
            values.get("kind"),
            _first(values, ("lat", "latitude")),
            _first(values, ("lon", "lng", "long", "longitude")),
            attributes,
        )


def read_rows(path: Path, id_property: str | None = None) -> Iterator[AssetRow | str]:
    """A file's rows, by its suffix: .csv, or GeoJSON (.geojson, .json)."""
    path = Path(path)
    try:
        if path.suffix.lower() == ".csv":
            with path.open(encoding="utf-8-sig", newline="") as lines:
                yield from csv_rows(lines, id_property)
            return
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ValidationError(f"{path}: no such file") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValidationError(f"{path}: not valid GeoJSON or CSV ({exc})") from exc
    except OSError as exc:
        raise ValidationError(f"{path}: cannot be read ({exc.strerror})") from exc
    yield from geojson_rows(data, id_property)


def _checked(row: AssetRow, kind: str | None, bounds: tuple | None) -> dict[str, Any] | str:
    """An asset's fields from a row, or what is wrong with it."""
    ref = "" if row.reference is None else str(row.reference).strip()
    if not ref:
        return f"{row.where}: no id"
    if len(ref) > REFERENCE_MAX:
        return f"{row.where}: the id is longer than {REFERENCE_MAX} characters"
    found_kind = kind or ("" if row.kind is None else str(row.kind).strip())
    if not KIND_PATTERN.match(found_kind):
        return f"{row.where} ({ref}): the kind must be a slug like street_light, not {found_kind!r}"
    try:
        lat, lon = float(row.lat), float(row.lon)
    except (TypeError, ValueError):
        return f"{row.where} ({ref}): latitude and longitude must be numbers"
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        return f"{row.where} ({ref}): not a WGS84 latitude and longitude"
    if bounds is not None:
        min_lat, max_lat, min_lon, max_lon = bounds
        m = MARGIN_DEGREES
        if not (min_lat - m <= lat <= max_lat + m and min_lon - m <= lon <= max_lon + m):
            return f"{row.where} ({ref}): the point is outside the jurisdiction's areas"
    return {
        "reference": ref,
        "kind": found_kind,
        "lat": lat,
        "lon": lon,
        "attributes": row.attributes,
    }


UPDATED_FIELDS = ["kind", "lat", "lon", "attributes", "area", "active", "updated_at"]


def import_assets(
    jurisdiction: Jurisdiction,
    rows: Iterable[AssetRow | str],
    *,
    kind: str | None = None,
    batch_size: int = BATCH_SIZE,
) -> ImportResult:
    """Create or update the assets of `rows` (strings are problems found while reading).
    Bad rows are listed in the result and skipped; the rest is written in one transaction,
    in batches. Each asset's area is the smallest of the jurisdiction's areas covering it."""
    if kind is not None and not KIND_PATTERN.match(kind):
        raise ValidationError(f"The kind must be a slug like street_light, not {kind!r}")
    known = reference(jurisdiction)
    result = ImportResult()
    wanted: dict[str, dict[str, Any]] = {}
    seen_at: dict[str, str] = {}
    for row in rows:
        checked = row if isinstance(row, str) else _checked(row, kind, known.bounds)
        if isinstance(checked, str):
            result.problems.append(checked)
            continue
        ref = checked["reference"]
        if ref in seen_at:
            result.problems.append(f"{row.where}: the id {ref!r} is already on {seen_at[ref]}")
            continue
        seen_at[ref] = row.where
        areas = known.areas_at(checked["lat"], checked["lon"])
        checked["area_id"] = areas[0].pk if areas else None
        wanted[ref] = checked
    now = timekeeping.now()
    with transaction.atomic():
        refs = list(wanted)
        existing = {
            a.reference: a
            for start in range(0, len(refs), batch_size)
            for a in Asset.objects.filter(
                jurisdiction=jurisdiction, reference__in=refs[start : start + batch_size]
            )
        }
        new, changed = [], []
        for ref, fields in wanted.items():
            asset = existing.get(ref)
            if asset is None:
                new.append(Asset(jurisdiction=jurisdiction, active=True, updated_at=now, **fields))
                continue
            values = fields | {"active": True}
            if all(getattr(asset, k) == v for k, v in values.items() if k != "reference"):
                result.unchanged += 1
                continue
            for name, value in values.items():
                setattr(asset, name, value)
            asset.updated_at = now
            changed.append(asset)
        Asset.objects.bulk_create(new, batch_size=batch_size)
        Asset.objects.bulk_update(changed, UPDATED_FIELDS, batch_size=batch_size)
    result.created, result.updated = len(new), len(changed)
    return result
