"""Distances on the ground, for "what is near this point" searches: a box of degrees that
an index on (lat, lon) can read, then the exact distance of the few rows inside it."""

import math

from django.db.models import ExpressionWrapper, F, FloatField, Value

EARTH_RADIUS_METRES = 6_371_000
METRES_PER_DEGREE = 111_320


def distance_metres(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_METRES * math.asin(math.sqrt(a))


def box_around(
    lat: float, lon: float, metres: float, prefix: str = ""
) -> dict[str, tuple[float, float]]:
    """`lat__range` and `lon__range` lookups (after `prefix`, e.g. "issue__") for the box
    holding every point within `metres` of (lat, lon); degrees of longitude shrink
    towards the poles."""
    dlat = metres / METRES_PER_DEGREE
    dlon = metres / (METRES_PER_DEGREE * max(math.cos(math.radians(lat)), 0.01))
    return {
        f"{prefix}lat__range": (lat - dlat, lat + dlat),
        f"{prefix}lon__range": (lon - dlon, lon + dlon),
    }


def squared_distance(lat: float, lon: float, lat_field: str = "lat", lon_field: str = "lon"):
    """An expression ordering rows by distance from (lat, lon), in squared degrees."""
    shrink = math.cos(math.radians(lat)) ** 2
    dlat = F(lat_field) - Value(lat)
    dlon = F(lon_field) - Value(lon)
    return ExpressionWrapper(dlat * dlat + Value(shrink) * dlon * dlon, output_field=FloatField())
