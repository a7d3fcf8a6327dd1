from django.urls import path, re_path

from civicdesk.open311 import views

app_name = "open311"

urlpatterns = [
    path("discovery.<str:fmt>", views.discovery, name="discovery"),
    path("services.<str:fmt>", views.services, name="services"),
    path("services/<slug:code>.<str:fmt>", views.service, name="service"),
    path("requests.<str:fmt>", views.requests, name="requests"),
    path("requests/<str:request_id>.<str:fmt>", views.request_detail, name="request"),
    path("tokens/<str:token>.<str:fmt>", views.token, name="token"),
    path("servicerequestupdates.<str:fmt>", views.request_updates, name="updates"),
    # Any path at all, a newline included (`.` and `$` would leave those to Django's HTML 404).
    re_path(r"^(?P<path>[\s\S]*)\Z", views.not_found),
]
