from django.urls import path

from civicdesk.citizens.views import account, issue_page, placing, pwa, reporting

# Reporting, issue pages, accounts and the installable app (manifest, service worker).
urlpatterns = [
    path("", reporting.home, name="home"),
    path("report/", reporting.choose_category, name="report"),
    path("report/offline/", pwa.offline_report, name="report-offline"),
    path("report/sent/<int:issue_id>/", reporting.report_sent, name="report-sent"),
    path("report/<slug:city>/geocode.json", placing.geocode, name="report-geocode"),
    path("report/<slug:city>/<slug:code>/", reporting.choose_place, name="report-place"),
    path(
        "report/<slug:city>/<slug:code>/details/",
        reporting.report_details,
        name="report-details",
    ),
    path("issues/<int:issue_id>/", issue_page.issue_page, name="issue"),
    path("issues/<int:issue_id>/live/", issue_page.issue_live, name="issue-live"),
    path("issues/<int:issue_id>/push/", issue_page.push_issue, name="issue-push"),
    path("issues/<int:issue_id>/feedback/", issue_page.feedback, name="issue-feedback"),
    path("photos/<int:photo_id>/", issue_page.photo, name="photo"),
    path("account/", account.account_page, name="account"),
    path("account/sign-in/", account.sign_in, name="sign-in"),
    path("account/sign-in/link/", account.request_sign_in_link, name="sign-in-link-request"),
    path("account/sign-in/link/<str:token>/", account.use_sign_in_link, name="sign-in-link"),
    path("account/sign-up/", account.sign_up, name="sign-up"),
    path("account/sign-out/", account.sign_out, name="sign-out"),
    path("account/delete/", account.delete_account, name="account-delete"),
    path("account/data.json", account.account_data, name="account-data"),
    path("my/issues/", account.my_issues, name="my-issues"),
    path("my/issues/<int:issue_id>/alerts/", account.issue_alerts, name="my-issue-alerts"),
    path("manifest.webmanifest", pwa.manifest, name="manifest"),
    path("sw.js", pwa.service_worker, name="service-worker"),
]
