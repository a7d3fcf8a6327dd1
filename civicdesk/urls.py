from django.contrib import admin
from django.urls import include, path

from civicdesk.api import api
from civicdesk.health import health
from civicdesk.workers.health import health_details

admin.site.site_header = "Civic Desk configuration"
admin.site.site_title = "Civic Desk"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("health/", health, name="health"),
    path("health/details/", health_details, name="health-details"),
    path("alerts/", include("civicdesk.alerts.urls")),
    path("live/", include("civicdesk.live.urls")),
    path("open311/v2/", include("civicdesk.open311.urls")),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("staff/moderation/", include("civicdesk.moderation.urls")),
    path("staff/", include("civicdesk.backoffice.urls")),
    path("reports/assets/", include("civicdesk.assets.urls_staff")),
    path("reports/", include("civicdesk.reports.urls")),
    path("assets/", include("civicdesk.assets.urls")),
    path("phone/", include("civicdesk.phonelines.urls")),
    path("open-data/", include("civicdesk.opendata.urls")),
    path("", include("civicdesk.citizens.urls")),
]
