from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class Open311Config(AppConfig):
    name = "civicdesk.open311"
    label = "open311"
    verbose_name = "Open311"

    def ready(self) -> None:
        from civicdesk.open311.models import ClientApplication
        from civicdesk.open311.services import forget_keys

        post_save.connect(forget_keys, sender=ClientApplication, dispatch_uid="forget-keys")
        post_delete.connect(forget_keys, sender=ClientApplication, dispatch_uid="forget-keys-d")
