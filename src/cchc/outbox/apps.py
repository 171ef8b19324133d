from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "cchc.outbox"
    verbose_name = "Hộp thư sự kiện (outbox)"
    default_auto_field = "django.db.models.BigAutoField"
