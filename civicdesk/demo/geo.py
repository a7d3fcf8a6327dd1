"""Random points inside the wards, denser towards the centre of the city."""

import math
import random

from shapely.geometry import Point, shape
from shapely.prepared import prep

from civicdesk.demo.catalogue import CBD
from civicdesk.demo.setup import distance_km
from civicdesk.places.models import Area


class Wards:
    """The wards as shapes, with weights for where residents report from."""

    def __init__(self, wards: list[Area]) -> None:
        self.areas = wards
        self.shapes = [shape(w.geometry) for w in wards]
        self.prepared = [prep(s) for s in self.shapes]
        self.centres: list[tuple[float, float]] = []
        for s in self.shapes:
            point = s.representative_point()
            self.centres.append((point.y, point.x))
        # More reports from the dense central wards: a weight that halves every ~8 km.
        self.weights = [1.0 + 4.0 * math.exp(-distance_km(c, CBD) / 8.0) for c in self.centres]

    def pick(self, rng: random.Random) -> int:
        return rng.choices(range(len(self.areas)), weights=self.weights)[0]

    def covering(self, lat: float, lon: float) -> list[int]:
        """The wards whose (simplified, sometimes overlapping) shapes cover the point."""
        point = Point(lon, lat)
        return [i for i, p in enumerate(self.prepared) if p.covers(point)]

    def point_in(self, rng: random.Random, ward: int) -> tuple[float, float]:
        """A uniformly random point inside the ward (rejection sampling in its bounds)."""
        min_lon, min_lat, max_lon, max_lat = self.shapes[ward].bounds
        while True:
            lat = round(rng.uniform(min_lat, max_lat), 6)
            lon = round(rng.uniform(min_lon, max_lon), 6)
            if self.prepared[ward].covers(Point(lon, lat)):
                return lat, lon

    def point_near(
        self,
        rng: random.Random,
        ward: int,
        centre: tuple[float, float],
        radius_km: float,
        *,
        exclusive: bool = False,
    ) -> tuple[float, float]:
        """A point about `radius_km` around `centre`, inside the ward (and, if `exclusive`,
        inside no other ward). Falls back to anywhere in the ward."""
        spread_lat = radius_km / 111.32
        spread_lon = spread_lat / math.cos(math.radians(centre[0]))
        for _ in range(200):
            lat = round(rng.gauss(centre[0], spread_lat), 6)
            lon = round(rng.gauss(centre[1], spread_lon), 6)
            if not self.prepared[ward].covers(Point(lon, lat)):
                continue
            if exclusive and self.covering(lat, lon) != [ward]:
                continue
            return lat, lon
        return self.point_in(rng, ward)
