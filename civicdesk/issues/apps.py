from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save


class IssuesConfig(AppConfig):
    name = "civicdesk.issues"
    label = "issues"

    def ready(self) -> None:
        from civicdesk.issues import reference

        for model in reference.watched_models():
            post_save.connect(reference.forget, sender=model, dispatch_uid=f"forget-{model}")
            post_delete.connect(reference.forget, sender=model, dispatch_uid=f"forget-d-{model}")
            m2m_changed.connect(reference.forget, sender=model, dispatch_uid=f"forget-m-{model}")
