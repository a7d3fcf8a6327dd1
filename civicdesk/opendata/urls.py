from django.urls import path

from civicdesk.opendata import views

app_name = "opendata"

urlpatterns = [
    path("", views.dictionary, name="dictionary"),
    path("issues.csv", views.issues_csv, name="issues-csv"),
    path("issues.geojson", views.issues_geojson, name="issues-geojson"),
]
