"""Street lights along a few Johannesburg streets, numbered by street, for the demo's asset
register; the demo's street-light type then asks for one (optional, so the feature-phone
and Open311 demos report without it). Deterministic: the same lights every build."""

import math

from civicdesk.assets.importing import AssetRow, import_assets
from civicdesk.catalogue.models import IssueType
from civicdesk.places.distance import METRES_PER_DEGREE
from civicdesk.places.models import Jurisdiction

SPACING_METRES = 40
# (prefix, street, one end, the other end): straight stretches, close enough for a demo.
STREETS = [
    ("CMS", "Commissioner Street", (-26.2057, 28.0330), (-26.2047, 28.0590)),
    ("JSA", "Jan Smuts Avenue", (-26.1700, 28.0300), (-26.1320, 28.0290)),
    ("RIV", "Rivonia Road", (-26.1080, 28.0560), (-26.0540, 28.0600)),
    ("VIL", "Vilakazi Street", (-26.2385, 27.9050), (-26.2390, 27.9130)),
]
STREET_LIGHT_TYPE = "street-light-out"


def street_light_rows() -> list[AssetRow]:
    rows = []
    for prefix, street, (lat1, lon1), (lat2, lon2) in STREETS:
        dy = (lat2 - lat1) * METRES_PER_DEGREE
        dx = (lon2 - lon1) * METRES_PER_DEGREE * math.cos(math.radians(lat1))
        count = int(math.hypot(dx, dy) // SPACING_METRES) + 1
        for n in range(count):
            f = n / max(count - 1, 1)
            rows.append(
                AssetRow(
                    where=f"{street} {n + 1}",
                    reference=f"{prefix}-{n + 1:04d}",
                    kind="street_light",
                    lat=round(lat1 + f * (lat2 - lat1), 6),
                    lon=round(lon1 + f * (lon2 - lon1), 6),
                    attributes={"street": street, "lamp": "LED" if n % 3 else "HPS 150 W"},
                )
            )
    return rows


def add_street_lights(jurisdiction: Jurisdiction) -> int:
    """Register the demo's street lights; return how many."""
    result = import_assets(jurisdiction, street_light_rows())
    IssueType.objects.filter(jurisdiction=jurisdiction, code=STREET_LIGHT_TYPE).update(
        asset_kind="street_light"
    )
    return result.created + result.updated + result.unchanged
