from django.urls import path

from civicdesk.live import views

app_name = "live"
urlpatterns = [
    path("issues/<int:issue_id>/events/", views.issue_events, name="issue-events"),
    path("units/<int:unit_id>/events/", views.unit_events, name="unit-events"),
]
