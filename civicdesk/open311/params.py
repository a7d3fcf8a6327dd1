"""Reading Open311 parameters strictly: each bad value is a 400 naming the parameter."""

import math
import re
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.http import QueryDict

from civicdesk.open311.render import Open311Error

# W3C date and time formats (the profile of ISO 8601 the spec names): a calendar date,
# or a date and time to the minute at least, with a time zone designator.
W3C_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
W3C_DATETIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$", re.IGNORECASE
)

FIRST_YEAR, LAST_YEAR = 1900, 2999


def value(data: QueryDict, name: str) -> str:
    """A parameter's value; empty and absent are the same, as the spec says."""
    return data.get(name, "").strip()


def w3c_datetime(data: QueryDict, name: str, zone: ZoneInfo) -> datetime | None:
    """A W3C date-time with its zone, or a date meaning its start in the jurisdiction."""
    raw = value(data, name)
    if not raw:
        return None
    found = None
    try:
        if W3C_DATE.match(raw):
            found = datetime.combine(date.fromisoformat(raw), time(), zone)
        elif W3C_DATETIME.match(raw):
            found = datetime.fromisoformat(raw.upper().replace("Z", "+00:00"))
    except ValueError:
        pass
    if found is None:
        raise Open311Error(
            400,
            f"{name} must be a W3C date and time with a time zone, "
            f"e.g. 2026-11-23T10:00:00+02:00 (got {raw[:40]!r})",
        )
    # Windows reach 90 days either side, and databases convert to UTC: near year 1 or
    # 9999 that overflows (a 500).
    if not FIRST_YEAR <= found.year <= LAST_YEAR:
        raise Open311Error(400, f"{name} must be in the years {FIRST_YEAR} to {LAST_YEAR}")
    return found


def comma_list(data: QueryDict, name: str) -> list[str]:
    return [item.strip() for item in value(data, name).split(",") if item.strip()]


def positive_int(data: QueryDict, name: str, default: int, maximum: int) -> int:
    raw = value(data, name)
    if not raw:
        return default
    if not raw.isdecimal() or int(raw) < 1:
        raise Open311Error(400, f"{name} must be a positive whole number")
    if int(raw) > maximum:
        raise Open311Error(400, f"{name} must be at most {maximum}")
    return int(raw)


def number(data: QueryDict, name: str, low: float, high: float) -> float | None:
    raw = value(data, name)
    if not raw:
        return None
    try:
        found = float(raw)
    except ValueError:
        found = math.nan
    if not (math.isfinite(found) and low <= found <= high):
        raise Open311Error(400, f"{name} must be a number from {low:g} to {high:g}")
    return found


def bounding_box(data: QueryDict) -> tuple[float, float, float, float] | None:
    """`bbox=min_long,min_lat,max_long,max_lat` (WGS84), the order GeoJSON uses."""
    raw = value(data, "bbox")
    if not raw:
        return None
    parts = raw.split(",")
    try:
        west, south, east, north = (float(p) for p in parts)
    except ValueError:
        west = south = east = north = math.nan
    valid = (
        len(parts) == 4
        and all(math.isfinite(v) for v in (west, south, east, north))
        and -180 <= west <= east <= 180
        and -90 <= south <= north <= 90
    )
    if not valid:
        raise Open311Error(400, "bbox must be min_long,min_lat,max_long,max_lat in WGS84")
    return west, south, east, north
