from django.apps import AppConfig


class OpenDataConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "cchc.opendata"
    label = "opendata"
    verbose_name = "Dữ liệu mở"
