from django.urls import path

from civicdesk.moderation import views

app_name = "moderation"

# Under /staff/moderation/: the back office's moderation of an issue and staff's photos.
urlpatterns = [
    path("issues/<int:issue_id>/", views.moderate_issue, name="issue"),
    path("photos/<int:photo_id>/", views.staff_photo, name="photo"),
]
