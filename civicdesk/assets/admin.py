"""The asset register in the admin (most assets arrive by `import_assets`)."""

from django.contrib import admin

from civicdesk.assets.models import Asset


@admin.register(Asset)
class AssetAdmin(admin.ModelAdmin):
    list_display = ["reference", "kind", "jurisdiction", "area", "active", "updated_at"]
    list_filter = ["jurisdiction", "kind", "active"]
    list_select_related = ["jurisdiction", "area"]
    search_fields = ["reference"]
    raw_id_fields = ["area"]
    fields = ["jurisdiction", "kind", "reference", ("lat", "lon"), "area", "attributes", "active"]
    readonly_fields = ["updated_at"]
