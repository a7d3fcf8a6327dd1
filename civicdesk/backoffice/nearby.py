"""Distances between points on the map, in SQL on the indexed lat/lon columns (no GIS).

At a city's scale the earth is flat enough: a bounding box narrows the rows by the
(lat, lon) index, and an equirectangular distance orders them."""

import math

from django.db.models import Avg, Q, QuerySet

from civicdesk.issues.models import Issue
from civicdesk.places.distance import METRES_PER_DEGREE, box_around, squared_distance


def box(lat: float, lon: float, metres: float, prefix: str = "") -> Q:
    """Points within `metres` of (lat, lon) on both axes (a square around the circle)."""
    return Q(**box_around(lat, lon, metres, prefix))


def metres(squared: float | None) -> int | None:
    """The distance in metres for a value of `squared_distance`."""
    return None if squared is None else round(math.sqrt(max(squared, 0)) * METRES_PER_DEGREE)


def distance_between(lat: float, lon: float, other_lat: float, other_lon: float) -> int:
    """Metres between two points, by the same flat-earth measure as `squared_distance`."""
    dlat = other_lat - lat
    dlon = (other_lon - lon) * math.cos(math.radians(lat))
    return metres(dlat * dlat + dlon * dlon)


def centre_of(issues: QuerySet[Issue]) -> tuple[float, float] | None:
    """The mean point of the issues that have one, in one query."""
    centre = issues.filter(lat__isnull=False).aggregate(lat=Avg("lat"), lon=Avg("lon"))
    if centre["lat"] is None:
        return None
    return centre["lat"], centre["lon"]


def near(issues: QuerySet[Issue], lat: float, lon: float, radius: float) -> QuerySet[Issue]:
    """`issues` within `radius` metres of the point, nearest first, with `distance2`."""
    limit = (radius / METRES_PER_DEGREE) ** 2
    return (
        issues.filter(box(lat, lon, radius))
        .annotate(distance2=squared_distance(lat, lon))
        .filter(distance2__lte=limit)
        .order_by("distance2", "-submitted_at")
    )
