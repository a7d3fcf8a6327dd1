from django.urls import path

from civicdesk.assets import views

app_name = "assets"

# Public: the nearest assets of a kind (JSON) and an asset's page with its history.
urlpatterns = [
    path("near.json", views.near_json, name="near"),
    path("<slug:city>/<path:reference>/", views.asset_page, name="asset"),
]
