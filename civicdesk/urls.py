from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from civicdesk.health import health
from civicdesk.workers.health import health_details

admin.site.site_header = "Civic Desk configuration"
admin.site.site_title = "Civic Desk"

urlpatterns = [
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
    path("admin/", admin.site.urls),
    path("health/", health, name="health"),
    path("health/details/", health_details, name="health-details"),
    path("alerts/", include("civicdesk.alerts.urls")),
    path("live/", include("civicdesk.live.urls")),
    path("open311/v2/", include("civicdesk.open311.urls")),
]
