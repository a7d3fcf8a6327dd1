"""Areas: importing boundaries and finding the area that contains a point."""

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity, make_valid

from civicdesk.places.models import Area, Jurisdiction

POLYGON_TYPES = {"Polygon", "MultiPolygon"}
NAME_MAX = Area._meta.get_field("name").max_length
CODE_MAX = Area._meta.get_field("code").max_length


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int


def _polygonal(geometry: dict, where: str) -> BaseGeometry:
    if not isinstance(geometry, dict) or geometry.get("type") not in POLYGON_TYPES:
        kind = geometry.get("type") if isinstance(geometry, dict) else type(geometry).__name__
        raise ValidationError(f"{where}: geometry must be a Polygon or MultiPolygon, not {kind}")
    try:
        shp = shape(geometry)
    except (ValueError, TypeError, AttributeError, IndexError) as exc:
        raise ValidationError(f"{where}: unreadable coordinates ({exc})") from exc
    if shp.is_empty:
        raise ValidationError(f"{where}: the geometry is empty")
    if not shp.is_valid:
        # Simplified public boundaries often self-intersect; repair rather than refuse.
        repaired = make_valid(shp)
        if repaired.geom_type == "GeometryCollection":
            repaired = repaired.__class__(
                [g for g in repaired.geoms if g.geom_type in POLYGON_TYPES]
            )
        if repaired.is_empty or repaired.geom_type not in POLYGON_TYPES | {"GeometryCollection"}:
            raise ValidationError(f"{where}: invalid geometry ({explain_validity(shp)})")
        shp = repaired
    min_lon, min_lat, max_lon, max_lat = shp.bounds
    if not (-180 <= min_lon <= max_lon <= 180 and -90 <= min_lat <= max_lat <= 90):
        raise ValidationError(f"{where}: coordinates are not WGS84 longitude/latitude")
    return shp


def read_feature_collection(path: Path) -> dict:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ValidationError(f"{path}: no such file") from exc
    except OSError as exc:
        raise ValidationError(f"{path}: cannot be read ({exc.strerror})") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValidationError(f"{path}: not valid JSON ({exc})") from exc
    return data


@transaction.atomic
def import_areas(
    jurisdiction: Jurisdiction,
    collection: dict,
    *,
    name_property: str,
    kind: str = "ward",
    code_property: str | None = None,
    name_format: str = "{}",
    only: dict[str, str] | None = None,
) -> ImportResult:
    """Create or update the areas of a GeoJSON FeatureCollection, all or nothing.

    `only` keeps the features whose properties equal the given values (e.g. one metro of a
    national file); `name_format` builds the area name from the property ("Ward {}")."""
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection":
        raise ValidationError("The file is not a GeoJSON FeatureCollection")
    features = collection.get("features")
    if not isinstance(features, list) or not features:
        raise ValidationError("The FeatureCollection has no features")
    rows: dict[str, tuple[str, dict, BaseGeometry]] = {}
    errors: list[str] = []
    for number, feature in enumerate(features, start=1):
        where = f"feature {number}"
        if not isinstance(feature, dict) or not isinstance(feature.get("properties") or {}, dict):
            errors.append(f"{where}: not a GeoJSON Feature with an object of properties")
            continue
        props = feature.get("properties") or {}
        if only and any(str(props.get(k)) != v for k, v in only.items()):
            continue
        raw_name = props.get(name_property)
        if raw_name in (None, ""):
            errors.append(f"{where}: no {name_property!r} property")
            continue
        try:
            name = name_format.format(raw_name)
        except (IndexError, KeyError, ValueError) as exc:
            raise ValidationError(f"The name format {name_format!r} is not usable: {exc}") from exc
        if len(name) > NAME_MAX:
            errors.append(f"{where}: the name is longer than {NAME_MAX} characters")
            continue
        if name in rows:
            errors.append(f"{where}: the name {name!r} appears twice")
            continue
        try:
            geometry = _polygonal(feature.get("geometry"), f"{where} ({name})")
        except ValidationError as exc:
            errors.extend(exc.messages)
            continue
        code = props.get(code_property) if code_property else None
        code = "" if code is None else str(code)
        if len(code) > CODE_MAX:
            errors.append(f"{where}: the code is longer than {CODE_MAX} characters")
            continue
        rows[name] = (code, geometry.__geo_interface__, geometry)
    if errors:
        raise ValidationError(errors)
    if not rows:
        raise ValidationError("No feature matched; nothing to import")
    existing = {a.name: a for a in Area.objects.filter(jurisdiction=jurisdiction, kind=kind)}
    created = updated = 0
    for name, (code, geojson, geometry) in rows.items():
        min_lon, min_lat, max_lon, max_lat = geometry.bounds
        fields = {
            "code": code,
            "geometry": geojson,
            "min_lat": min_lat,
            "min_lon": min_lon,
            "max_lat": max_lat,
            "max_lon": max_lon,
        }
        area = existing.get(name)
        if area is None:
            Area.objects.create(jurisdiction=jurisdiction, kind=kind, name=name, **fields)
            created += 1
        else:
            for field, value in fields.items():
                setattr(area, field, value)
            area.save(update_fields=list(fields))
            updated += 1
    return ImportResult(created=created, updated=updated)


def areas_containing(jurisdiction_id: int, lat: float, lon: float) -> list[Area]:
    """Areas of a jurisdiction that contain the point, smallest first, in one query."""
    candidates: Iterable[Area] = Area.objects.filter(
        jurisdiction_id=jurisdiction_id,
        min_lat__lte=lat,
        max_lat__gte=lat,
        min_lon__lte=lon,
        max_lon__gte=lon,
    )
    point = Point(lon, lat)
    hits = [(shape(a.geometry), a) for a in candidates]
    return [a for geom, a in sorted(hits, key=lambda h: h[0].area) if geom.covers(point)]
