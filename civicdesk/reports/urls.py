from django.urls import path

from civicdesk.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.report, name="sla"),
    path("sla.csv", views.report_csv, name="sla-csv"),
    path("transparency/", views.transparency, name="transparency"),
]
