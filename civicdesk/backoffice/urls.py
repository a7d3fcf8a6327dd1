from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from civicdesk.backoffice.views import activities, dispatch, home, inbox, issues, rules
from civicdesk.throttling.sign_in import sign_in_throttle
from civicdesk.twofactor import views as twofactor

app_name = "backoffice"

urlpatterns = [
    path("", home.home, name="home"),
    path(
        "sign-in/",
        # Failed sign-ins are counted by the user_login_failed signal (civicdesk.throttling).
        sign_in_throttle(twofactor.StaffSignInView.as_view()),
        name="sign-in",
    ),
    path(
        "sign-out/",
        auth_views.LogoutView.as_view(next_page=reverse_lazy("backoffice:sign-in")),
        name="sign-out",
    ),
    path("sign-in/code/", twofactor.sign_in_code, name="sign-in-code"),
    path("two-factor/", twofactor.two_factor, name="two-factor"),
    path("units/<int:unit_id>/", inbox.unit_inbox, name="unit-inbox"),
    path("units/<int:unit_id>/issues.geojson", inbox.inbox_map_data, name="inbox-map-data"),
    path("units/<int:unit_id>/selection/", inbox.bulk_action, name="bulk-action"),
    path("units/<int:unit_id>/activity-search/", inbox.activity_search, name="activity-search"),
    path("units/<int:unit_id>/escalation-rules/", rules.rule_list, name="rules"),
    path("units/<int:unit_id>/escalation-rules/<int:rule_id>/", rules.rule_edit, name="rule"),
    path("programmes/<int:programme_id>/", inbox.programme_inbox, name="programme-inbox"),
    path("issues/<int:issue_id>/", issues.issue_page, name="issue"),
    path("issues/<int:issue_id>/merge/", issues.merge_page, name="merge"),
    path("issues/<int:issue_id>/contacts/", issues.issue_contacts, name="issue-contacts"),
    path("activities/", activities.activity_list, name="activities"),
    path("activities/new/", activities.activity_new, name="activity-new"),
    path("activities/<int:activity_id>/", activities.activity_page, name="activity"),
    path("activities/<int:activity_id>/edit/", activities.activity_edit, name="activity-edit"),
    path(
        "activities/<int:activity_id>/issues.geojson",
        activities.activity_map_data,
        name="activity-map-data",
    ),
    path("dispatch/", dispatch.dispatch_centre, name="dispatch"),
    path("dispatch/route/", dispatch.route_selection, name="route-selection"),
]
