from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "cchc.integrations"
    label = "integrations"
    verbose_name = "Liên thông hệ thống quốc gia"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from cchc.integrations import subscribers  # noqa: F401  (registers the outbox subscribers)
