from django.db import models

from civicdesk.places.validators import validate_time_zone


class Jurisdiction(models.Model):
    """A city or municipality; `slug` is Open311's jurisdiction_id."""

    slug = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    time_zone = models.CharField(
        max_length=64, default="Africa/Johannesburg", validators=[validate_time_zone]
    )

    def __str__(self) -> str:
        return self.name


class Area(models.Model):
    """A polygon inside a jurisdiction. The bounding box columns let routing narrow the
    candidates in SQL before shapely tests the exact geometry."""

    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.CASCADE, related_name="areas")
    kind = models.CharField(max_length=32, default="ward")
    name = models.CharField(max_length=200)
    code = models.CharField(max_length=64, blank=True)
    geometry = models.JSONField(help_text="GeoJSON Polygon or MultiPolygon, WGS84")
    min_lat = models.FloatField()
    min_lon = models.FloatField()
    max_lat = models.FloatField()
    max_lon = models.FloatField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "kind", "name"], name="area_unique_name_per_kind"
            )
        ]
        indexes = [models.Index(fields=["jurisdiction", "min_lat", "max_lat"])]
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name
