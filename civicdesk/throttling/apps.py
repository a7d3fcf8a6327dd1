from django.apps import AppConfig


class ThrottlingConfig(AppConfig):
    """Rate limits on reporting, pushing and signing in, answered with a 429 in each
    interface's own convention."""

    name = "civicdesk.throttling"

    def ready(self) -> None:
        from django.contrib import admin
        from django.contrib.auth.signals import user_login_failed

        from civicdesk.throttling import api  # noqa: F401  the API's 429 answer
        from civicdesk.throttling.sign_in import count_failed_sign_in, sign_in_throttle

        user_login_failed.connect(count_failed_sign_in, dispatch_uid="throttling-failed-sign-in")
        # The admin's login page is built from admin.site.login when its URLs are read.
        admin.site.login = sign_in_throttle(admin.site.login)
