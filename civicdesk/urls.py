from django.contrib import admin
from django.urls import path
from django.views.generic import RedirectView

from civicdesk.health import health

admin.site.site_header = "Civic Desk configuration"
admin.site.site_title = "Civic Desk"

urlpatterns = [
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
    path("admin/", admin.site.urls),
    path("health/", health, name="health"),
]
