from django.apps import AppConfig


class TwoFactorConfig(AppConfig):
    name = "civicdesk.twofactor"
    verbose_name = "Two-factor sign-in"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from civicdesk.twofactor import gate

        user_logged_in.connect(gate.remember_devices, dispatch_uid="twofactor-remember-devices")
