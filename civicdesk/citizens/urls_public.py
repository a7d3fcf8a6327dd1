from django.urls import path

from civicdesk.citizens.views import charter, public

# The public list, map and area pages, and the service charter as a page, a PDF and a CSV.
urlpatterns = [
    path("issues/", public.issue_list, name="issues"),
    path("map/", public.issue_map, name="map"),
    path("map/data.json", public.map_data_json, name="map-data"),
    path("areas/", public.area_index, name="areas"),
    path("areas/<int:area_id>/", public.area_page, name="area"),
    path("charter/", charter.charter_page, name="charter"),
    path("charter.pdf", charter.charter_pdf, name="charter-pdf"),
    path("charter.csv", charter.charter_csv, name="charter-csv"),
]
