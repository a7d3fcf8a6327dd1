from civicdesk.citizens import urls_public, urls_reporting

app_name = "citizens"

# Reporting, issue pages and accounts; then the public map, lists, area pages and charter.
urlpatterns = urls_reporting.urlpatterns + urls_public.urlpatterns
