from django.urls import path

from civicdesk.assets import staff

app_name = "assets-staff"

# Mounted at /reports/assets/: the repeat-faults report and its CSV export.
urlpatterns = [
    path("", staff.repeat_faults_page, name="repeat-faults"),
    path("repeat-faults.csv", staff.repeat_faults_csv, name="repeat-faults-csv"),
]
