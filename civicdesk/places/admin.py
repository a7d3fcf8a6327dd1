"""Jurisdictions and their areas. Areas are imported (manage.py import_areas), not drawn here."""

from typing import Any

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from civicdesk.places.models import Area, Jurisdiction


@admin.register(Jurisdiction)
class JurisdictionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "time_zone", "area_count"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Jurisdiction]:
        return super().get_queryset(request).annotate(area_total=Count("areas"))

    @admin.display(description="areas", ordering="area_total")
    def area_count(self, obj: Jurisdiction) -> int:
        return obj.area_total


def _vertex_count(coordinates: Any) -> int:
    """Positions in nested GeoJSON coordinates (a position is a list of numbers)."""
    if not isinstance(coordinates, list | tuple) or not coordinates:
        return 0
    if not isinstance(coordinates[0], list | tuple):
        return 1
    return sum(_vertex_count(part) for part in coordinates)


def geometry_summary(geometry: Any) -> str:
    if not isinstance(geometry, dict):
        return "no geometry"
    kind = geometry.get("type", "unknown")
    coordinates = geometry.get("coordinates")
    vertices = _vertex_count(coordinates)
    if kind == "MultiPolygon" and isinstance(coordinates, list):
        return f"MultiPolygon of {len(coordinates)} polygons, {vertices} vertices"
    return f"{kind}, {vertices} vertices"


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "code", "jurisdiction"]
    list_filter = ["jurisdiction", "kind"]
    list_select_related = ["jurisdiction"]
    search_fields = ["name", "code"]
    ordering = ["jurisdiction", "kind", "name"]
    fields = ["jurisdiction", "kind", "name", "code", "geometry_summary", "bounding_box"]
    readonly_fields = ["jurisdiction", "geometry_summary", "bounding_box"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Area]:
        # Polygons can be large; lists and pickers only need names.
        return super().get_queryset(request).defer("geometry")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # an area needs a boundary: import it with manage.py import_areas

    @admin.display(description="geometry")
    def geometry_summary(self, obj: Area) -> str:
        return geometry_summary(obj.geometry)

    @admin.display(description="bounding box (lat, lon)")
    def bounding_box(self, obj: Area) -> str:
        return f"{obj.min_lat:.5f}, {obj.min_lon:.5f} to {obj.max_lat:.5f}, {obj.max_lon:.5f}"
