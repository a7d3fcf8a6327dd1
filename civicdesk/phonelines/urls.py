from django.urls import path

from civicdesk.phonelines import views

app_name = "phonelines"
urlpatterns = [
    path("ussd/<str:token>/", views.ussd, name="ussd"),
    path("sms/<str:token>/", views.sms, name="sms"),
]
