from django.db import models
from django.db.models import Q
from django.utils import timezone

from civicdesk.places.models import Area, Jurisdiction


class Asset(models.Model):
    """Something a city maintains at a place (a street light, a valve, a bin), known by
    its reference: the number painted on it, unique in its jurisdiction."""

    jurisdiction = models.ForeignKey(
        Jurisdiction, on_delete=models.CASCADE, related_name="assets", db_index=False
    )
    kind = models.SlugField(max_length=32, help_text="e.g. street_light, hydrant, valve")
    reference = models.CharField(max_length=64, help_text="The number on the asset")
    lat = models.FloatField()
    lon = models.FloatField()
    attributes = models.JSONField(default=dict, blank=True)
    area = models.ForeignKey(
        Area, null=True, blank=True, on_delete=models.SET_NULL, related_name="assets"
    )
    active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "reference"], name="asset_unique_reference"
            ),
            models.CheckConstraint(
                condition=Q(lat__gte=-90, lat__lte=90, lon__gte=-180, lon__lte=180),
                name="asset_valid_point",
            ),
        ]
        # Nearest assets of a kind: a bounding box on this index, then exact distances.
        indexes = [models.Index(fields=["kind", "lat", "lon"], name="asset_kind_point")]
        ordering = ["jurisdiction", "reference"]

    def __str__(self) -> str:
        return f"{self.kind} {self.reference}"
